"""Storage upkeep: cached PDFs nobody has asked for lately, old batch ZIP files, and
uploaded organisation lists whose import never ran.

Both would otherwise grow for ever. Removing a cached PDF is always
safe (it is rendered again on demand); a batch's ZIP is removed some days after it
was built, and its progress page then says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from maturity.extensions import db
from maturity.models import ReportJob
from maturity.models._types import utcnow
from maturity.reports.jobs import ARCHIVE_PREFIX
from maturity.reports.render import cached_prefix
from maturity.storage import Storage, import_uploads, report_archives, report_cache

logger = logging.getLogger(__name__)
# A ".part" file this old is the remains of an interrupted write, not one in progress.
ABANDONED_PART = timedelta(days=1)


@dataclass
class Pruned:
    cached_pdfs: int = 0
    batch_zips: int = 0
    partial_files: int = 0
    import_files: int = 0
    bytes_freed: int = 0


def retention() -> timedelta:
    return timedelta(days=current_app.config["REPORT_RETENTION_DAYS"])


def prune(older_than: timedelta) -> Pruned:
    now = utcnow()
    cutoff = (now - older_than).timestamp()
    pruned = Pruned()
    cache, archives, uploads = report_cache(), report_archives(), import_uploads()
    abandoned = (now - ABANDONED_PART).timestamp()
    for storage in (cache, archives, uploads):
        pruned.partial_files += storage.remove_partial(abandoned)
    # An import removes its file when it ends; one still here a day later lost its
    # import (its centre or uploader was deleted meanwhile).
    for stored in uploads.files():
        if _removed(uploads, stored.name, pruned, unless_modified_after=abandoned):
            pruned.import_files += 1
    # A cache hit renews the file's time, so only PDFs unused for a while go.
    for stored in cache.files():
        if _removed(cache, stored.name, pruned, unless_modified_after=cutoff):
            pruned.cached_pdfs += 1
    # Batches of the same reports share their ZIP: it stays while one of them is
    # recent. Any other goes by its age (written, or last reused by a batch being
    # recorded right now), like one that no batch records (its user was deleted).
    kept = set(
        db.session.scalars(
            select(ReportJob.archive).where(
                ReportJob.archive.is_not(None),
                or_(ReportJob.finished_at.is_(None), ReportJob.finished_at >= now - older_than),
            )
        )
    )
    db.session.commit()
    for stored in archives.files(ARCHIVE_PREFIX):
        if stored.name not in kept and _removed(
            archives, stored.name, pruned, unless_modified_after=cutoff
        ):
            pruned.batch_zips += 1
    return pruned


def _removed(
    storage: Storage, name: str, pruned: Pruned, unless_modified_after: float | None = None
) -> bool:
    freed = storage.remove(name, unless_modified_after)
    if freed is None:
        return False
    pruned.bytes_freed += freed
    return True


def remove_reports_of(assessment_ids: list[int]) -> Pruned:
    """Delete every cached PDF of these assessments and every batch ZIP holding one
    (an organisation was deleted: nothing of it stays in the storage)."""
    pruned = Pruned()
    cache, archives = report_cache(), report_archives()
    for assessment_id in assessment_ids:
        for stored in list(cache.files(cached_prefix(assessment_id))):
            if _removed(cache, stored.name, pruned):
                pruned.cached_pdfs += 1
    gone = set(assessment_ids)
    for job in db.session.scalars(select(ReportJob).where(ReportJob.archive.is_not(None))):
        found = job.archive is not None and gone.intersection(job.ids)
        if found and _removed(archives, str(job.archive), pruned):
            pruned.batch_zips += 1
    return pruned
