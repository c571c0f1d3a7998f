"""Idempotent loading of demo data from ``seeds/demo.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, update

from maturity.core.answers import AnswerInput, parse_value
from maturity.core.items import ROUND_ITEM_TYPES
from maturity.core.privacy_notice import NOTICE_VERSION
from maturity.core.profile import OrganisationProfile
from maturity.extensions import db
from maturity.models import (
    Centre,
    CentreMembership,
    CentreRegistration,
    CentreRole,
    CreditCodeState,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.models._types import utcnow
from maturity.services import items, verification
from maturity.services.branding import normalised_logo
from maturity.services.organisations import apply_profile
from maturity.services.questionnaires import published_version
from maturity.services.results import questionnaire_for


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def seed_demo(path: Path) -> SeedReport:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = SeedReport()

    users: dict[str, User] = {}
    for entry in data.get("users", []):
        email = entry["email"].lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=entry["name"],
                locale=entry.get("locale", "zh"),
                is_admin=bool(entry.get("is_admin", False)),
                # Demo accounts: as if their owners had confirmed and accepted.
                email_confirmed_at=utcnow(),
                privacy_version=NOTICE_VERSION,
                privacy_accepted_at=utcnow(),
            )
            user.set_password(entry["password"])
            db.session.add(user)
            report.created.append(f"user {email}")
        users[email] = user
        report.logins.append((email, entry["password"], entry["name"]))

    centres: dict[str, Centre] = {}
    for entry in data.get("centres", []):
        centre = db.session.scalar(select(Centre).where(Centre.name == entry["name"]))
        if centre is None:
            centre = Centre(name=entry["name"], province_code=entry.get("province_code"))
            if entry.get("contact"):
                centre.contact = entry["contact"]
            if entry.get("logo"):
                centre.logo_png = normalised_logo((path.parent / entry["logo"]).read_bytes())
            db.session.add(centre)
            report.created.append(f"centre {entry['name']}")
        centres[entry["name"]] = centre
        for key, role in (
            ("reviewers", CentreRole.REVIEWER),
            ("consultants", CentreRole.CONSULTANT),
        ):
            for email in entry.get(key, []):
                user = users[email.lower()]
                if not any(m.centre is centre and m.role is role for m in user.centre_memberships):
                    db.session.add(CentreMembership(user=user, centre=centre, role=role))

    for entry in data.get("organisations", []):
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.credit_code == entry["credit_code"])
        )
        if organisation is None:
            organisation = Organisation()
            apply_profile(
                organisation,
                OrganisationProfile(
                    name=entry["name"],
                    credit_code=entry["credit_code"],
                    industry_division=str(entry["industry_division"]),
                    employees=entry.get("employees"),
                    revenue=_decimal(entry.get("revenue")),
                    total_assets=_decimal(entry.get("total_assets")),
                    province_code=str(entry["province_code"]),
                    city_code=entry.get("city_code"),
                ),
            )
            # Demo data: the demo SME's code counts as proved.
            organisation.credit_code_state = CreditCodeState.VERIFIED
            organisation.credit_code_verified_at = utcnow()
            db.session.add(organisation)
            report.created.append(f"organisation {entry['name']}")
        for member in entry.get("members", []):
            user = users[member["email"].lower()]
            if member["role"] == MembershipRole.CONSULTANT:
                user.is_consultant = True
            if not any(m.organisation is organisation for m in user.memberships):
                db.session.add(
                    Membership(
                        user=user, organisation=organisation, role=MembershipRole(member["role"])
                    )
                )
        for registration in entry.get("centres", []):
            centre = centres[registration["name"]]
            if not any(r.centre is centre for r in organisation.centre_registrations):
                db.session.add(
                    CentreRegistration(
                        centre=centre,
                        organisation=organisation,
                        accepted_at=datetime.now(UTC),
                        consent_granted_at=datetime.now(UTC)
                        if registration.get("consent")
                        else None,
                    )
                )
    db.session.commit()
    seed_assessments(data.get("assessments", []), users, report)
    if "peers" in data:
        seed_peers(data["peers"], users, report)
    return report


def seed_peers(entry: dict[str, Any], users: dict[str, User], report: SeedReport) -> None:
    """Synthetic organisations registered with the demo centre, so that the benchmark
    and the centre's dashboard have enough peers to show figures (created once; their
    names say they are demo data)."""
    from maturity.services.synthetic import generate

    prefix = entry["name_prefix"]
    if db.session.scalar(select(Organisation.id).where(Organisation.name.startswith(prefix))):
        return
    version = published_version(entry["questionnaire"])
    if version is None:
        report.skipped.append(f"demo peers: {entry['questionnaire']} not published")
        return
    generated = generate(
        int(entry["organisations"]),
        int(entry["seed"]),
        entry["centre"],
        version,
        name_prefix=prefix,
        sections=entry.get("sections"),
        provinces=entry.get("provinces"),
    )
    report.created.append(f"{generated.organisations} synthetic demo organisations ({prefix} …)")
    clients = entry.get("consultant_clients")
    if clients:
        # A consultant with several clients: a report batch worth watching.
        consultant = users[clients["email"]]
        for organisation_id in db.session.scalars(
            select(Organisation.id)
            .where(Organisation.name.startswith(prefix))
            .order_by(Organisation.id)
            .limit(int(clients["organisations"]))
        ):
            db.session.add(
                Membership(
                    user_id=consultant.id,
                    organisation_id=organisation_id,
                    role=MembershipRole.CONSULTANT,
                )
            )
        db.session.commit()


def seed_assessments(
    entries: list[dict[str, Any]], users: dict[str, User], report: SeedReport
) -> None:
    """Submitted demo rounds, created once (an organisation's rounds are matched by number)."""
    from maturity.models import Assessment, Finding
    from maturity.services import assessments as service

    for round_number, entry in enumerate(entries, start=1):
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.credit_code == entry["organisation"])
        )
        published = published_version(entry["questionnaire"])
        if organisation is None or published is None:
            report.skipped.append(f"assessment round {round_number}: questionnaire not published")
            continue
        exists = db.session.scalar(
            select(Assessment.id).where(
                Assessment.organisation_id == organisation.id, Assessment.round == round_number
            )
        )
        if exists is not None:
            continue
        user = users[entry["by"].lower()]
        assessment = Assessment(
            organisation=organisation,
            questionnaire_version=published,
            questionnaire_hash=published.content_hash,
            round=round_number,
            created_by=user,
        )
        db.session.add(assessment)
        db.session.commit()
        notes = entry.get("notes", {})
        questionnaire = questionnaire_for(assessment)
        for item_type in ROUND_ITEM_TYPES:
            given_items = entry.get(item_type.section, {})
            if given_items:
                saved = items.save_items(assessment, questionnaire, item_type, given_items, user)
                if saved.refused:
                    raise ValueError(f"demo {item_type.section} refused: {saved.refused}")
        for question_id, raw in entry["answers"].items():
            given = AnswerInput(question_id, parse_value(raw), notes.get(question_id))
            service.save_answer(assessment, given, user)
        service.submit(
            assessment, user, service.AttestationInput(True, entry.get("attested_role", "总经理"))
        )
        if entry.get("submitted_days_ago"):
            _date_back(assessment, timedelta(days=int(entry["submitted_days_ago"])))
        for dimension_id, text in entry.get("findings", {}).items():
            db.session.add(
                Finding(assessment=assessment, dimension_id=dimension_id, text=text, author=user)
            )
        db.session.commit()
        if "verification" in entry:
            _verify(assessment, entry["verification"])
        report.created.append(f"assessment {organisation.name} round {round_number}")


def _verify(assessment: Any, given: dict[str, Any]) -> None:
    """A demo round's verification: each finding as its verifier would record it."""
    verifier = db.session.scalar(select(User).where(User.email == given["by"]))
    if verifier is None:
        raise ValueError(f"demo verifier {given['by']} is not a demo user")
    for question_id, found in given["findings"].items():
        days = found.get("visited_days_ago")
        verification.review(
            assessment,
            verification.Finding(
                question_id=question_id,
                outcome=found["outcome"],
                adjusted=found.get("level"),
                note=found.get("note", ""),
                method=found.get("method", "documents"),
                checked_on=None if days is None else date.today() - timedelta(days=int(days)),
            ),
            verifier,
        )
    if given.get("completed"):
        verification.complete(assessment, verifier)


def _date_back(assessment: Any, by: timedelta) -> None:
    """Move a just-submitted demo round into the past, all of its dates alike (the
    answers, the stored result and the dashboards' summary row too)."""
    from maturity.models import Answer, Assessment, AssessmentResult, ResultSummary

    when = utcnow() - by
    db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id)
        .values(created_at=when - timedelta(days=14), updated_at=when, submitted_at=when)
    )
    db.session.execute(
        update(Answer).where(Answer.assessment_id == assessment.id).values(answered_at=when)
    )
    db.session.execute(
        update(AssessmentResult)
        .where(AssessmentResult.assessment_id == assessment.id)
        .values(computed_at=when)
    )
    db.session.execute(
        update(ResultSummary)
        .where(ResultSummary.assessment_id == assessment.id)
        .values(submitted_at=when)
    )
    db.session.commit()
