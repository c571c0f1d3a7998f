"""Organisation imports run as tasks: a page that shows progress, a run done twice
that imports once, a failure that says so, and the real thing on a Celery worker."""

from __future__ import annotations

import io
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from maturity import queue
from maturity.centres.tasks import import_organisations
from maturity.extensions import db
from maturity.models import (
    Centre,
    CentreMembership,
    CentreRegistration,
    CreditCodeState,
    ImportStatus,
    Organisation,
    OrganisationImport,
    User,
)
from maturity.services import organisation_imports
from maturity.storage import import_uploads
from tests.conftest import make_app
from tests.helpers import log_in
from tests.mailbox import Mailbox, smtp_server
from tests.web.world import World
from tests.workers import Worker, app_settings, forget_queue, worker_settings

HEADER = "name,credit_code,industry_division,employees,revenue,total_assets,province_code,city_code"
# No credit codes: each row makes a placeholder organisation, so a second import of
# the same rows would make them twice.
PLACEHOLDERS = "\n".join(
    [HEADER, *(f"后台导入企业{i},,65,45,3200,,330000,330100" for i in range(3))]
).encode()


def recorded(app: Flask, world: World, content: bytes, filename: str = "orgs.csv") -> int:
    """An import as the upload records it, its task not run yet."""
    with app.app_context():
        centre = db.session.get_one(Centre, world.ids["centre"])
        reviewer = db.session.scalar(select(User).where(User.email == "reviewer@example.com"))
        assert reviewer is not None
        return organisation_imports.record_upload(centre, reviewer, filename, content)


def placeholders(app: Flask) -> int:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).where(Organisation.name.like("后台导入企业%")))
            or 0
        )


def page_of(world: World, import_id: int) -> str:
    response = world.client("reviewer").get(f"/centres/{world.ids['centre']}/imports/{import_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_progress_until_the_import_has_run(app: Flask, world: World) -> None:
    import_id = recorded(app, world, PLACEHOLDERS)
    page = page_of(world, import_id)
    assert "正在导入 orgs.csv" in page and 'http-equiv="refresh"' in page
    assert placeholders(app) == 0
    with app.app_context():
        queue.queue(import_organisations, import_id)
        job = db.session.get_one(OrganisationImport, import_id)
        assert job.status == ImportStatus.DONE and job.upload is None
        assert list(import_uploads().files()) == []  # the list is not kept once imported
    page = page_of(world, import_id)
    assert "发出 3 个登记请求" in page and 'http-equiv="refresh"' not in page
    assert placeholders(app) == 3
    # The centre's page lists it for its uploader, with a link back to its report.
    centre_page = world.client("reviewer").get(f"/centres/{world.ids['centre']}")
    listed = centre_page.get_data(as_text=True)
    assert "您最近的导入" in listed and "已发出 3 个登记请求" in listed
    assert f"/centres/{world.ids['centre']}/imports/{import_id}" in listed
    admin_view = world.client("admin").get(f"/centres/{world.ids['centre']}")
    assert f"/imports/{import_id}" not in admin_view.get_data(as_text=True)


def test_an_import_run_again_after_its_worker_died_imports_once(app: Flask, world: World) -> None:
    import_id = recorded(app, world, PLACEHOLDERS)
    with app.app_context():
        # A worker took it and died before writing anything: the task comes back.
        assert organisation_imports.claim(import_id) is not None
        assert organisation_imports.run(import_id) is True
        # Celery redelivers it once more (the worker died before acknowledging).
        assert organisation_imports.run(import_id) is False
        queue.queue(import_organisations, import_id)
    assert placeholders(app) == 3
    with app.app_context():
        requests = db.session.scalar(
            select(func.count())
            .select_from(CentreRegistration)
            .where(CentreRegistration.centre_id == world.ids["centre"])
            .where(CentreRegistration.accepted_at.is_(None))
        )
    assert requests == 3


def test_a_run_beside_one_that_is_importing_waits_and_imports_nothing(
    app: Flask, world: World
) -> None:
    """Celery gives a task to a second worker while the first still runs it (the
    first was thought lost): the second waits for the first's transaction and then
    finds the import done."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time")
    import_id = recorded(app, world, PLACEHOLDERS)
    with app.app_context():
        assert organisation_imports.claim(import_id) is not None
        first = db.engine.connect()
        first.execute(
            update(OrganisationImport)
            .where(OrganisationImport.id == import_id)
            .values(status=ImportStatus.DONE, outcome={"requested": 0, "already": 0})
        )  # the first run's transaction, in progress

    ran: list[bool] = []

    def second_run() -> None:
        with app.app_context():
            ran.append(organisation_imports.run(import_id))

    second = threading.Thread(target=second_run)
    second.start()
    second.join(timeout=1.0)
    waited = second.is_alive()
    first.commit()
    first.close()
    second.join(timeout=30)
    assert waited and ran == [False]
    assert placeholders(app) == 0


def test_an_import_that_cannot_be_run_says_so_and_imports_nothing(app: Flask, world: World) -> None:
    import_id = recorded(app, world, PLACEHOLDERS)
    with app.app_context():
        upload = db.session.get_one(OrganisationImport, import_id).upload
        assert upload is not None
        db.session.commit()  # the task runs here, on a connection of its own
        import_uploads().remove(upload)  # the shared folder lost it
        queue.queue(import_organisations, import_id)
        job = db.session.get_one(OrganisationImport, import_id)
        assert job.status == ImportStatus.FAILED and "UploadMissing" in (job.error or "")
    page = page_of(world, import_id)
    # Why, in the centre's words (the error itself is for the operators).
    assert "orgs.csv 的导入未能完成：上传的文件已不在平台的存储中" in page
    assert "UploadMissing" not in page
    assert 'http-equiv="refresh"' not in page and placeholders(app) == 0


def test_a_vanished_upload_is_not_tried_again_but_a_vanished_folder_is(
    app: Flask, world: World
) -> None:
    """A worker retries transient failures for two minutes: a file gone from a folder
    that is there will not come back, while a folder away (a volume not mounted
    for a moment) may."""
    import_id = recorded(app, world, PLACEHOLDERS)
    with app.app_context():
        upload = db.session.get_one(OrganisationImport, import_id).upload
        assert upload is not None
        db.session.commit()
        folder = Path(app.config["IMPORT_UPLOADS_DIR"])
        away = folder.with_name("uploads-away")
        folder.rename(away)
        with pytest.raises(OSError) as folder_away:
            organisation_imports.run(import_id)
        db.session.rollback()
        assert queue.transient(folder_away.value)
        away.rename(folder)
        import_uploads().remove(upload)
        with pytest.raises(organisation_imports.UploadMissing) as file_gone:
            organisation_imports.run(import_id)
        db.session.rollback()
        assert not queue.transient(file_gone.value)
    assert placeholders(app) == 0


def test_an_import_that_could_not_be_queued_says_why(app: Flask, world: World) -> None:
    import_id = recorded(app, world, PLACEHOLDERS)
    with app.app_context():
        organisation_imports.fail(
            import_id, "not queued: Error 111", organisation_imports.Failure.NOT_QUEUED
        )
    page = page_of(world, import_id)
    assert "后台服务暂时不可用" in page and "Error 111" not in page
    with app.app_context():
        job = db.session.get_one(OrganisationImport, import_id)
        assert job.status == ImportStatus.FAILED and job.upload is None
        # A failure of a finished import changes nothing.
        db.session.commit()
        organisation_imports.fail(import_id, "late")
        assert (
            organisation_imports.failure_of(db.session.get_one(OrganisationImport, import_id))
            == organisation_imports.Failure.NOT_QUEUED
        )


def test_an_import_whose_owners_could_not_be_told_stays_imported(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The import is done when its e-mails fail: the log says what failed, and the
    owners to tell stay recorded for the task's next try."""
    code = "91350100M000100Y43"
    with app.app_context():
        organisation = db.session.get_one(Organisation, world.ids["org_b"])
        organisation.credit_code = code
        organisation.credit_code_state = CreditCodeState.VERIFIED  # proved: it gets requests
        centre = db.session.get_one(Centre, world.ids["requesting_centre"])
        reviewer = db.session.scalar(select(User).where(User.email == "reviewer@example.com"))
        assert reviewer is not None
        db.session.add(CentreMembership(user_id=reviewer.id, centre_id=centre.id))
        content = PLACEHOLDERS + f"\n某企业,{code},65,45,3200,,330000,330100\n".encode()
        import_id = organisation_imports.record_upload(centre, reviewer, "orgs.csv", content)

    def mail_template_broken(*_args: object) -> None:
        raise RuntimeError("template broken")

    monkeypatch.setattr("maturity.mail.notices.centre_request", mail_template_broken)
    with app.app_context():
        queue.queue(import_organisations, import_id)
        job = db.session.get_one(OrganisationImport, import_id)
        assert job.status == ImportStatus.DONE and job.error is None
        assert job.to_notify == [world.ids["org_b"]]
    assert f"organisation import {import_id}: telling the owners failed" in caplog.text
    assert f"organisation import {import_id} failed" not in caplog.text
    assert placeholders(app) == 3


def test_only_its_uploader_sees_an_import(app: Flask, world: World) -> None:
    import_id = recorded(app, world, PLACEHOLDERS)
    url = f"/centres/{world.ids['centre']}/imports/{import_id}"
    for role in ("admin", "owner", "consultant", "stranger"):
        assert world.client(role).get(url).status_code in (403, 404), role
    other_centre = world.ids["requesting_centre"]
    with app.app_context():
        db.session.execute(
            update(OrganisationImport)
            .where(OrganisationImport.id == import_id)
            .values(centre_id=other_centre)
        )
        db.session.commit()
    # Its own centre in the address, or nothing.
    assert world.client("reviewer").get(url).status_code in (403, 404)


@pytest.fixture
def environment(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    host, port, _mailbox = smtp_server()
    settings = {
        **worker_settings(database_url, tmp_path),
        "MATURITY_MAIL_BACKEND": "smtp",
        "MATURITY_MAIL_SERVER": host,
        "MATURITY_MAIL_PORT": str(port),
    }
    yield settings
    forget_queue(settings)


@pytest.mark.slow
def test_an_import_runs_on_a_worker_which_tells_the_owners(
    app: Flask, world: World, environment: dict[str, str], tmp_path: Path, mailbox: Mailbox
) -> None:
    code = "91350100M000100Y43"
    with app.app_context():
        organisation = db.session.get_one(Organisation, world.ids["org_b"])
        organisation.credit_code = code
        organisation.credit_code_state = CreditCodeState.VERIFIED  # proved: it gets requests
        db.session.commit()
    # Organisation B is on the platform but not on the requesting centre's list.
    row = f"某企业,{code},65,45,3200,,330000,330100"
    content = PLACEHOLDERS + f"\n{row}\n".encode()
    queueing = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, **app_settings(environment)
    )
    client = queueing.test_client()
    log_in(client, "reviewer@example.com")
    requesting = world.ids["requesting_centre"]
    with app.app_context():
        reviewer = db.session.scalar(select(User).where(User.email == "reviewer@example.com"))
        assert reviewer is not None
        db.session.add(CentreMembership(user_id=reviewer.id, centre_id=requesting))
        db.session.commit()
    queued = client.post(
        f"/centres/{requesting}/import",
        data={"file": (io.BytesIO(content), "orgs.csv")},
        content_type="multipart/form-data",
    )
    assert queued.status_code == 303
    status_url = queued.headers["Location"]
    # No worker yet: the import waits, and its page says so.
    page = client.get(status_url).get_data(as_text=True)
    assert "正在导入 orgs.csv" in page and placeholders(app) == 0
    worker = Worker(environment, tmp_path / "worker.log").start()
    try:
        deadline = time.monotonic() + 60
        while "正在导入" in (page := client.get(status_url).get_data(as_text=True)):
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.2)
        assert "发出 4 个登记请求" in page, page
        (mail,) = mailbox.wait_for("other_owner@example.com", timeout=30)
    finally:
        worker.stop(signal.SIGKILL)
    assert placeholders(app) == 3
    # Sent by the worker, with the link to the site as the reviewer saw it.
    assert f"http://localhost/organisations/{world.ids['org_b']}#centres" in mail.text
    assert "maturity.centres.import_organisations" in worker.log()
