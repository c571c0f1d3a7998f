"""Evidence files beside answers: what a level statement asks to see (questionnaire
3.0.0 says it per level), given as documents a verifier can open.

A file is taken only if its content is one of the kinds allowed (PDF, PNG, JPEG,
XLSX, DOCX, PPTX: read from the bytes, never from the name), within the size of one
file and of all of a round's files (``EVIDENCE_FILE_MB``, ``EVIDENCE_ROUND_MB``). It is
stored on the shared storage under a generated name and served only as a download
to those who may see the answer. Files may be added and removed while the round is
a draft, and after it is submitted until its verification is complete (a verifier
may ask for more); they go with their organisation. Saving evidence never touches
an answer.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import IO

from flask import current_app
from sqlalchemy import func, select

from maturity.core.refusals import Refusal, Refused
from maturity.core.text import is_single_line
from maturity.core.uploads import EVERY_KIND, accepted_kind
from maturity.extensions import db
from maturity.models import Assessment, AssessmentStatus, EvidenceFile, User
from maturity.services.audit import record
from maturity.services.results import questionnaire_for
from maturity.storage import evidence

NAME_LENGTH = 200
MB = 1024 * 1024


class EvidenceRefused(Refused):
    """``no_file``, ``too_large`` (one file, with its ``limit``), ``round_full`` (all
    of the round's, with its ``limit``), ``evidence_wrong_type``, ``evidence_closed``
    or ``unknown_question``."""


def file_limit() -> int:
    return int(current_app.config["EVIDENCE_FILE_MB"]) * MB


def round_limit() -> int:
    return int(current_app.config["EVIDENCE_ROUND_MB"]) * MB


def open_for_evidence(assessment: Assessment) -> bool:
    """Whether files may be added to or removed from the round now."""
    if assessment.status == AssessmentStatus.DRAFT:
        return True
    verification = assessment.verification
    return verification is None or verification.completed_at is None


def clean_name(name: str) -> str:
    """The file's name as uploaded, as something safe to show and to put in a
    download's header: one line, no path, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C"
    )
    base = base.strip() or "evidence"
    if not is_single_line(base):
        base = "evidence"
    return base[-NAME_LENGTH:]


def used_bytes(assessment: Assessment) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(EvidenceFile.size), 0)).where(
                EvidenceFile.assessment_id == assessment.id
            )
        )
        or 0
    )


def add(
    assessment: Assessment, question_id: str, filename: str, data: bytes, user: User
) -> EvidenceFile:
    """Store one evidence file for the answer (committed), or refuse it, saving
    nothing."""
    questionnaire = questionnaire_for(assessment)
    if question_id not in {q.id for q in questionnaire.questions}:
        raise EvidenceRefused(Refusal.UNKNOWN_QUESTION, question_id)
    if not open_for_evidence(assessment):
        raise EvidenceRefused(Refusal.EVIDENCE_CLOSED)
    if not data:
        raise EvidenceRefused(Refusal.NO_FILE)
    if len(data) > file_limit():
        raise EvidenceRefused(Refusal.TOO_LARGE, limit=file_limit())
    if used_bytes(assessment) + len(data) > round_limit():
        raise EvidenceRefused(Refusal.ROUND_FULL, limit=round_limit())
    kind = accepted_kind(data, EVERY_KIND)
    if kind is None:
        raise EvidenceRefused(Refusal.EVIDENCE_WRONG_TYPE)
    stored_name = f"evidence-{secrets.token_hex(16)}.{kind.extension}"
    with evidence().writing(stored_name) as handle:
        handle.write(data)
    row = EvidenceFile(
        assessment_id=assessment.id,
        question_id=question_id,
        stored_name=stored_name,
        original_name=clean_name(filename),
        kind=kind.value,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=user.id,
    )
    db.session.add(row)
    try:
        db.session.flush()
        record(
            user, "upload_evidence", "evidence_file", row.id, assessment.organisation_id,
            assessment=assessment.id, question=question_id, size=len(data), kind=kind.value,
        )  # fmt: skip
        db.session.commit()
    except Exception:
        db.session.rollback()
        evidence().remove(stored_name)
        raise
    return row


def files_by_question(assessment: Assessment) -> dict[str, list[EvidenceFile]]:
    found: dict[str, list[EvidenceFile]] = defaultdict(list)
    for row in db.session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.assessment_id == assessment.id)
        .order_by(EvidenceFile.question_id, EvidenceFile.uploaded_at, EvidenceFile.id)
    ):
        found[row.question_id].append(row)
    return dict(found)


def open_file(row: EvidenceFile, reader: User) -> IO[bytes]:
    """The file for a download; the download is written to the audit log."""
    handle = evidence().open(row.stored_name)
    record(
        reader, "download_evidence", "evidence_file", row.id, row.assessment.organisation_id,
        assessment=row.assessment_id, question=row.question_id,
    )  # fmt: skip
    db.session.commit()
    return handle


def remove(row: EvidenceFile, user: User) -> None:
    """Remove one file (committed), while the round is open for evidence."""
    assessment = row.assessment
    if not open_for_evidence(assessment):
        raise EvidenceRefused(Refusal.EVIDENCE_CLOSED)
    stored_name = row.stored_name
    record(
        user, "remove_evidence", "evidence_file", row.id, assessment.organisation_id,
        assessment=assessment.id, question=row.question_id, name=row.original_name,
    )  # fmt: skip
    db.session.delete(row)
    db.session.commit()
    evidence().remove(stored_name)


def stored_names(assessment_ids: Iterable[int]) -> list[str]:
    """The storage names of every evidence file of these rounds (to remove after
    their rows are deleted)."""
    ids = list(assessment_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(EvidenceFile.stored_name).where(EvidenceFile.assessment_id.in_(ids))
        )
    )


def remove_stored(names: Iterable[str]) -> int:
    """Remove these files from the storage; how many were there."""
    return sum(evidence().remove(name) is not None for name in names)
