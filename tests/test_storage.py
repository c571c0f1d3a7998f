"""The storage of the PDF cache and the batch ZIPs: what every backend promises,
checked on the local folder (the one backend today)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from maturity.storage import LocalFolder, Storage


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    return LocalFolder(tmp_path / "area")  # created on the first write


def test_a_file_appears_whole_or_not_at_all(storage: Storage, tmp_path: Path) -> None:
    assert not storage.exists("a.pdf") and list(storage.files()) == []
    with storage.writing("a.pdf") as handle:
        handle.write(b"%PDF half")
        assert not storage.exists("a.pdf")  # not before the block ends
        assert list(storage.files()) == []
        handle.write(b" and the rest")
    with storage.open("a.pdf") as stored:
        assert stored.read() == b"%PDF half and the rest"

    with pytest.raises(RuntimeError), storage.writing("b.pdf") as handle:
        handle.write(b"%PDF half")
        raise RuntimeError("the disk is full")
    assert not storage.exists("b.pdf")
    assert sorted(path.name for path in (tmp_path / "area").iterdir()) == ["a.pdf"]
    with pytest.raises(FileNotFoundError):
        storage.open("b.pdf")


def test_a_name_written_again_is_replaced_whole(storage: Storage) -> None:
    with storage.writing("a.zip") as first, storage.writing("a.zip") as second:
        first.write(b"one")  # two processes write the same name at once
        second.write(b"two")
    with storage.open("a.zip") as stored:
        assert stored.read() in (b"one", b"two")
    assert [found.name for found in storage.files()] == ["a.zip"]


def test_names_cannot_leave_the_area(storage: Storage) -> None:
    for name in ("../secret", "a/b.pdf", "..\\b.pdf", ".hidden", "", "x.part"):
        with pytest.raises(ValueError):
            storage.exists(name)
        with pytest.raises(ValueError), storage.writing(name):
            pass


def test_listing_touching_and_removing(storage: Storage) -> None:
    for name in ("a1-x.pdf", "a1-y.pdf", "a12-z.pdf"):
        with storage.writing(name) as handle:
            handle.write(b"1234")
    assert sorted(found.name for found in storage.files("a1-")) == ["a1-x.pdf", "a1-y.pdf"]
    assert {found.size for found in storage.files()} == {4}

    month_ago = time.time() - 31 * 86400
    root = Path(storage.root)
    os.utime(root / "a1-x.pdf", (month_ago, month_ago))
    (found,) = storage.files("a1-x")
    assert found.modified == pytest.approx(month_ago)
    assert storage.touch("a1-x.pdf") and not storage.touch("gone.pdf")
    (found,) = storage.files("a1-x")
    assert found.modified > month_ago + 86400

    os.utime(root / "a1-y.pdf", (month_ago, month_ago))
    yesterday = time.time() - 86400
    assert storage.remove("a1-x.pdf", unless_modified_after=yesterday) is None  # used lately
    assert storage.remove("a1-y.pdf", unless_modified_after=yesterday) == 4
    assert storage.remove("a1-y.pdf") is None  # already gone: nothing to do
    assert sorted(found.name for found in storage.files()) == ["a1-x.pdf", "a12-z.pdf"]


def test_interrupted_writes_are_cleared_once_old(storage: Storage) -> None:
    root = Path(storage.root)
    root.mkdir(parents=True)
    old, recent = root / "a.pdf.1234.part", root / "b.pdf.5678.part"
    old.write_bytes(b"%PDF")
    recent.write_bytes(b"%PDF")
    day_ago = time.time() - 86400
    os.utime(old, (day_ago - 60, day_ago - 60))
    assert list(storage.files()) == []  # never listed as files
    assert storage.remove_partial(older_than=day_ago) == 1
    assert not old.exists() and recent.exists()
