"""The centres' work on the workers: imports of organisation lists, the rebuild of the
result summaries their figures are computed from, and the releases of those figures
when a period closes."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from maturity import queue
from maturity.extensions import db
from maturity.mail import notices
from maturity.models import Centre, Organisation, OrganisationImport
from maturity.services import organisation_imports, releases, summaries

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("maturity.centres.imports")


@queue.task(bind=True, name="maturity.centres.import_organisations")
def import_organisations(self: Task, import_id: int) -> None:
    """Import the file, then tell the owners of organisations already on the platform."""
    try:
        organisation_imports.run(import_id)
    except organisation_imports.UploadMissing as error:
        db.session.rollback()
        logger.error("organisation import %s failed: %s", import_id, error)
        organisation_imports.fail(
            import_id,
            f"{type(error).__name__}: {error}",
            organisation_imports.Failure.UPLOAD_MISSING,
        )
        return
    except Exception as error:
        db.session.rollback()
        queue.retry_if_transient(self, error, f"organisation import {import_id}")
        logger.exception("organisation import %s failed", import_id)
        organisation_imports.fail(import_id, f"{type(error).__name__}: {error}")
        return
    try:
        _notify_owners(import_id)
    except Exception as error:
        # The import is done and stays so; its owners' e-mails wait in `to_notify`.
        db.session.rollback()
        queue.retry_if_transient(self, error, f"e-mails of organisation import {import_id}")
        logger.exception("organisation import %s: telling the owners failed", import_id)


def _notify_owners(import_id: int) -> None:
    job = db.session.get(OrganisationImport, import_id)
    if job is None or not job.to_notify:
        db.session.commit()
        return
    centre = db.session.get_one(Centre, job.centre_id)
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(job.to_notify)).order_by(Organisation.id)
    ).all()
    for organisation in organisations:
        notices.centre_request(centre, organisation)
    organisation_imports.notified(import_id)


@queue.sweep
def requeue_stalled_imports() -> list[int]:
    """On Celery beat: queue again imports whose task was lost (Redis restarted, or
    the instant a killed worker had taken it); running one twice does no harm. Not
    while tasks wait in the queue: the import is then behind others, not lost."""
    found = organisation_imports.stalled(2 * current_app.config["TASK_VISIBILITY_SECONDS"])
    if not found or queue.waiting():
        return []
    for import_id in found:
        logger.warning("organisation import %s is not finished: queued again", import_id)
        queue.queue(import_organisations, import_id)
    return found


@queue.task(name="maturity.summaries.rebuild_organisations")
def rebuild_organisations_task(first_id: int, last_id: int) -> None:
    """One slice of `flask summaries rebuild --on-workers`: the workers share them."""
    summaries.rebuild_organisations(first_id, last_id)


def queue_rebuild(slice_size: int) -> int:
    """Queue the rebuild in slices of organisation ids; the number of slices."""
    first, last = summaries.organisation_range()
    db.session.commit()
    if first is None or last is None:
        return 0
    slices = 0
    for start in range(first, last + 1, slice_size):
        queue.queue(rebuild_organisations_task, start, min(start + slice_size - 1, last))
        slices += 1
    return slices


@queue.task(bind=True, name=queue.RELEASE_TASK)
def compute_release(self: Task, population: str, period: str, revision: int = 1) -> None:
    """One release; a revision that exists already is left as it is (run twice: once)."""
    try:
        releases.compute(population, releases.period_of(period), revision)
    except Exception as error:
        db.session.rollback()
        queue.retry_if_transient(self, error, f"release {population} {period}")
        logger.exception("release %s %s (revision %d) failed", population, period, revision)


@queue.task(name=queue.RELEASES_TASK)
def compute_due_releases() -> int:
    """On Celery beat: queue every release that is due (each runs once)."""
    found = releases.due(date.today())
    for item in found:
        queue.queue(compute_release, item.population, item.period)
    return len(found)
