"""Where document files live under STORAGE_DIR, named by content.

originals/ab/<sha256>.pdf     uploads, untouched (the same file uploaded twice is one file)
documents/ab/<sha256>.pdf     sanitised PDFs, what everyone reads and downloads
pages/ab/<sha256>/<name>      rendered pages (cache; safe to delete)
result-sheets/                result sheets of closed votes (laid out once)
tmp/                          uploads being received

Every file the server keeps is written whole or not at all, and flushed to disk (its data and
the directory entry naming it) before the function that writes it returns, so before the
database row that names it can commit: after a power cut a committed row never points at a
missing or empty file. A full disk or quota (ENOSPC, EDQUOT) is answered 507
`storage_full`, with whatever was half-written removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app

from server.concurrency import run_blocking
from server.errors import InsufficientStorage, PayloadTooLarge
from server.pdf.files import disk_full, fsync_dir, make_dirs, write_atomic

_SHA = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1 << 20


def root() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def _by_hash(folder: str, sha: str, suffix: str = ".pdf") -> Path:
    if not _SHA.match(sha):
        raise ValueError("not a SHA-256")
    return root() / folder / sha[:2] / f"{sha}{suffix}"


def original_path(sha: str) -> Path:
    return _by_hash("originals", sha)


def pdf_dir() -> Path:
    return root() / "documents"


def pdf_path(sha: str) -> Path:
    return _by_hash("documents", sha)


def pages_dir(sha: str) -> Path:
    return _by_hash("pages", sha, suffix="")


def tmp_dir() -> Path:
    path = root() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def full_is_507() -> Iterator[None]:
    """Turn a full disk or quota met inside into 507 `storage_full` (other errors pass)."""
    try:
        yield
    except OSError as exc:
        if disk_full(exc):
            raise InsufficientStorage() from exc
        raise


@dataclass
class Received:
    path: Path
    size: int


def receive(stream: IO[bytes], limit_bytes: int) -> Received:
    """Copy an upload into tmp/, refusing it past `limit_bytes` (413) and on a full disk
    (507); flushed to disk, or removed, before it returns."""
    with full_is_507():
        fd, name = tempfile.mkstemp(dir=tmp_dir(), prefix="upload-", suffix=".pdf")
        path = Path(name)
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit_bytes:
                        raise PayloadTooLarge(
                            "payload_too_large", limit_mb=limit_bytes // (1024 * 1024)
                        )
                    out.write(chunk)
                    # Let other greenlets run between chunks of a large upload.
                    time.sleep(0)
                out.flush()
                # The data is on disk before the file is kept and its row commits (a full
                # disk may only say so here, when delayed allocation writes the blocks).
                run_blocking(os.fsync, out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return Received(path=path, size=size)


def keep_original(received: Path, sha: str) -> Path:
    """Move an accepted upload to originals/ (or drop it when that content is already kept).

    The upload was flushed by `receive`; the rename is flushed here (its directory), before
    the caller's row can name it.
    """
    target = original_path(sha)
    if target.exists():
        received.unlink(missing_ok=True)
        return target
    with full_is_507():
        run_blocking(make_dirs, target.parent)
        os.replace(received, target)
        os.chmod(target, 0o440)
        run_blocking(fsync_dir, target.parent)
    return target


def keep_bytes(data: bytes) -> str:
    """Keep a file the server made itself as an original (flushed to disk); its SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    target = original_path(sha)
    if not target.exists():
        write_file(target, data, mode=0o440)
    return sha


def write_file(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Keep a file the server made (a result sheet, a generated original) under STORAGE_DIR:
    whole or not at all, flushed to disk; a full disk answers 507 and leaves nothing."""
    with full_is_507():
        run_blocking(write_atomic, path, data)
        if mode is not None:
            os.chmod(path, mode)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def remove_unreferenced(originals: Iterable[str], pdfs: Iterable[str]) -> None:
    """Delete files no document refers to any more (called after the deletion committed)."""
    for sha in originals:
        original_path(sha).unlink(missing_ok=True)
    for sha in pdfs:
        pdf_path(sha).unlink(missing_ok=True)
        shutil.rmtree(pages_dir(sha), ignore_errors=True)
