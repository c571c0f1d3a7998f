"""Disk upkeep: cached PDFs nobody has asked for lately and old batch ZIP files.

Both directories would otherwise grow for ever. Removing a cached PDF is always
safe (it is rendered again on demand); a batch's ZIP is removed some days after it
was built, and its progress page then says so.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from maturity import tasks
from maturity.extensions import db
from maturity.models import ReportJob
from maturity.models._types import utcnow
from maturity.reports.jobs import jobs_dir, zip_path
from maturity.reports.render import cache_dir, cached_prefix

logger = logging.getLogger(__name__)
# A ".part" file this old is the remains of an interrupted write, not one in progress.
ABANDONED_PART = timedelta(days=1)


@dataclass
class Pruned:
    cached_pdfs: int = 0
    batch_zips: int = 0
    partial_files: int = 0
    bytes_freed: int = 0


def _remove(path: Path, pruned: Pruned, unless_newer_than: float | None = None) -> bool:
    """Remove the file (if it is not newer than the given time); another process
    may have removed or replaced it meanwhile, which is fine."""
    with contextlib.suppress(FileNotFoundError):
        found = path.stat()
        if unless_newer_than is not None and found.st_mtime >= unless_newer_than:
            return False
        path.unlink()
        pruned.bytes_freed += found.st_size
        return True
    return False


def retention() -> timedelta:
    return timedelta(days=current_app.config["REPORT_RETENTION_DAYS"])


def prune(older_than: timedelta) -> Pruned:
    now = utcnow()
    cutoff = (now - older_than).timestamp()
    part_cutoff = (now - ABANDONED_PART).timestamp()
    pruned = Pruned()
    for folder in (cache_dir(), jobs_dir()):
        for path in folder.glob("*.part"):
            if _remove(path, pruned, unless_newer_than=part_cutoff):
                pruned.partial_files += 1
    # A cache hit renews the file's time, so only PDFs unused for a while go.
    for path in cache_dir().glob("*.pdf"):
        if _remove(path, pruned, unless_newer_than=cutoff):
            pruned.cached_pdfs += 1
    kept: set[Path] = set()
    for job in db.session.scalars(select(ReportJob)):
        path = zip_path(job)
        if job.finished_at is not None and job.finished_at < now - older_than:
            if _remove(path, pruned):
                pruned.batch_zips += 1
        else:
            kept.add(path)
    # ZIPs whose job is gone (its user was deleted) go by their age.
    for path in jobs_dir().glob("reports-*.zip"):
        if path not in kept and _remove(path, pruned, unless_newer_than=cutoff):
            pruned.batch_zips += 1
    db.session.commit()
    return pruned


@shared_task(name=tasks.PRUNE_TASK)
def prune_report_files() -> None:
    """Daily, on Celery beat: what `flask report prune` does with its defaults."""
    pruned = prune(retention())
    logger.info(
        "pruned %d cached PDFs, %d batch ZIPs, %d partial files (%d bytes)",
        pruned.cached_pdfs,
        pruned.batch_zips,
        pruned.partial_files,
        pruned.bytes_freed,
    )


def remove_reports_of(assessment_ids: list[int]) -> Pruned:
    """Delete every cached PDF of these assessments and every batch ZIP holding one
    (an organisation was deleted: nothing of it stays on disk)."""
    pruned = Pruned()
    for assessment_id in assessment_ids:
        for path in cache_dir().glob(f"{cached_prefix(assessment_id)}*.pdf"):
            if _remove(path, pruned):
                pruned.cached_pdfs += 1
    gone = set(assessment_ids)
    for job in db.session.scalars(select(ReportJob)):
        if gone.intersection(job.ids) and _remove(zip_path(job), pruned):
            pruned.batch_zips += 1
    return pruned
