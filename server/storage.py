"""Where document files live under STORAGE_DIR, named by content.

originals/ab/<sha256>.pdf     uploads, untouched (the same file uploaded twice is one file)
documents/ab/<sha256>.pdf     sanitised PDFs, what everyone reads and downloads
pages/ab/<sha256>/<name>      rendered pages (cache; safe to delete)
tmp/                          uploads being received
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app

from server.errors import PayloadTooLarge

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


@dataclass
class Received:
    path: Path
    size: int


def receive(stream: IO[bytes], limit_bytes: int) -> Received:
    """Copy an upload into tmp/, refusing it past `limit_bytes` (413)."""
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
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path=path, size=size)


def keep_original(received: Path, sha: str) -> Path:
    """Move an accepted upload to originals/ (or drop it when that content is already kept)."""
    target = original_path(sha)
    if target.exists():
        received.unlink(missing_ok=True)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(received, target)
    os.chmod(target, 0o440)
    return target


def keep_bytes(data: bytes) -> str:
    """Keep a file the server made itself as an original; its SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    target = original_path(sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, target)
        os.chmod(target, 0o440)
    return sha


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
