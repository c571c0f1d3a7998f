"""A centre's list of organisations, imported by a worker.

The web request stores the uploaded file and records the import; a worker reads
and checks the file (a large workbook takes seconds) and imports every row or,
if any is bad, none. Celery may run the task twice (a worker that died after the
import and before acknowledging it): the rows are written in the transaction that
marks the import done, and only while it is not, so a second run writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update

from maturity.core.organisation_import import (
    ImportCheck,
    RowProblem,
    UnreadableFile,
    check_rows,
    read_csv,
    read_xlsx,
)
from maturity.extensions import db, rows_changed
from maturity.models import (
    Centre,
    CentreRegistration,
    CreditCodeState,
    ImportStatus,
    Membership,
    Organisation,
    OrganisationImport,
    User,
)
from maturity.models._types import utcnow
from maturity.services import credit_codes
from maturity.services.audit import record
from maturity.services.organisations import profile_columns
from maturity.storage import import_uploads

UNFINISHED = (ImportStatus.QUEUED, ImportStatus.RUNNING)
FILE_TYPES = (".csv", ".txt", ".xlsx")


def readable_type(filename: str) -> bool:
    return filename.lower().endswith(FILE_TYPES)


def read_table(filename: str, data: bytes) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    return read_csv(data)


def record_upload(centre: Centre, user: User, filename: str, data: bytes) -> int:
    """Store the file and record its import, queued (the caller queues the task); its id,
    read before the commit (reading it after would open a transaction, which on SQLite
    holds the write lock that the task run at once without a broker needs)."""
    job = OrganisationImport(centre_id=centre.id, user_id=user.id, filename=filename[:255])
    db.session.add(job)
    db.session.flush()
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    import_id = job.id
    name = f"import-{import_id}-{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
    with import_uploads().writing(name) as handle:
        handle.write(data)
    job.upload = name
    db.session.commit()
    return import_id


@dataclass(frozen=True)
class Claimed:
    """An import a worker is running, in plain values (no transaction kept open)."""

    id: int
    centre_id: int
    user_id: int
    filename: str
    upload: str | None


def claim(import_id: int) -> Claimed | None:
    """Mark the import running; None when it is finished (or gone)."""
    if not rows_changed(
        update(OrganisationImport)
        .where(OrganisationImport.id == import_id, OrganisationImport.status.in_(UNFINISHED))
        .values(status=ImportStatus.RUNNING)
    ):
        db.session.rollback()
        return None
    job = db.session.get_one(OrganisationImport, import_id, populate_existing=True)
    claimed = Claimed(job.id, job.centre_id, job.user_id, job.filename, job.upload)
    db.session.commit()
    return claimed


def run(import_id: int) -> bool:
    """Import the file (all rows or none) and mark the import done; False when
    there was nothing to do (finished already, or by a run beside this one)."""
    claimed = claim(import_id)
    if claimed is None:
        return False
    check: ImportCheck | None = None
    outcome: dict[str, Any]
    data = _read_upload(import_id, claimed.upload)
    try:
        check = check_rows(read_table(claimed.filename, data))
    except UnreadableFile as unreadable:
        outcome = {"unreadable": {"code": unreadable.code, "params": unreadable.params}}
    else:
        outcome = {"problems": [_problem_json(p) for p in check.problems]}
    # The guard: the first statement of the transaction that writes the rows, so a
    # run beside this one waits for it and then finds the import done.
    if not rows_changed(
        update(OrganisationImport)
        .where(
            OrganisationImport.id == import_id, OrganisationImport.status == ImportStatus.RUNNING
        )
        .values(status=ImportStatus.DONE, finished_at=utcnow())
    ):
        db.session.rollback()
        return False
    to_notify: list[int] = []
    if check is not None and check.ok:
        centre = db.session.get_one(Centre, claimed.centre_id)
        user = db.session.get_one(User, claimed.user_id)
        imported = register_rows(centre, check, user, claimed.filename)
        outcome = {"requested": imported.requested, "already": imported.already}
        to_notify = imported.to_notify
    rows_changed(
        update(OrganisationImport)
        .where(OrganisationImport.id == import_id)
        .values(outcome=outcome, to_notify=to_notify)
    )
    db.session.commit()
    _forget_upload(import_id, claimed.upload)
    return True


class UploadMissing(Exception):
    """The uploaded file is not in the shared folder although the folder is there:
    it will not come back, so the task is not tried again (a folder away, an
    unmounted volume, is an OSError, and is)."""


def _read_upload(import_id: int, upload: str | None) -> bytes:
    if upload is None:
        raise UploadMissing(f"import {import_id} has no file")
    uploads = import_uploads()
    try:
        with uploads.open(upload) as handle:
            return handle.read()
    except FileNotFoundError as error:
        if uploads.reachable():
            raise UploadMissing(f"import {import_id}: {upload} is not in the uploads") from error
        raise


class Failure(StrEnum):
    """Why an import failed, in the words the centre is shown (its page)."""

    UPLOAD_MISSING = "upload_missing"
    NOT_QUEUED = "not_queued"
    INTERNAL = "internal"


def fail(import_id: int, error: str, reason: Failure = Failure.INTERNAL) -> None:
    """Mark an unfinished import failed: the error for the log and the operators, the
    reason for the centre."""
    upload = db.session.scalar(
        select(OrganisationImport.upload).where(OrganisationImport.id == import_id)
    )
    rows_changed(
        update(OrganisationImport)
        .where(OrganisationImport.id == import_id, OrganisationImport.status.in_(UNFINISHED))
        .values(
            status=ImportStatus.FAILED,
            error=error[:2000],
            outcome={"failed": reason.value},
            finished_at=utcnow(),
        )
    )
    db.session.commit()
    _forget_upload(import_id, upload)


def _forget_upload(import_id: int, upload: str | None) -> None:
    """The file holds a list of organisations: kept no longer than its import runs."""
    if upload is not None:
        import_uploads().remove(upload)
    rows_changed(
        update(OrganisationImport).where(OrganisationImport.id == import_id).values(upload=None)
    )
    db.session.commit()


def failure_of(job: OrganisationImport) -> Failure | None:
    """Why a failed import failed (None unless it did)."""
    if job.status != ImportStatus.FAILED:
        return None
    try:
        return Failure((job.outcome or {}).get("failed", Failure.INTERNAL))
    except ValueError:
        return Failure.INTERNAL


def _problem_json(problem: RowProblem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "code": problem.code,
        "params": problem.params,
    }


@dataclass
class ImportOutcome:
    """What the centre is shown of a finished import. It reveals nothing about
    organisations outside the centre: every row not yet on the centre's list became
    a registration request, whether or not the organisation was on the platform."""

    requested: int = 0
    already: int = 0  # on the centre's list before
    problems: list[RowProblem] = field(default_factory=list)
    unreadable: UnreadableFile | None = None

    @property
    def imported(self) -> bool:
        return self.unreadable is None and not self.problems


def outcome_of(job: OrganisationImport) -> ImportOutcome | None:
    found = job.outcome
    if job.status != ImportStatus.DONE or found is None:
        return None
    if "unreadable" in found:
        unreadable = found["unreadable"]
        return ImportOutcome(unreadable=UnreadableFile(unreadable["code"], **unreadable["params"]))
    return ImportOutcome(
        requested=found.get("requested", 0),
        already=found.get("already", 0),
        problems=[
            RowProblem(p["row"], p["column"], p["code"], p["params"])
            for p in found.get("problems", [])
        ],
    )


@dataclass(frozen=True)
class Holder:
    """An organisation that holds a code a row names."""

    id: int
    state: CreditCodeState
    claimed: bool  # it has members: someone who could prove the code


@dataclass
class Registered:
    requested: int
    already: int
    # Organisations already on the platform that got a request: their owners are told.
    to_notify: list[int]


def register_rows(centre: Centre, check: ImportCheck, user: User, filename: str) -> Registered:
    """A registration request for every checked row not on the centre's list yet,
    in the caller's transaction.

    A row's code held verified by an organisation on the platform sends the request
    to it. A code that organisations with members only claim (none verified) sends
    nothing to any of them: the request waits for one to be verified, and they are
    listed for the centre's reviewers to check (services.credit_codes). A code only a
    placeholder holds (an earlier import's, without members) gets the request there.
    Whichever it is, and for a code nobody holds, the row counts as one request: the
    report reads the same."""
    codes = [r.credit_code for r in check.records if r.credit_code]
    holders: dict[str, list[Holder]] = {}
    if codes:
        has_members = (
            select(Membership.id).where(Membership.organisation_id == Organisation.id).exists()
        )
        for code, organisation_id, state, claimed in db.session.execute(
            select(
                Organisation.credit_code,
                Organisation.id,
                Organisation.credit_code_state,
                has_members,
            )
            .where(Organisation.credit_code.in_(codes))
            .order_by(Organisation.id)
        ):
            if code is not None:
                holders.setdefault(code, []).append(Holder(organisation_id, state, claimed))
    listed_ids = set(
        db.session.scalars(
            select(CentreRegistration.organisation_id).where(
                CentreRegistration.centre_id == centre.id
            )
        )
    )
    placeholders: list[dict[str, Any]] = []
    requested_ids: list[int] = []
    held = 0
    already = 0
    for row in check.records:
        found = holders.get(row.credit_code, []) if row.credit_code else []
        verified = [h.id for h in found if h.state is CreditCodeState.VERIFIED]
        claimants = [h.id for h in found if h.claimed]
        if verified:
            # Its proved holder, whoever else claims the code (listed or not).
            if verified[0] in listed_ids:
                already += 1
            else:
                requested_ids.append(verified[0])
        elif any(h.id in listed_ids for h in found):
            already += 1
        elif claimants:
            assert row.credit_code is not None
            credit_codes.hold_for_verification(centre, claimants, row.credit_code, user)
            held += 1
        elif found:
            requested_ids.append(found[0].id)  # a placeholder: nobody to prove anything
        else:
            # A placeholder the centre may register SMEs under; it has no members yet.
            placeholders.append(profile_columns(row))
    to_notify = list(requested_ids)
    # In bulk: up to ten thousand rows in a fraction of a second, not one object each.
    if placeholders:
        requested_ids += db.session.scalars(
            insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True),
            placeholders,
        ).all()
    if requested_ids:
        # Only requests: each counts for the centre once its organisation accepts it.
        db.session.execute(
            insert(CentreRegistration),
            [
                {
                    "centre_id": centre.id,
                    "organisation_id": organisation_id,
                    "registered_by_id": user.id,
                }
                for organisation_id in requested_ids
            ],
        )
    requested = len(requested_ids) + held
    record(
        user,
        "import_organisations",
        "centre",
        centre.id,
        None,
        file=filename,
        requested=requested,
        already=already,
    )
    return Registered(requested, already, to_notify)


def recent_for(centre: Centre, user: User, limit: int = 5) -> list[OrganisationImport]:
    """The user's latest imports into the centre, newest first."""
    return list(
        db.session.scalars(
            select(OrganisationImport)
            .where(OrganisationImport.centre_id == centre.id, OrganisationImport.user_id == user.id)
            .order_by(OrganisationImport.created_at.desc(), OrganisationImport.id.desc())
            .limit(limit)
        )
    )


def notified(import_id: int) -> None:
    rows_changed(
        update(OrganisationImport).where(OrganisationImport.id == import_id).values(to_notify=[])
    )
    db.session.commit()


def stalled(older_than_seconds: int) -> list[int]:
    """Unfinished imports queued longer ago than that: their task was lost."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    found = list(
        db.session.scalars(
            select(OrganisationImport.id)
            .where(
                OrganisationImport.status.in_(UNFINISHED), OrganisationImport.created_at < cutoff
            )
            .order_by(OrganisationImport.id)
        )
    )
    db.session.commit()
    return found
