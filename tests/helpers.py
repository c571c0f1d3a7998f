from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from maturity.core.privacy_notice import NOTICE_VERSION
from maturity.extensions import db
from maturity.models import ReportJob, User
from maturity.models._types import utcnow
from tests.conftest import ROOT
from tests.mailbox import Mailbox

PASSWORD = "correct horse battery"
# What the review page sends: the attestation's box ticked ("submitting is final")
# and the submitter's role.
CONFIRMED = {"confirm": "final", "role": "总经理"}
# The same through the API, and to the service.
ATTESTATION_JSON = {"attestation": {"accepted": True, "role": "总经理"}}


def attested():  # type: ignore[no-untyped-def]
    from maturity.services.assessments import AttestationInput

    return AttestationInput(True, "总经理")


def make_user(
    app: Flask, email: str = "manager@example.com", name: str = "王经理", locale: str = "zh"
) -> int:
    with app.app_context():
        user = User(
            email=email,
            name=name,
            locale=locale,
            email_confirmed_at=utcnow(),
            privacy_version=NOTICE_VERSION,
            privacy_accepted_at=utcnow(),
        )
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


def log_in(client: FlaskClient, email: str = "manager@example.com") -> None:
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


VALID_PROFILE = {
    "name": "杭州测试机械有限公司",
    "credit_code": "91350100M000100Y43",
    "industry_section": "C",
    "industry_division": "34",
    "employees": "120",
    "revenue": "8600",
    "total_assets": "",
    "province_code": "330000",
    "city_code": "330100",
}


def publish_questionnaires(app: Flask, only: str | None = None, upto: str | None = None) -> None:
    """Publish the questionnaire files (``only``: just this version, e.g. "1.0.0";
    ``upto``: this version and the older ones, so that it is the current one)."""
    from maturity.core.questionnaire import Catalogue, version_key
    from maturity.services.questionnaires import publish_all
    from tests.conftest import ROOT

    files = Catalogue.scan(ROOT / "questionnaires")
    if only is not None:
        files = Catalogue({key: path for key, path in files.files.items() if key[1] == only})
    if upto is not None:
        files = Catalogue(
            {
                key: path
                for key, path in files.files.items()
                if version_key(key[1]) <= version_key(upto)
            }
        )
    with app.app_context():
        report = publish_all(files)
        assert not report.problems, report.problems


def make_organisation(
    app: Flask, owner_id: int, name: str = "杭州测试机械有限公司", credit_code: str | None = None,
    section: str = "C", division: str = "34", employees: int = 120,
) -> int:  # fmt: skip
    from decimal import Decimal

    from maturity.services.organisations import OrganisationProfile, create_organisation

    with app.app_context():
        owner = db.session.get(User, owner_id)
        organisation = create_organisation(
            OrganisationProfile(
                name=name,
                credit_code=credit_code,
                industry_division=division,
                employees=employees,
                revenue=Decimal(8600),
                total_assets=None,
                province_code="330000",
                city_code="330100",
            ),
            owner,
        )
        db.session.commit()
        return organisation.id


def add_membership(app: Flask, user_id: int, organisation_id: int, role: str) -> None:
    """Give a user a role ("member", "consultant") in an organisation."""
    from maturity.models import Membership, MembershipRole

    with app.app_context():
        db.session.add(
            Membership(user_id=user_id, organisation_id=organisation_id, role=MembershipRole(role))
        )
        db.session.commit()


# A profile of questionnaire 2.0.0 under which every question applies.
# A profile under which every question of the current questionnaire (3.0.0) applies;
# its size is not asked but taken from the organisation.
FULL_PROFILE = {
    "sector": "discrete",
    "customers": "consumers",
    "designs_products": "own_design",
    "after_sales": "connected_products",
}
# The same for 2.0.0.
FULL_PROFILE_2 = {
    "designs_products": "own_design",
    "production": "discrete",
    "after_sales": "connected_products",
}


def version_2_questionnaire():  # type: ignore[no-untyped-def]
    """sme-digital 2.0.0, for tests of the journey on a format-2 questionnaire."""
    from maturity.core.questionnaire import Catalogue
    from tests.conftest import ROOT

    return Catalogue.scan(ROOT / "questionnaires").load("sme-digital@2.0.0")


def current_questionnaire():  # type: ignore[no-untyped-def]
    """The newest questionnaire file: the one new rounds use once all are published."""
    from maturity.core.questionnaire import Catalogue
    from tests.conftest import ROOT

    return Catalogue.scan(ROOT / "questionnaires").load("sme-digital")


def fill_round(
    assessment_id: int,
    user_id: int,
    value: int | dict[str, object] = 2,
    profile: dict[str, str] | None = None,
) -> None:
    """Answer a draft round (inside an app context): the profile (by default one under
    which everything applies), then every applicable question with ``value`` (one
    level for all, or a mapping of question id → answer, missing ones left out)."""
    from maturity.core.answers import AnswerInput, parse_value
    from maturity.core.applicability import applicability
    from maturity.core.items import PROFILE
    from maturity.models import Assessment
    from maturity.services import assessments as service
    from maturity.services import items
    from maturity.services.results import questionnaire_for

    assessment = db.session.get(Assessment, assessment_id)
    user = db.session.get(User, user_id)
    questionnaire = questionnaire_for(assessment)
    wanted = {**FULL_PROFILE_2, **FULL_PROFILE} if profile is None else profile
    chosen = {item.id: wanted[item.id] for item in questionnaire.profile if item.id in wanted}
    if chosen:
        saved = items.save_items(assessment, questionnaire, PROFILE, chosen, user)
        assert not saved.refused, saved.refused
    marked = applicability(questionnaire, chosen).not_applicable
    for question in questionnaire.questions:
        if question.id in marked:
            continue
        if isinstance(value, dict):
            if question.id not in value:
                continue
            raw = value[question.id]
        else:
            raw = value
        service.save_answer(assessment, AnswerInput(question.id, parse_value(raw)), user)


def sign_up(
    client: FlaskClient,
    mailbox: Mailbox,
    email: str,
    name: str = "新同事",
    next_path: str | None = None,
) -> str:
    """Sign up through the form and follow the confirmation link that arrives by
    mail (real SMTP); returns where the confirmation led."""
    before = len(mailbox.to(email))
    response = client.post(
        "/auth/register",
        query_string={"next": next_path} if next_path else {},
        data={
            "name": name,
            "email": email,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    link = mailbox.wait_for(email, count=before + 1)[-1].link("/auth/confirm/")
    path = link.removeprefix("http://localhost")
    assert client.get(path).status_code == 200
    confirmed = client.post(path, data={"password": PASSWORD})
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)
    return confirmed.headers["Location"]


def store_archive(job: ReportJob, contents: dict[str, bytes]) -> str:
    """Give a finished batch (in an app context) a ZIP with these files, as its
    assembly would; returns the ZIP's name in the storage."""
    import zipfile

    from maturity.storage import report_archives

    name = f"reports-test-{job.id}.zip"
    with (
        report_archives().writing(name) as handle,
        zipfile.ZipFile(handle, "w") as archive,
    ):
        for entry, content in contents.items():
            archive.writestr(entry, content)
    job.archive = name
    db.session.commit()
    return name


def in_a_fresh_process(script: str, tmp_path: Path) -> str:
    """What a Python script prints, run in a process of its own on an empty database."""
    env = {
        **os.environ,
        "MATURITY_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "MATURITY_INSTANCE_PATH": str(tmp_path),
        "MATURITY_SECRET_KEY": "test",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return result.stdout
