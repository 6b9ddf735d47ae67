"""server/pdf/files.py (whole, flushed files; a full disk), and server/errors.py's full-disk test,
on a real tmpfs filled up."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.errors import storage_full
from server.pdf import pipeline
from server.pdf.compose import html_to_pdf
from server.pdf.files import disk_full, make_dirs, write_atomic
from server.pdf.spec import Limits, sanitised_path
from tests.small_disk import SmallDisk, small_disk


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / "disk", size_mb=2) as mounted:
        yield mounted


def test_a_write_that_finds_the_disk_full_leaves_nothing(disk: SmallDisk) -> None:
    target = disk.root / "documents" / "ab" / "file.pdf"
    write_atomic(target, b"first version")
    assert target.read_bytes() == b"first version"
    disk.fill(leave=64 * 1024)
    with pytest.raises(OSError, match="No space left") as raised:
        write_atomic(target, b"x" * (256 * 1024))
    assert disk_full(raised.value)
    assert storage_full(raised.value)
    # The old file stands, and no temporary file is left beside it.
    assert target.read_bytes() == b"first version"
    assert disk.files() == [Path("documents/ab/file.pdf")]
    disk.empty()
    write_atomic(target, b"x" * (256 * 1024))
    assert target.stat().st_size == 256 * 1024


def test_directories_are_made_as_needed(disk: SmallDisk) -> None:
    deep = disk.root / "pages" / "ab" / "cdef"
    make_dirs(deep)
    make_dirs(deep)
    assert deep.is_dir()
    write_atomic(deep / "1-480.png", b"png", durable=False)
    assert (deep / "1-480.png").read_bytes() == b"png"


class Fsyncs(list[Path]):
    """The paths os.fsync was called on, in order (spied, then really done)."""


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> Fsyncs:
    seen = Fsyncs()
    real = os.fsync

    def spy(fd: int) -> None:
        seen.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return seen


def test_a_durable_write_flushes_the_file_then_its_name(disk: SmallDisk, fsyncs: Fsyncs) -> None:
    target = disk.root / "documents" / "ab" / "file.pdf"
    write_atomic(target, b"%PDF-1.7")
    # Every directory made (into its parent), the data (under its temporary name), and last
    # the directory the file was renamed into.
    data = [p for p in fsyncs if p.name.startswith(".tmp-")]
    assert len(data) == 1
    assert data[0].parent == target.parent
    assert set(fsyncs) - set(data) == {disk.root, disk.root / "documents", target.parent}
    assert fsyncs[-1] == target.parent
    assert fsyncs.index(data[0]) < len(fsyncs) - 1
    fsyncs.clear()
    write_atomic(target.with_name("cache.png"), b"png", durable=False)
    assert fsyncs == []


def test_the_sanitised_pdf_is_on_disk_before_the_worker_answers(
    tmp_path: Path, fsyncs: Fsyncs
) -> None:
    """The worker's answer carries the hash the document's row will commit: by then the
    file it names is flushed, data and directory entry."""
    original = tmp_path / "upload.pdf"
    original.write_bytes(html_to_pdf("<h1>Tờ trình</h1><p>Dự toán năm 2027.</p>", title="Tờ trình"))
    result = pipeline.process(original, tmp_path / "documents", Limits(), lambda message: None)
    target = sanitised_path(tmp_path / "documents", result["pdf_sha256"])
    assert target.is_file()
    assert any(p.parent == target.parent and p.name.startswith(".tmp-") for p in fsyncs)
    assert target.parent in fsyncs
    assert tmp_path / "documents" in fsyncs  # where the new folder ab/ was made


def test_what_counts_as_a_full_disk() -> None:
    assert disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert not disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not disk_full(ValueError("bad value"))
    # C code (MuPDF) reports the C library's words, not an errno.
    assert disk_full(RuntimeError("code=2: cannot write: No space left on device"))
    assert not storage_full(RuntimeError("No space left on device"))  # only real OSErrors
    assert not storage_full(OSError(errno.EIO, "Input/output error"))


def test_a_full_sqlite_database_is_storage_full(disk: SmallDisk) -> None:
    engine = sa.create_engine(f"sqlite:///{disk.root / 'full.db'}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (b BLOB)")
        disk.fill()
        with pytest.raises(sa.exc.OperationalError) as raised, engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (zeroblob(1048576))")
        assert storage_full(raised.value)
        assert not storage_full(sa.exc.OperationalError("SELECT 1", {}, Exception("locked")))
    finally:
        engine.dispose()
