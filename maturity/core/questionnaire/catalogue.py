"""Every questionnaire file in a directory (``<key>/<version>.yaml``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from maturity.core.questionnaire.errors import Problem, QuestionnaireError
from maturity.core.questionnaire.loader import load_file
from maturity.core.questionnaire.model import Questionnaire
from maturity.core.questionnaire.schema import VERSION_PATTERN


def version_key(version: str) -> tuple[int, ...]:
    if not re.match(VERSION_PATTERN, version):
        raise ValueError(f"not a semantic version: {version!r}")
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Catalogue:
    """Every questionnaire file in a directory (``<key>/<version>.yaml``)."""

    files: Mapping[tuple[str, str], Path]

    @classmethod
    def scan(cls, directory: Path) -> Catalogue:
        files = {}
        for path in sorted(directory.glob("*/*.yaml")):
            files[(path.parent.name, path.stem)] = path
        return cls(files)

    def keys(self) -> list[str]:
        return sorted({key for key, _version in self.files})

    def versions(self, key: str) -> list[str]:
        return sorted((v for k, v in self.files if k == key), key=version_key)

    def resolve(self, reference: str) -> tuple[str, str]:
        """``KEY`` (latest version) or ``KEY@VERSION`` → (key, version); KeyError if unknown."""
        key, _, version = reference.partition("@")
        versions = self.versions(key)
        if not versions:
            raise KeyError(f"unknown questionnaire {key!r}")
        if not version:
            return key, versions[-1]
        if version not in versions:
            raise KeyError(f"questionnaire {key!r} has no version {version!r}")
        return key, version

    def load(self, reference: str) -> Questionnaire:
        key, version = self.resolve(reference)
        questionnaire = _load_cached(self.files[(key, version)])
        if (questionnaire.key, questionnaire.version) != (key, version):
            raise QuestionnaireError(
                str(self.files[(key, version)]),
                [
                    Problem(
                        "key",
                        None,
                        f"file declares {questionnaire.label}, path says {key}@{version}",
                    )
                ],
            )
        return questionnaire


@cache
def _load_cached_at(path: Path, mtime_ns: int, size: int) -> Questionnaire:
    return load_file(path)


def _load_cached(path: Path) -> Questionnaire:
    stat = path.stat()
    return _load_cached_at(path, stat.st_mtime_ns, stat.st_size)
