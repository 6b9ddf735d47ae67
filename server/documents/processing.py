"""Processing documents in the background, through the pool of PDF worker processes.

A document is uploaded with status "processing" and claimed by the server process that
received it (`claimed_by` "host:pid:boot", `heartbeat_at`). After the upload commits, a
background task (a greenlet under gevent, a thread in tests) asks a worker to sanitise
and extract it, writes the pages as they come, sends `document.processing` progress to the
staff room, runs OCR on scanned pages, and ends with `document.ready` or `document.failed`.

Nothing stays "processing" forever: every serving process sweeps for documents whose
claim went stale (its process died: the heartbeat stopped, or the pid on this host is
gone) and claims them with a compare-and-set, so two processes never take the same one;
after MAX_ATTEMPTS claims a document is marked failed.

The job never holds a database connection while it waits for a worker: it keeps plain
values, and every write is a short transaction of its own.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import socket
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import sqlalchemy as sa
from flask import Flask, current_app

from server import storage
from server.api import jsonable
from server.db import utcnow
from server.documents import search
from server.documents.kinds import DocumentStage
from server.documents.models import Document, DocumentPage
from server.documents.serialize import document_out
from server.documents.textfold import PageText
from server.events.outbox import notify, send_now, staff_room
from server.extensions import db, socketio
from server.lifecycle import on_serve
from server.pdf.pool import PoolError
from server.pdf.spec import THUMBNAIL_WIDTH, find_tessdata, image_pattern
from server.rendering import background_pool, limits, pool
from server.transaction import after_commit

log = logging.getLogger(__name__)

#: A live job writes at least this often (every batch of pages, every OCR page).
STALE_AFTER = timedelta(seconds=180)
SWEEP_SECONDS = 30.0
MAX_ATTEMPTS = 3
#: Pages written per transaction, and the longest wait between two writes.
BATCH_PAGES = 25
BATCH_SECONDS = 0.5
#: Tesseract's language(s) for scanned pages (config OCR_LANGUAGE, "" turns OCR off).
OCR_LANGUAGE = "vie"
OCR_DPI = 200

_boot = secrets.token_hex(4)
_active: set[int] = set()
_extras: set[int] = set()
_active_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


class Lost(Exception):
    """Another process has claimed the document; this job stops."""


def process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_boot}"


def ocr_language(app: Flask) -> str:
    return str(app.config.get("OCR_LANGUAGE", OCR_LANGUAGE))


def tessdata(app: Flask) -> str | None:
    """Where Tesseract's model for the configured language is, or None (no OCR)."""
    language = ocr_language(app)
    return find_tessdata(language) if language else None


def _processing_slots(app: Flask) -> threading.BoundedSemaphore:
    """Processing may use all workers but one, which stays free for page renders."""
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(max(1, app.config["PDF_WORKERS"] - 1))
        return _slots


# --- Scheduling after commit -------------------------------------------------------------


def schedule(document_id: int) -> None:
    """Start processing the document once the current transaction commits."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    after_commit(lambda: start(app, document_id))


def after_commit_cleanup(originals: list[str], pdfs: list[str]) -> None:
    """Delete these files once the current transaction commits (nobody refers to them)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def remove() -> None:
        with app.app_context():
            storage.remove_unreferenced(originals, pdfs)

    after_commit(remove)


def start(app: Flask, document_id: int) -> None:
    with _active_lock:
        if document_id in _active:
            return
        _active.add(document_id)
    socketio.start_background_task(_run, app, document_id)


def _run(app: Flask, document_id: int) -> None:
    job = Job(app, document_id)
    ready = False
    try:
        with app.app_context():
            try:
                ready = job.run()
            except Exception:
                log.exception("processing document %s failed unexpectedly", document_id)
            finally:
                db.session.remove()
    finally:
        with _active_lock:
            _active.discard(document_id)
    if ready and not job.confidential:
        # After the document is out of the active set: its processing is over.
        with _active_lock:
            _extras.add(document_id)
        try:
            with app.app_context():
                job.thumbnails()
        finally:
            with _active_lock:
                _extras.discard(document_id)


def active_jobs() -> set[int]:
    """Documents this process is processing now (not counting thumbnails)."""
    with _active_lock:
        return set(_active)


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait until no job runs in this process (tests and the CLI)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _active_lock:
            busy = bool(_active or _extras)
        if not busy:
            return True
        time.sleep(0.05)
    return False


# --- The job -----------------------------------------------------------------------------


@dataclass
class Job:
    app: Flask
    document_id: int
    token: str = field(default_factory=process_id)
    meeting_id: int = 0
    original_sha: str = ""
    pdf_sha: str | None = None
    confidential: bool = False
    done: int = 0
    total: int = 0
    _buffer: list[dict[str, Any]] = field(default_factory=list)
    _flushed_at: float = 0.0

    def run(self) -> bool:
        """Process the document to the end; True when it is ready."""
        doc = db.session.get(Document, self.document_id)
        if doc is None or doc.status != "processing" or doc.claimed_by != self.token:
            db.session.rollback()
            return False
        self.meeting_id = doc.meeting_id
        self.original_sha = doc.original_sha256 or ""
        self.pdf_sha = doc.pdf_sha256
        self.confidential = doc.confidential
        self.total = doc.page_count or doc.progress_total
        stage: DocumentStage | Literal["done"] = doc.stage or "pages"
        db.session.rollback()  # hold no connection while waiting for a worker

        slots = _processing_slots(self.app)
        slots.acquire()
        try:
            if stage == "pages":
                stage = self.pages()
            if stage == "ocr":
                self.ocr()
            self.finish()
        except Lost:
            log.info("document %s was claimed by another process", self.document_id)
            return False
        except PoolError as err:
            self.fail(err.code, err.params)
            return False
        except Exception:
            log.exception("processing document %s failed", self.document_id)
            self.fail("document_processing_failed", {})
            return False
        finally:
            slots.release()
        return True

    # Writes -----------------------------------------------------------------------------

    def _claim_check(self, **values: Any) -> None:
        """Update the document only if this process still holds it (else Lost)."""
        result = db.session.execute(
            sa.update(Document)
            .where(
                Document.id == self.document_id,
                Document.claimed_by == self.token,
                Document.status == "processing",
            )
            .values(heartbeat_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            raise Lost()

    def _progress(self) -> None:
        send_now(
            staff_room(self.meeting_id),
            "document.processing",
            {"document_id": self.document_id, "done": self.done, "total": self.total},
        )

    def _on_message(self, message: dict[str, Any]) -> None:
        if message.get("type") == "start":
            self.total = int(message["total"])
        elif message.get("type") == "page":
            self._buffer.append(message["page"])
            now = time.monotonic()
            if len(self._buffer) >= BATCH_PAGES or now - self._flushed_at >= BATCH_SECONDS:
                self._flush()

    def _flush(self) -> None:
        self._flushed_at = time.monotonic()
        if not self._buffer:
            return
        # The claim first: a document deleted or taken over meanwhile gets no pages.
        self._claim_check(progress_done=self.done + len(self._buffer), progress_total=self.total)
        write_pages(self.document_id, self._buffer)
        self.done += len(self._buffer)
        self._buffer = []
        db.session.commit()
        self._progress()

    # Stages -----------------------------------------------------------------------------

    def pages(self) -> DocumentStage | Literal["done"]:
        """Sanitise and extract; returns the next stage ("ocr" or "done")."""
        remove_pages(self.document_id)
        self._claim_check(progress_done=0, stage="pages")
        db.session.commit()
        self.done = 0
        self._progress()
        config = self.app.config
        pages = max(self.total, 1)
        self._flushed_at = time.monotonic()
        result = pool(self.app).call(
            "process",
            _process_args(self.original_sha),
            timeout=config["PDF_JOB_TIMEOUT_SECONDS"] + 2 * pages,
            idle_timeout=120,
            on_message=self._on_message,
            wait=600,
        )
        self._flush()
        return self._apply(result)

    def _apply(self, result: dict[str, Any]) -> DocumentStage | Literal["done"]:
        next_stage, values = processed(result, ocr_available=tessdata(self.app) is not None)
        self.pdf_sha = values["pdf_sha256"]
        self.total = values["page_count"] + (
            len(values["info"]["ocr_pages"]) if next_stage == "ocr" else 0
        )
        self._claim_check(**values, progress_done=self.done, progress_total=self.total)
        db.session.commit()
        return next_stage

    def ocr(self) -> None:
        language = ocr_language(self.app)
        data_dir = tessdata(self.app)
        numbers = list(
            db.session.scalars(
                sa.select(DocumentPage.number)
                .where(DocumentPage.document_id == self.document_id, DocumentPage.needs_ocr)
                .order_by(DocumentPage.number)
            )
        )
        doc = db.session.get(Document, self.document_id)
        page_count = doc.page_count if doc else 0
        db.session.rollback()
        if data_dir is None or not numbers or self.pdf_sha is None:
            return
        self.done = page_count
        self.total = page_count + len(numbers)
        timeout = float(self.app.config.get("PDF_OCR_TIMEOUT_SECONDS", 120))
        for number in numbers:
            try:
                result = pool(self.app).call(
                    "ocr",
                    {
                        "pdf": str(storage.pdf_path(self.pdf_sha)),
                        "page": number,
                        "tessdata": data_dir,
                        "language": language,
                        "dpi": OCR_DPI,
                        "timeout": timeout,
                    },
                    timeout=timeout + 30,
                    wait=600,
                )
            except PoolError as err:
                log.warning("OCR of document %s page %s: %s", self.document_id, number, err.code)
                result = None
            self.done += 1
            self._claim_check(progress_done=self.done, progress_total=self.total)
            if result is not None:
                write_ocr(self.document_id, number, result)
            db.session.commit()
            self._progress()

    def finish(self) -> Document | None:
        self._claim_check()
        doc = db.session.get(Document, self.document_id)
        assert doc is not None
        doc.searchable = not db.session.scalar(
            sa.select(sa.func.count())
            .select_from(DocumentPage)
            .where(DocumentPage.document_id == doc.id, DocumentPage.needs_ocr)
        )
        doc.status = "ready"
        doc.stage = None
        doc.claimed_by = None
        doc.progress_done = doc.progress_total = max(self.total, doc.page_count)
        db.session.flush()
        notify(
            staff_room(doc.meeting_id), "document.ready", {"document": jsonable(document_out(doc))}
        )
        db.session.commit()
        return doc

    def fail(self, code: str, params: dict[str, Any]) -> None:
        db.session.rollback()
        doc = db.session.get(Document, self.document_id)
        if doc is None or doc.status != "processing" or doc.claimed_by != self.token:
            db.session.rollback()
            return
        mark_failed(doc, code, params)
        notify(
            staff_room(doc.meeting_id), "document.failed", {"document": jsonable(document_out(doc))}
        )
        db.session.commit()

    def thumbnails(self) -> None:
        """Render every page's thumbnail ahead of the first reader (best effort)."""
        if self.pdf_sha is None:
            return
        directory = storage.pages_dir(self.pdf_sha)
        try:
            background_pool(self.app).call(
                "thumbnails",
                {
                    "pdf": str(storage.pdf_path(self.pdf_sha)),
                    "directory": str(directory),
                    "pattern": image_pattern(THUMBNAIL_WIDTH, 1.0, "webp"),
                    "width": THUMBNAIL_WIDTH,
                    "fmt": "webp",
                    "limits": limits(self.app).to_dict(),
                },
                timeout=60 + self.total * 0.5,
                wait=600,
            )
        except PoolError as err:
            log.info("thumbnails of document %s not made: %s", self.document_id, err.code)


def _process_args(original_sha: str) -> dict[str, Any]:
    """The worker's "process" request for an original upload (call in an app context)."""
    return {
        "path": str(storage.original_path(original_sha)),
        "pdf_dir": str(storage.pdf_dir()),
        "limits": limits().to_dict(),
    }


def _warning_params(code: str, result: dict[str, Any]) -> dict[str, Any]:
    if code == "document_pages_skipped":
        return {"pages": ", ".join(str(p) for p in result.get("skipped_pages") or [])}
    return {}


def processed(
    result: dict[str, Any], *, ocr_available: bool
) -> tuple[DocumentStage | Literal["done"], dict[str, Any]]:
    """What a worker's "process" result sets on its document, and the stage that follows
    ("ocr" when scanned pages wait for recognition and OCR is available, else "done")."""
    needs_ocr = list(result.get("needs_ocr") or [])
    next_stage: DocumentStage | Literal["done"] = "ocr" if needs_ocr and ocr_available else "done"
    info = {
        "metadata": result.get("metadata") or {},
        "warnings": [
            {"code": code, "params": _warning_params(code, result)}
            for code in result.get("warnings") or []
        ],
        "skipped_pages": result.get("skipped_pages") or [],
        "ocr_pages": needs_ocr,
        "ocr_available": ocr_available,
    }
    return next_stage, {
        "pdf_sha256": result["pdf_sha256"],
        "page_count": int(result["page_count"]),
        "outline": result.get("outline") or [],
        "info": info,
        "stage": next_stage,
    }


#: Codes of the pool's own failures, as the messages people read.
_POOL_CODES = {
    "pdf_failed": "document_processing_failed",
    "pdf_timeout": "document_too_complex",
    "pdf_busy": "document_processing_failed",
}


def mark_failed(doc: Document, code: str, params: dict[str, Any] | None = None) -> None:
    code = _POOL_CODES.get(code, code)
    doc.status = "failed"
    doc.error_code = code
    doc.info = {**(doc.info or {}), "error_params": params or {}}
    doc.claimed_by = None
    doc.stage = None
    remove_pages(doc.id)


# --- Pages and the index -----------------------------------------------------------------


def remove_pages(document_id: int) -> None:
    ids = list(
        db.session.scalars(
            sa.select(DocumentPage.id).where(DocumentPage.document_id == document_id)
        )
    )
    if ids:
        search.engine().remove(ids)
        db.session.execute(sa.delete(DocumentPage).where(DocumentPage.id.in_(ids)))


def write_pages(document_id: int, records: list[dict[str, Any]]) -> None:
    """Store pages as the worker describes them (`page_payload`), and index their text."""
    rows = []
    for record in records:
        text = PageText(unicodedata.normalize("NFC", record.get("text") or ""))
        rows.append(
            (
                DocumentPage(
                    document_id=document_id,
                    number=int(record["number"]),
                    width=float(record["width"]),
                    height=float(record["height"]),
                    rotation=int(record.get("rotation") or 0),
                    label=record.get("label"),
                    words=record.get("words_json") or "[]",
                    text=text.text,
                    boxes=base64.b64decode(record.get("boxes") or ""),
                    links=record.get("links") or [],
                    needs_ocr=bool(record.get("needs_ocr")),
                ),
                text.folded,
            )
        )
    db.session.add_all([row for row, _ in rows])
    db.session.flush()
    search.engine().index([(row.id, folded) for row, folded in rows if folded])


def write_ocr(document_id: int, number: int, payload: dict[str, Any]) -> None:
    """Store the words OCR found on a page (`page_payload`), and index them."""
    page = db.session.scalar(
        sa.select(DocumentPage).where(
            DocumentPage.document_id == document_id, DocumentPage.number == number
        )
    )
    if page is None:
        return
    text = PageText(unicodedata.normalize("NFC", payload.get("text") or ""))
    page.words = payload.get("words_json") or "[]"
    page.text = text.text
    page.boxes = base64.b64decode(payload.get("boxes") or "")
    page.ocr = True
    page.needs_ocr = False
    db.session.flush()
    search.engine().index([(page.id, text.folded)])


def process_now(document: Document) -> None:
    """Process at once, waiting for a worker (the demo seed and the CLI; never a request).

    The same worker operation and the same writes as a job; the caller commits.
    """
    records: list[dict[str, Any]] = []

    def collect(message: dict[str, Any]) -> None:
        if message.get("type") == "page":
            records.append(message["page"])

    result = pool().call(
        "process",
        _process_args(document.original_sha256 or ""),
        timeout=current_app.config["PDF_JOB_TIMEOUT_SECONDS"],
        on_message=collect,
        wait=600,
    )
    remove_pages(document.id)
    write_pages(document.id, records)
    _, values = processed(result, ocr_available=False)
    for name, value in values.items():
        setattr(document, name, value)
    document.searchable = not values["info"]["ocr_pages"]
    document.status = "ready"
    document.stage = None
    document.claimed_by = None
    document.progress_done = document.progress_total = document.page_count


# --- Resuming after a restart ------------------------------------------------------------


def _pid_gone(claimed_by: str | None) -> bool:
    """True when the claim names a process of this host that no longer runs."""
    if not claimed_by:
        return True
    host, _, rest = claimed_by.partition(":")
    pid_text, _, boot = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return boot != _boot
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim_stale(app: Flask) -> list[int]:
    """Claim processing documents whose process died; start them here. Returns their ids."""
    now = utcnow()
    claimed: list[int] = []
    rows = db.session.execute(
        sa.select(Document.id, Document.claimed_by, Document.heartbeat_at, Document.attempts)
        .where(Document.status == "processing")
        .order_by(Document.id)
    ).all()
    db.session.rollback()
    mine = active_jobs()
    for document_id, claimed_by, heartbeat_at, attempts in rows:
        if document_id in mine:
            continue
        stale = _pid_gone(claimed_by) or heartbeat_at is None or heartbeat_at < now - STALE_AFTER
        if not stale:
            continue
        guard = [
            Document.id == document_id,
            Document.status == "processing",
            Document.claimed_by.is_not_distinct_from(claimed_by),
            Document.heartbeat_at.is_not_distinct_from(heartbeat_at),
        ]
        if attempts >= MAX_ATTEMPTS:
            result = db.session.execute(
                sa.update(Document)
                .where(*guard)
                .values(claimed_by=process_id())
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                doc = db.session.get(Document, document_id)
                assert doc is not None
                mark_failed(doc, "document_processing_interrupted")
                notify(
                    staff_room(doc.meeting_id),
                    "document.failed",
                    {"document": jsonable(document_out(doc))},
                )
            db.session.commit()
            continue
        result = db.session.execute(
            sa.update(Document)
            .where(*guard)
            .values(claimed_by=process_id(), heartbeat_at=now, attempts=Document.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(document_id)
            start(app, document_id)
    return claimed


@on_serve
def resume_processing(app: Flask) -> None:
    """Pick up documents left processing by a process that died, now and every 30 s."""

    def sweep() -> None:
        while True:
            with app.app_context():
                try:
                    found = claim_stale(app)
                    if found:
                        log.info("resumed processing of documents %s", found)
                except Exception:
                    log.exception("could not sweep for unfinished documents")
                finally:
                    db.session.remove()
            time.sleep(SWEEP_SECONDS)

    socketio.start_background_task(sweep)
