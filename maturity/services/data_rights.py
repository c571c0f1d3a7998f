"""An organisation's own data: all of it to download, and deleting it.

The export holds every row that belongs to the organisation (its profile, goals,
members, centre registrations and consent, invitations, assessments with answers,
notes, figures, results, findings, plans and step progress, and the audit trail of
who read or changed its data), table by table, without the secrets that only
protect it (record keys, token hashes, others' network addresses).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, select

from maturity.extensions import db
from maturity.models import Assessment, EvidenceFile, Membership, Organisation, User
from maturity.models._types import utcnow
from maturity.services import audit, evidence
from maturity.services.audit import record
from maturity.storage import documents

FORMAT = "maturity-organisation-data"
FORMAT_VERSION = 1
SECRET_COLUMNS = {
    "token_hash",
    "key_hash",
    "password_hash",
    "ip_address",
    "licence_file",  # a storage name; the licence itself is the owners' own upload
    "stored_name",  # an evidence file's storage name (the ZIP export holds the file)
}
# Derived from the tables exported (the centres' anonymised aggregates read it).
DERIVED_TABLES = {"result_summary"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and not isinstance(value, bool | int | float | str):
        return value.value  # enum members
    return value


def _owned_tables() -> list[tuple[Table, str]]:
    """Every table holding the organisation's rows, and the column that says so."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in DERIVED_TABLES:
            continue
        if table.name == "organisation":
            found.append((table, "id"))
        elif "organisation_id" in table.columns:
            found.append((table, "organisation_id"))
        elif "assessment_id" in table.columns:
            found.append((table, "assessment_id"))
    return found


def organisation_data(organisation: Organisation) -> dict[str, Any]:
    assessment_ids = list(
        db.session.scalars(
            select(Assessment.id).where(Assessment.organisation_id == organisation.id)
        )
    )
    tables: dict[str, list[dict[str, Any]]] = {}
    people: set[int] = set()
    for table, column in _owned_tables():
        where: ColumnElement[bool]
        if column == "assessment_id":
            where = table.c.assessment_id.in_(assessment_ids)
        else:
            where = table.c[column] == organisation.id
        rows = db.session.execute(select(table).where(where).order_by(*table.primary_key)).all()
        tables[table.name] = [
            {k: _plain(v) for k, v in row._mapping.items() if k not in SECRET_COLUMNS}
            for row in rows
        ]
        for row in tables[table.name]:
            people.update(
                v for k, v in row.items() if isinstance(v, int) and _is_user_column(table, k)
            )
    for event in tables.get("audit_event", []):
        people.update(audit.people_in(event.get("detail")))
    members = set(
        db.session.scalars(
            select(Membership.user_id).where(Membership.organisation_id == organisation.id)
        )
    )
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people | members)))}
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "organisation": {"id": organisation.id, "name": organisation.name},
        # Names of everyone the rows mention; addresses only of current members; an
        # account deleted since is "a former member", with nothing of it left.
        "people": [
            {"id": u.id, "name": u.name, **({"email": u.email} if u.id in members else {})}
            if (u := users.get(person_id)) is not None
            else {"id": person_id, "name": None, "former_member": True}
            for person_id in sorted(people | members)
        ],
        "tables": tables,
    }


def _is_user_column(table: Table, name: str) -> bool:
    column = table.c[name]
    return any(fk.column.table.name == "user" for fk in column.foreign_keys)


def record_export(actor: User, organisation: Organisation, file_format: str) -> None:
    record(
        actor, "export_organisation_data", "organisation", organisation.id, organisation.id,
        format=file_format,
    )  # fmt: skip
    db.session.commit()


def delete_organisation(organisation: Organisation, actor: User) -> list[int]:
    """Delete the organisation and everything it owns (committed): profile, goals,
    memberships, registrations, invitations, assessments, answers, results, reports'
    data and plans, and the documents it uploaded (its business licence, its evidence
    files); its summary
    rows go too, so the centres' aggregates no longer count it. The audit trail stays
    (without the link). Returns the ids of the assessments deleted, whose cached
    report files the caller removes."""
    organisation_id = organisation.id
    licence = organisation.licence_file
    assessment_ids = list(
        db.session.scalars(
            select(Assessment.id).where(Assessment.organisation_id == organisation_id)
        )
    )
    files = evidence.stored_names(assessment_ids)
    record(
        actor, "delete_organisation", "organisation", organisation_id, None,
        name=organisation.name, assessments=len(assessment_ids),
    )  # fmt: skip
    db.session.flush()
    db.session.execute(delete(Assessment).where(Assessment.organisation_id == organisation_id))
    db.session.execute(delete(Organisation).where(Organisation.id == organisation_id))
    db.session.commit()
    if licence:
        documents().remove(licence)
    evidence.remove_stored(files)
    return assessment_ids


def evidence_files(organisation: Organisation) -> list[tuple[str, EvidenceFile]]:
    """Every evidence file of the organisation's rounds, with the path it has in the
    ZIP export (``evidence/<round>/<question>/<id>-<name>``)."""
    rows = db.session.scalars(
        select(EvidenceFile)
        .join(Assessment)
        .where(Assessment.organisation_id == organisation.id)
        .order_by(Assessment.round, EvidenceFile.question_id, EvidenceFile.id)
    ).all()
    return [
        (
            f"evidence/round-{row.assessment.round}/{row.question_id}/{row.id}-{row.original_name}",
            row,
        )
        for row in rows
    ]
