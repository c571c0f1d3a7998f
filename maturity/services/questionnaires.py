"""Publishing questionnaire files into the database, and reading them back."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from maturity.core.questionnaire import (
    Catalogue,
    Questionnaire,
    QuestionnaireError,
    from_document,
    parse_with_document,
    version_key,
)
from maturity.core.refusals import Refusal, Refused
from maturity.extensions import db
from maturity.models import QuestionnaireVersion


def catalogue() -> Catalogue:
    return Catalogue.scan(Path(current_app.config["QUESTIONNAIRES_DIR"]))


@dataclass
class PublishReport:
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def publish_all(files: Catalogue) -> PublishReport:
    """Publish every questionnaire file; all or nothing.

    A file whose key and version are already published with other content is
    refused: published versions are immutable, a change needs a new version.
    """
    report = PublishReport()
    to_add: list[tuple[Questionnaire, str, str]] = []
    published = {
        (row.key, row.version): row for row in db.session.scalars(select(QuestionnaireVersion))
    }
    for (key, version), path in sorted(files.files.items()):
        source = path.read_text(encoding="utf-8")
        try:
            questionnaire, document = parse_with_document(source, str(path))
        except QuestionnaireError as error:
            report.problems.extend(f"{path}: {problem}" for problem in error.problems)
            continue
        if (questionnaire.key, questionnaire.version) != (key, version):
            report.problems.append(
                f"{path}: the file declares {questionnaire.label}; "
                f"it must be stored as questionnaires/{questionnaire.key}/{questionnaire.version}.yaml"
            )
            continue
        existing = published.get((key, version))
        if existing is None:
            to_add.append((questionnaire, source, document))
        elif existing.content_hash != questionnaire.content_hash:
            report.problems.append(
                f"{path}: {questionnaire.label} is already published with content hash "
                f"{existing.content_hash[:12]}…, this file has {questionnaire.content_hash[:12]}…; "
                "published versions are immutable, publish the change under a new version"
            )
        else:
            report.unchanged.append(questionnaire.label)
    if report.problems:
        db.session.rollback()
        return report
    for questionnaire, source, document in to_add:
        row = QuestionnaireVersion(
            key=questionnaire.key,
            version=questionnaire.version,
            content_hash=questionnaire.content_hash,
            source=source,
            document=document,
        )
        db.session.add(row)
        published[(row.key, row.version)] = row
        report.published.append(questionnaire.label)
    _mark_current(list(published.values()))
    db.session.commit()
    return report


def _mark_current(rows: list[QuestionnaireVersion]) -> None:
    latest: dict[str, QuestionnaireVersion] = {}
    for row in rows:
        if row.key not in latest or version_key(row.version) > version_key(latest[row.key].version):
            latest[row.key] = row
    for row in rows:
        row.is_current = latest[row.key] is row


class NoQuestionnaire(Refused):
    """No questionnaire version is published yet: no round can start, no figure be
    aggregated."""

    def __init__(self) -> None:
        super().__init__(Refusal.NO_QUESTIONNAIRE)


def current_version(key: str) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == key, QuestionnaireVersion.is_current.is_(True)
        )
    )


def published_version(reference: str) -> QuestionnaireVersion | None:
    """The published version named "KEY@VERSION", if it is published."""
    key, _, version = reference.partition("@")
    return db.session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == key, QuestionnaireVersion.version == version
        )
    )


def current_questionnaire() -> Questionnaire | None:
    """The questionnaire new rounds use (the configured key's current version)."""
    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    return None if version is None else questionnaire_of(version)


def questionnaire_of(row: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire as published (read from the document stored with it)."""
    return _parse_published(row.document, row.content_hash, row.label)


@lru_cache(maxsize=32)
def _parse_published(document: str, expected_hash: str, label: str) -> Questionnaire:
    try:
        return from_document(document, expected_hash, label)
    except QuestionnaireError as error:
        raise RuntimeError(f"stored document of {label} does not match its content hash") from error
