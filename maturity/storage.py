"""Files every web server and worker must see: the PDF cache, the batch ZIPs,
uploaded organisation lists waiting to be imported, and documents users uploaded
(business licences), and evidence files of answers.

They go through `Storage`, a small interface with one implementation today, a
folder (`LocalFolder`, under ``MATURITY_STORAGE_DIR``), which is safe on a volume
that several machines mount: a file appears under its name only once it is
complete (written under a temporary name, then renamed), and the names are chosen
by the callers as fingerprints of the content, so a name never stands for two
different files. Another backend (object storage) implements the same methods
and is registered in `init_app`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Protocol
from zoneinfo import ZoneInfo

from flask import Flask, current_app

REPORT_CACHE = "report-cache"
REPORT_ARCHIVES = "report-jobs"
IMPORT_UPLOADS = "imports"
DOCUMENTS = "documents"
EVIDENCE = "evidence"
PARTIAL = ".part"


@dataclass(frozen=True)
class Stored:
    name: str
    size: int
    modified: float  # seconds since the epoch: written, or last renewed by `touch`


class Storage(Protocol):
    def reachable(self) -> bool:
        """The storage itself is there (a shared volume mounted): a file missing from
        reachable storage is gone for good, not away for a moment."""
        ...

    def exists(self, name: str) -> bool: ...

    def touch(self, name: str) -> bool:
        """Renew the file's time (a use, for pruning); False if it is gone."""
        ...

    def open(self, name: str) -> IO[bytes]:
        """The file, for reading; FileNotFoundError if it is not there."""
        ...

    def writing(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]:
        """A file to write; it appears under its name, whole, when the block ends
        without an error, and not at all otherwise."""
        ...

    def files(self, prefix: str = "") -> Iterator[Stored]:
        """Complete files whose name starts with the prefix."""
        ...

    def remove(self, name: str, unless_modified_after: float | None = None) -> int | None:
        """Remove the file (if not modified after the given time); the bytes freed,
        or None if it was not there or was kept."""
        ...

    def remove_partial(self, older_than: float) -> int:
        """Remove what interrupted writes left behind before that time; how many."""
        ...


class LocalFolder:
    """A folder on this machine or on a volume the machines share."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, name: str) -> Path:
        if (
            not name
            or "/" in name
            or "\\" in name
            or name.startswith(".")
            or name.endswith(PARTIAL)
        ):
            raise ValueError(f"not a storage name: {name!r}")
        return self.root / name

    def reachable(self) -> bool:
        return self.root.is_dir()

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    def touch(self, name: str) -> bool:
        try:
            os.utime(self._path(name))
        except FileNotFoundError:
            return False
        return True

    def open(self, name: str) -> IO[bytes]:
        return self._path(name).open("rb")

    @contextlib.contextmanager
    def writing(self, name: str) -> Iterator[IO[bytes]]:
        target = self._path(name)
        self.root.mkdir(parents=True, exist_ok=True)
        # Several processes may write the same name at once: each its own partial file.
        partial = target.with_name(f"{name}.{secrets.token_hex(4)}{PARTIAL}")
        try:
            with partial.open("wb") as handle:
                yield handle
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

    def files(self, prefix: str = "") -> Iterator[Stored]:
        if not self.root.exists():
            return
        for path in self.root.glob(f"{prefix}*"):
            if path.name.endswith(PARTIAL):
                continue
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                found = path.stat()
                yield Stored(path.name, found.st_size, found.st_mtime)

    def remove(self, name: str, unless_modified_after: float | None = None) -> int | None:
        return _remove(self._path(name), unless_modified_after)

    def remove_partial(self, older_than: float) -> int:
        if not self.root.exists():
            return 0
        return sum(_remove(path, older_than) is not None for path in self.root.glob(f"*{PARTIAL}"))


def _remove(path: Path, unless_modified_after: float | None) -> int | None:
    with contextlib.suppress(FileNotFoundError):  # another process was first: fine
        found = path.stat()
        if unless_modified_after is not None and found.st_mtime > unless_modified_after:
            return None
        path.unlink()
        return found.st_size
    return None


def init_app(app: Flask) -> None:
    app.extensions["storage"] = {
        REPORT_CACHE: LocalFolder(Path(app.config["REPORT_CACHE_DIR"])),
        REPORT_ARCHIVES: LocalFolder(Path(app.config["REPORT_JOBS_DIR"])),
        IMPORT_UPLOADS: LocalFolder(Path(app.config["IMPORT_UPLOADS_DIR"])),
        DOCUMENTS: LocalFolder(Path(app.config["DOCUMENTS_DIR"])),
        EVIDENCE: LocalFolder(Path(app.config["EVIDENCE_DIR"])),
    }


def report_cache() -> Storage:
    """Rendered PDFs, named by the fingerprint of what they show."""
    return current_app.extensions["storage"][REPORT_CACHE]


def report_archives() -> Storage:
    """Batch ZIPs, named by the fingerprint of the reports they hold."""
    return current_app.extensions["storage"][REPORT_ARCHIVES]


def import_uploads() -> Storage:
    """Uploaded organisation lists until their import has run."""
    return current_app.extensions["storage"][IMPORT_UPLOADS]


def documents() -> Storage:
    """Documents users uploaded as proof (business licences), under generated names;
    served only as downloads to those who may see them, removed with their owner."""
    return current_app.extensions["storage"][DOCUMENTS]


def evidence() -> Storage:
    """Evidence files of answers, under generated names; served only as downloads to
    those who may see the answer, removed with their organisation."""
    return current_app.extensions["storage"][EVIDENCE]


def zip_entry(name: str, when: datetime, deflated: bool = False) -> zipfile.ZipInfo:
    """A ZIP entry dated when its content came to be (a ZIP's dates are local times, here
    the application's time zone): written by name alone, an entry says 1 January 1980."""
    local = when.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    entry = zipfile.ZipInfo(name, date_time=local.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED
    entry.external_attr = 0o644 << 16  # a regular file anyone may read, as unzip expects
    return entry
