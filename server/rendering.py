"""The server's way into the PDF worker processes: the pools, their limits, PDFs made by workers.

PyMuPDF never runs in a serving process (it is not thread-safe, and one layout or render in
the event loop would stall every socket of the process): `server/pdf/pool.py` keeps worker
processes, and this module is how features reach them with the application's settings.
Call a worker outside any transaction: no database connection (on SQLite, the only one) is
held while it works.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, current_app

from server import storage
from server.errors import InsufficientStorage, Invalid, Unavailable
from server.pdf.files import STORAGE_FULL
from server.pdf.pool import Pool, PoolBusy, PoolError, shared_pool
from server.pdf.spec import Limits

#: How long a request waits for a free worker before answering "busy, try again".
EXPORT_WAIT = 30.0


def pool(app: Flask | None = None) -> Pool:
    """The workers that serve requests and document processing."""
    config = (app or current_app).config
    return shared_pool(config["PDF_WORKERS"], config["PDF_WORKER_MEMORY_MB"])


def background_pool(app: Flask | None = None) -> Pool:
    """One low-priority worker for work nobody waits for (thumbnails ahead of readers)."""
    config = (app or current_app).config
    return shared_pool(1, config["PDF_WORKER_MEMORY_MB"], nice=10)


def limits(app: Flask | None = None) -> Limits:
    """What a worker accepts in a document (pages, sizes), from the settings."""
    config = (app or current_app).config
    return Limits(max_pages=config.get("PDF_MAX_PAGES", Limits.max_pages))


def raise_if_storage_full(err: PoolError) -> None:
    """507 `storage_full` when a worker failed because a file it wrote found the disk full."""
    if err.code == STORAGE_FULL:
        raise InsufficientStorage() from None


def make_pdf(operation: str, args: dict[str, Any], *, failed: str) -> bytes:
    """A PDF a worker's `operation` writes to the `out` path it is given, as bytes.

    `failed` is the error code answered when the worker fails; a pool with no free worker
    within EXPORT_WAIT answers "busy, try again" (503); a full disk 507.
    """
    out = storage.tmp_dir() / f"{operation}-{secrets.token_hex(16)}.pdf"
    timeout = current_app.config.get("PDF_EXPORT_TIMEOUT_SECONDS", 120)
    try:
        pool().call(operation, {**args, "out": str(out)}, timeout=timeout, wait=EXPORT_WAIT)
        return out.read_bytes()
    except PoolBusy:
        raise Unavailable("renderer_busy") from None
    except PoolError as err:
        raise_if_storage_full(err)
        raise Invalid(failed) from None
    finally:
        out.unlink(missing_ok=True)


def compose_pdf(args: dict[str, Any], *, failed: str) -> bytes:
    """An HTML document laid out as a PDF by a worker (`server.pdf.compose.html_pdf_from_args`
    takes the same `args`)."""
    return make_pdf("html_pdf", args, failed=failed)
