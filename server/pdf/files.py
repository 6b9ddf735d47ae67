"""Writing files that outlive a power cut, and knowing a full disk when one is met.

Standard library only: the server (server/storage.py) and the PDF workers (pipeline.py,
compose.py, annotate.py) write through these, so a stored file is whole or absent, and a
full disk (or quota) is one recognisable error, `STORAGE_FULL`, on both sides of the pipe.

A file a database row will refer to is written `durable`: its data is flushed (fsync), it is
renamed into place, and the directory holding the new name is flushed too (and so is the
parent of every directory made for it), all before the function returns, so before the row
that refers to it can commit. Without the directory's flush a power cut may keep the row
and lose the name; without the file's, keep the name over an empty file.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

#: The error code a full disk or an exhausted quota is reported with (a message for people).
STORAGE_FULL = "storage_full"
#: The errno values of a full disk (ENOSPC) and of an exhausted quota (EDQUOT).
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
#: How the C library words them, for errors raised by C code (MuPDF) as text.
_DISK_FULL_TEXTS = tuple(os.strerror(code) for code in DISK_FULL_ERRNOS)


def disk_full(exc: BaseException) -> bool:
    """Whether `exc` is a write that found the disk or the quota full."""
    if isinstance(exc, OSError):
        return exc.errno in DISK_FULL_ERRNOS
    return any(text in str(exc) for text in _DISK_FULL_TEXTS)


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (the names made, renamed or removed in it)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dirs(path: Path, *, durable: bool = True) -> None:
    """`mkdir -p`; when `durable`, each directory made is flushed into its parent."""
    if path.is_dir():
        return
    missing = []
    at = path
    while not at.is_dir():
        missing.append(at)
        at = at.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue  # made meanwhile by another process: its maker flushes it
        if durable:
            fsync_dir(folder.parent)


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` whole or not at all: a temporary file beside it, renamed.

    On any failure (a full disk among them) the temporary file is removed and the error
    raised; `path` is untouched. `durable`: flushed to disk, name and all, before returning.
    """
    make_dirs(path.parent, durable=durable)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)
