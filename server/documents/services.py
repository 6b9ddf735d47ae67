"""Documents: upload, versions, publishing, pages, text, search, reading receipts.

Who may read what is checked here on every call, not only on the list: a document is
visible to those who may see its meeting once it is published, and to the session's
staff (secretariat, chair) before. Not being able to see one answers 404.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from server import rendering, storage
from server.accounts.models import User
from server.api import jsonable
from server.db import utcnow
from server.documents import processing, search
from server.documents.models import Document, DocumentPage, DocumentRead
from server.documents.schemas import (
    Message,
    PageTextOut,
    ReaderOut,
    ReadListOut,
    SearchOut,
    SearchResult,
)
from server.documents.serialize import DocumentView, document_out
from server.documents.textfold import (
    PageText,
    exact_count,
    find_matches,
    query_terms,
    snippet,
    unpack_box,
    words_at,
)
from server.errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    InsufficientStorage,
    Invalid,
    NotFound,
    Unavailable,
    UnsupportedMediaType,
)
from server.events.decisions import Notice, decide
from server.events.outbox import staff_room

if TYPE_CHECKING:
    from server.meetings.models import Meeting
from server.councils import services as councils
from server.extensions import db
from server.i18n import translate
from server.meetings import access
from server.meetings import services as meetings
from server.pdf.files import STORAGE_FULL
from server.pdf.pool import PoolBusy, PoolError, TaskFailed
from server.pdf.spec import (
    image_name,
    snap_dpr,
    snap_width,
    sniff,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

#: Problems found in a file, and the status they answer with.
_UNSUPPORTED = {"document_not_pdf", "document_office_file"}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Upload:
    """A file as received: its stream and the name the browser gave."""

    stream: IO[bytes]
    filename: str | None


# --- Who sees what -----------------------------------------------------------------------


def is_staff(user: User, meeting: Meeting) -> bool:
    return access.is_staff(user, meeting)


def view_for(user: User, meeting: Meeting) -> DocumentView:
    return DocumentView(
        meeting.id,
        staff=is_staff(user, meeting),
        user_id=user.id,
        member=access.member_of(user, meeting) is not None,
    )


def get_document(actor: User, document_id: int) -> tuple[Document, Meeting]:
    """The document if `actor` may see it (its meeting, and published unless staff), else 404."""
    doc = db.session.get(Document, document_id)
    if doc is None:
        raise NotFound("document_not_found")
    try:
        meeting = access.get_meeting_for(actor, doc.meeting_id)
    except NotFound:
        raise NotFound("document_not_found") from None
    if doc.published_at is None and not is_staff(actor, meeting):
        raise NotFound("document_not_found")
    return doc, meeting


def _managed(actor: User, document_id: int) -> tuple[Document, Meeting]:
    doc, meeting = get_document(actor, document_id)
    access.require_secretariat(actor, meeting)
    return doc, meeting


def _require_ready(doc: Document) -> None:
    if doc.kind == "link":
        raise Conflict("document_is_link")
    if doc.status != "ready" or not doc.pdf_sha256:
        raise Conflict("document_not_ready")


def require_extractable(doc: Document) -> None:
    """403 unless the document's content may leave its page images (`Document.extractable`).

    The one check of everything that hands out a document's content rather than a picture of
    it: `downloadDocument`, `getDocumentPageText` and `searchDocuments`; whoever's download
    answers 403 gets 403 from the others too.
    """
    if not doc.extractable:
        raise Forbidden("document_confidential")


def reader_stamp(actor: User, doc: Document) -> str | None:
    """The stamp naming the reader that `doc`'s pages carry for `actor` (None: unstamped)."""
    if not doc.confidential:
        return None
    return f"{actor.full_name} · {actor.username} · MẬT"


def list_documents(actor: User, meeting_id: int) -> tuple[list[Document], DocumentView]:
    """The meeting's documents `actor` may see, in agenda order then upload order."""
    meeting = access.get_meeting_for(actor, meeting_id)
    query = sa.select(Document).where(Document.meeting_id == meeting.id)
    if not is_staff(actor, meeting):
        query = query.where(Document.published_at.is_not(None))
    docs = list(db.session.scalars(query.order_by(Document.id)))
    order = {item.id: n for n, item in enumerate(meetings.agenda(meeting))}
    docs.sort(
        key=lambda d: (
            order.get(d.agenda_item_id or -1, len(order)),
            d.series_id or d.id,
            d.version,
        )
    )
    return docs, view_for(actor, meeting)


def processing_queue() -> tuple[int, datetime | None]:
    """(documents still processing, when the oldest of them was uploaded), every meeting."""
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(Document.created_at)).where(
            Document.status == "processing"
        )
    ).one()
    return int(count or 0), oldest


def published_versions(meeting_id: int) -> list[Document]:
    """Every published version of the meeting's documents, in the order they came out."""
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(Document.meeting_id == meeting_id, Document.published_at.is_not(None))
            .order_by(Document.published_at, Document.id)
        )
    )


def documents_by_id(document_ids: set[int]) -> dict[int, Document]:
    """These documents, by id (no one's access checked: for serialising what was checked)."""
    if not document_ids:
        return {}
    return {
        d.id: d
        for d in db.session.scalars(sa.select(Document).where(Document.id.in_(document_ids)))
    }


def earlier_versions(doc: Document) -> list[Document]:
    """The versions of `doc`'s series older than it."""
    series = doc.series_id or doc.id
    return list(
        db.session.scalars(
            sa.select(Document).where(Document.series_id == series, Document.version < doc.version)
        )
    )


def page_size(document_id: int, number: int) -> tuple[float, float] | None:
    """(width, height) in points of a page of a processed document, or None."""
    row = db.session.execute(
        sa.select(DocumentPage.width, DocumentPage.height).where(
            DocumentPage.document_id == document_id, DocumentPage.number == number
        )
    ).first()
    return (row.width, row.height) if row is not None else None


def page_sizes(document_id: int) -> dict[int, tuple[float, float]]:
    """Every page's (width, height) in points, by page number."""
    rows = db.session.execute(
        sa.select(DocumentPage.number, DocumentPage.width, DocumentPage.height).where(
            DocumentPage.document_id == document_id
        )
    )
    return {number: (width, height) for number, width, height in rows}


def words_json(document_id: int, number: int) -> str | None:
    """A page's words as stored (JSON text of [[x0, y0, x1, y1, "text"], ...])."""
    return db.session.scalar(
        sa.select(DocumentPage.words).where(
            DocumentPage.document_id == document_id, DocumentPage.number == number
        )
    )


def all_words_json(document_id: int) -> list[tuple[int, str]]:
    """(page number, words JSON text) of every page of a document."""
    rows = db.session.execute(
        sa.select(DocumentPage.number, DocumentPage.words).where(
            DocumentPage.document_id == document_id
        )
    )
    return [(int(number), str(words)) for number, words in rows]


# --- Upload ------------------------------------------------------------------------------


def clean_filename(name: str | None) -> str:
    """The upload's name without path or control characters, else a 4xx."""
    if not name:
        return "tai-lieu.pdf"
    name = unicodedata.normalize("NFC", name).strip()
    if (
        "/" in name
        or "\\" in name
        or _CONTROL.search(name)
        or name in (".", "..")
        or name.startswith(".")
        or len(name) > 255
    ):
        raise BadRequest("document_filename_invalid")
    return name


def _problem(err: PoolError) -> DomainError:
    """The 4xx for a file a worker refused (or could not handle)."""
    if isinstance(err, PoolBusy):
        return Unavailable("renderer_busy")
    if err.code == STORAGE_FULL:
        return InsufficientStorage()
    code = err.code
    if code in _UNSUPPORTED:
        return UnsupportedMediaType(code, **err.params)
    if code in ("pdf_timeout", "document_too_complex"):
        return Invalid("document_too_complex")
    if code == "pdf_failed":
        return Invalid("document_unreadable")
    return Invalid(code, **err.params)


def _receive(upload: Upload) -> tuple[Path, dict[str, Any], str]:
    """Store the upload, run the quick checks; (original path, probe facts, file name)."""
    filename = clean_filename(upload.filename)
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    received = storage.receive(upload.stream, limit)
    try:
        with received.path.open("rb") as f:
            code = sniff(f.read(1024))
        if code:
            raise (UnsupportedMediaType if code in _UNSUPPORTED else Invalid)(code)
        try:
            facts = rendering.pool().call(
                "probe",
                {"path": str(received.path), "limits": rendering.limits().to_dict()},
                timeout=current_app.config.get("PDF_PROBE_TIMEOUT_SECONDS", 30),
            )
        except PoolError as err:
            raise _problem(err) from None
        original = storage.keep_original(received.path, facts["sha256"])
    except BaseException:
        received.path.unlink(missing_ok=True)
        raise
    return original, facts, filename


def _title_for(title: str | None, facts: dict[str, Any], filename: str) -> str:
    if title and title.strip():
        return title.strip()[:300]
    if facts.get("title"):
        # The PDF's own title, as its author's software spelled it: made NFC like input.
        return unicodedata.normalize("NFC", str(facts["title"])).strip()[:300]
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return stem[:300] or "Tài liệu"


def _new_processing(doc: Document, facts: dict[str, Any], filename: str, size: int) -> None:
    doc.filename = filename
    doc.size_bytes = size
    doc.original_sha256 = facts["sha256"]
    doc.page_count = int(facts["page_count"])
    doc.status = "processing"
    doc.stage = "pages"
    doc.progress_done = 0
    doc.progress_total = int(facts["page_count"])
    doc.claimed_by = processing.process_id()
    doc.heartbeat_at = utcnow()
    doc.attempts = 1
    if facts.get("broken_pages") or facts.get("repaired"):
        doc.info = {"probe": {"broken_pages": facts.get("broken_pages"), "repaired": True}}


def upload_document(
    actor: User,
    agenda_item_id: int,
    *,
    title: str | None,
    kind: str,
    confidential: bool,
    url: str | None,
    upload: Upload | None,
) -> Document:
    """Attach a document (or a link) to an agenda item; processing starts after commit."""
    item, meeting = meetings.get_agenda_item(actor, agenda_item_id)
    access.require_secretariat(actor, meeting)
    if meeting.status == "closed":
        raise Conflict("meeting_closed")
    doc = Document(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        kind=kind,
        confidential=confidential,
        uploaded_by_id=actor.id,
    )
    if kind == "link":
        if upload is not None:
            raise BadRequest("document_link_has_file")
        if not url:
            raise Invalid("document_url_required")
        doc.url = url
        doc.title = (title or url).strip()[:300]
        doc.status = "ready"
        doc.searchable = False
        db.session.add(doc)
        db.session.flush()
        doc.series_id = doc.id
    else:
        if upload is None:
            raise BadRequest("document_file_required")
        original, facts, filename = _receive(upload)
        doc.title = _title_for(title, facts, filename)
        _new_processing(doc, facts, filename, original.stat().st_size)
        db.session.add(doc)
        db.session.flush()
        doc.series_id = doc.id
        processing.schedule(doc.id)
    decide(
        "document.uploaded",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"document:{doc.id}",
        data={"title": doc.title, "kind": kind, "sha256": doc.original_sha256},
        notices=[
            Notice(
                staff_room(meeting.id),
                "document.created",
                {"document": jsonable(document_out(doc))},
            )
        ],
    )
    return doc


def add_now(
    actor: User,
    agenda_item_id: int,
    pdf: bytes,
    *,
    title: str,
    kind: str = "main",
    confidential: bool = False,
    filename: str | None = None,
    created_at: datetime | None = None,
) -> Document:
    """Attach a PDF made by the server itself and process it at once, waiting for a worker
    (the demo seed and the benchmarks; never a request: it holds the transaction)."""
    item, meeting = meetings.get_agenda_item(actor, agenda_item_id)
    access.require_secretariat(actor, meeting)
    doc = Document(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        title=title,
        kind=kind,
        confidential=confidential,
        filename=filename or f"{title[:120].replace('/', '-')}.pdf",
        size_bytes=len(pdf),
        original_sha256=storage.keep_bytes(pdf),
        uploaded_by_id=actor.id,
        created_at=created_at or utcnow(),
    )
    db.session.add(doc)
    db.session.flush()
    doc.series_id = doc.id
    processing.process_now(doc)
    decide(
        "document.uploaded",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"document:{doc.id}",
        data={"title": doc.title, "kind": kind, "sha256": doc.original_sha256},
    )
    return doc


def upload_version(actor: User, document_id: int, upload: Upload | None) -> Document:
    """A new version of a document: a new row, version + 1; the old one stays readable."""
    old, meeting = _managed(actor, document_id)
    if meeting.status == "closed":
        raise Conflict("meeting_closed")
    if old.kind == "link":
        raise Conflict("document_link_version")
    if upload is None:
        raise BadRequest("document_file_required")
    series = old.series_id or old.id
    newest = db.session.scalar(
        sa.select(sa.func.max(Document.version)).where(Document.series_id == series)
    )
    if newest is not None and newest > old.version:
        raise Conflict("document_not_latest")
    original, facts, filename = _receive(upload)
    doc = Document(
        meeting_id=old.meeting_id,
        agenda_item_id=old.agenda_item_id,
        series_id=series,
        version=old.version + 1,
        title=old.title,
        kind=old.kind,
        confidential=old.confidential,
        uploaded_by_id=actor.id,
    )
    _new_processing(doc, facts, filename, original.stat().st_size)
    db.session.add(doc)
    db.session.flush()
    processing.schedule(doc.id)
    decide(
        "document.version_uploaded",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"document:{doc.id}",
        data={"series_id": series, "version": doc.version, "sha256": doc.original_sha256},
        notices=[
            Notice(
                staff_room(meeting.id),
                "document.created",
                {"document": jsonable(document_out(doc, previous_version_id=old.id))},
            )
        ],
    )
    return doc


# --- Changes -----------------------------------------------------------------------------


def _changed(docs: list[Document], meeting: Meeting) -> tuple[list[Any], list[Notice]]:
    """How the room hears of changed versions: published ones as `document.updated` events
    (as delegates see them), the others as notices to the staff."""
    view = DocumentView(meeting.id, staff=False)
    events = [
        ("document.updated", {"document": jsonable(view.out(doc))})
        for doc in docs
        if doc.published_at is not None
    ]
    notices = [
        Notice(
            staff_room(meeting.id), "document.updated", {"document": jsonable(document_out(doc))}
        )
        for doc in docs
        if doc.published_at is None
    ]
    return events, notices


def update_document(actor: User, document_id: int, **changes: Any) -> Document:
    doc, meeting = _managed(actor, document_id)
    if meeting.status == "closed":
        raise Conflict("meeting_closed")
    if "agenda_item_id" in changes and changes["agenda_item_id"] is not None:
        meetings.require_item_of(meeting, changes["agenda_item_id"])
    if changes.get("kind") is not None and (changes["kind"] == "link") != (doc.kind == "link"):
        raise Invalid("document_link_has_file" if doc.kind != "link" else "document_is_link")
    if doc.kind == "link" and changes.get("url"):
        doc.url = changes["url"]
    # Title, kind, confidentiality and the agenda item hold for every version alike.
    series = list(
        db.session.scalars(
            sa.select(Document).where(Document.series_id == (doc.series_id or doc.id))
        )
    ) or [doc]
    for row in series:
        for field in ("title", "kind", "confidential", "agenda_item_id"):
            if field in changes and (changes[field] is not None or field == "agenda_item_id"):
                value = changes[field].strip() if field == "title" else changes[field]
                setattr(row, field, value)
    db.session.flush()
    events, notices = _changed(series, meeting)
    decide(
        "document.updated",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"document:{doc.id}",
        data={k: v for k, v in changes.items() if k != "url"},
        events=events,
        notices=notices,
    )
    return doc


def delete_document(actor: User, document_id: int) -> int:
    """Remove an unpublished document (a link, a failed upload, a version not yet out)."""
    doc, _ = _managed(actor, document_id)
    if doc.published_at is not None:
        raise Conflict("document_published")
    originals = [doc.original_sha256] if doc.original_sha256 else []
    pdfs = [doc.pdf_sha256] if doc.pdf_sha256 else []
    processing.remove_pages(doc.id)
    meeting_id = doc.meeting_id
    db.session.delete(doc)
    db.session.flush()
    still_used_originals = set(
        db.session.scalars(
            sa.select(Document.original_sha256).where(Document.original_sha256.in_(originals))
        )
    )
    still_used_pdfs = set(
        db.session.scalars(sa.select(Document.pdf_sha256).where(Document.pdf_sha256.in_(pdfs)))
    )
    processing.after_commit_cleanup(
        [s for s in originals if s not in still_used_originals],
        [s for s in pdfs if s not in still_used_pdfs],
    )
    decide(
        "document.deleted",
        actor_id=actor.id,
        meeting_id=meeting_id,
        subject=f"document:{document_id}",
        notices=[Notice(staff_room(meeting_id), "document.deleted", {"document_id": document_id})],
    )
    return document_id


@dataclass
class Published:
    document: Document
    late: bool
    warning: Message | None
    previous_version_id: int | None


def publish_document(actor: User, document_id: int, now: datetime | None = None) -> Published:
    """Make a ready document visible to the meeting's delegates and guests.

    Later than the council's `publish_days_before` before the session start, the answer
    carries a warning for the secretariat (the document is published all the same).
    """
    doc, meeting = _managed(actor, document_id)
    if meeting.status == "closed":
        raise Conflict("meeting_closed")
    if doc.published_at is not None:
        raise Conflict("document_already_published")
    if doc.kind != "link" and doc.status != "ready":
        raise Conflict("document_not_ready")
    now = now or utcnow()
    settings = councils.settings_of(meeting.council)
    deadline = meeting.starts_at - timedelta(days=settings.publish_days_before)
    late = now > deadline
    warning = None
    if late:
        starts = meeting.starts_at.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
        message = translate("published_late", days=settings.publish_days_before, starts=starts)
        warning = Message(code="published_late", message=message)
    doc.published_at = now
    doc.published_by_id = actor.id
    db.session.flush()
    previous = db.session.scalar(
        sa.select(Document.id).where(
            Document.series_id == (doc.series_id or doc.id), Document.version == doc.version - 1
        )
    )
    decide(
        "document.published",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"document:{doc.id}",
        data={"title": doc.title, "version": doc.version, "late": late},
        events=[
            (
                "document.published",
                {"document": jsonable(document_out(doc, previous_version_id=previous))},
            )
        ],
    )
    return Published(document=doc, late=late, warning=warning, previous_version_id=previous)


# --- Pages -------------------------------------------------------------------------------


def _page_of(doc: Document, number: int) -> DocumentPage:
    page = db.session.scalar(
        sa.select(DocumentPage).where(
            DocumentPage.document_id == doc.id, DocumentPage.number == number
        )
    )
    if page is None:
        raise NotFound("document_page_not_found")
    return page


@dataclass(frozen=True)
class PageImage:
    path: Path
    etag: str
    pdf: Path
    document_id: int
    page: int
    pixel_width: int
    fmt: str
    watermark: str | None


def page_image(
    actor: User, document_id: int, number: int, *, width: int, dpr: float, fmt: str
) -> PageImage:
    """Where the rendered page is (or will be), and its strong ETag; nothing rendered yet."""
    doc, _ = get_document(actor, document_id)
    _require_ready(doc)
    if not 1 <= number <= doc.page_count:
        raise NotFound("document_page_not_found")
    assert doc.pdf_sha256 is not None
    bucket = snap_width(width)
    ratio = snap_dpr(dpr)
    watermark = reader_stamp(actor, doc)
    viewer = None
    if watermark is not None:
        # Stamped with the reader's name: an image of its own per reader.
        viewer = f"u{actor.id}-{hashlib.sha256(watermark.encode()).hexdigest()[:12]}"
    name = image_name(number, bucket, ratio, fmt, viewer)
    etag = hashlib.sha256(f"{doc.pdf_sha256}/{name}".encode()).hexdigest()[:32]
    return PageImage(
        path=storage.pages_dir(doc.pdf_sha256) / name,
        etag=etag,
        pdf=storage.pdf_path(doc.pdf_sha256),
        document_id=doc.id,
        page=number,
        pixel_width=round(bucket * ratio),
        fmt=fmt,
        watermark=watermark,
    )


#: Renders under way in this process, by target file: when the chair turns a page and
#: fifty tablets ask for it at once, one worker renders it and the others wait for it.
_rendering: dict[Path, threading.Event] = {}
_rendering_lock = threading.Lock()


def render(image: PageImage) -> Path:
    """Render the page into the cache unless it is there (a worker does it, once)."""
    if image.path.exists():
        return image.path
    timeout = current_app.config["PDF_RENDER_TIMEOUT_SECONDS"]
    with _rendering_lock:
        running = _rendering.get(image.path)
        if running is None:
            running = _rendering[image.path] = threading.Event()
            leader = True
        else:
            leader = False
    if not leader:
        running.wait(timeout * 2)
        if image.path.exists():
            return image.path
        raise Invalid("page_render_failed")
    # A scanned page is a photograph: it must not be reduced to 16 grey levels.
    photo = bool(
        db.session.scalar(
            sa.select(DocumentPage.ocr | DocumentPage.needs_ocr).where(
                DocumentPage.document_id == image.document_id,
                DocumentPage.number == image.page,
            )
        )
    )
    db.session.rollback()  # no connection held while the worker renders
    try:
        rendering.pool().call(
            "render",
            {
                "pdf": str(image.pdf),
                "page": image.page,
                "width": image.pixel_width,
                "fmt": image.fmt,
                "out": str(image.path),
                "limits": rendering.limits().to_dict(),
                "watermark": image.watermark,
                "photo": photo,
            },
            timeout=timeout,
            wait=timeout,
        )
    except PoolBusy:
        raise Unavailable("renderer_busy") from None
    except (TaskFailed, PoolError) as err:
        # A full disk is no fault of the page: the image could not be kept.
        rendering.raise_if_storage_full(err)
        raise Invalid("page_render_failed") from None
    finally:
        with _rendering_lock:
            _rendering.pop(image.path, None)
        running.set()
    return image.path


def page_text(actor: User, document_id: int, number: int) -> PageTextOut:
    """The words of a page, for those who may download the document; 403 for the others
    (`require_extractable`, the download's own check), before the page is even looked up.

    The words are the downloaded PDF's words, so they carry what the download carries: the
    rendered pages' stamp, given as `watermark` by the one function that stamps page images
    (`reader_stamp`). Today that is always null, since only documents that are not
    confidential may be downloaded and their pages carry no stamp; should the rule ever let
    someone take a confidential document's text, the answer names that reader as the pages
    do instead of handing out clean text. A field rather than a line added to the words:
    the words are the page's own, with the boxes highlights and quotes are measured by, and
    an invented line would be selected, quoted and searched as if the page said it.
    """
    doc, _ = get_document(actor, document_id)
    _require_ready(doc)
    require_extractable(doc)
    page = _page_of(doc, number)
    return PageTextOut(
        document_id=doc.id,
        page=page.number,
        width=page.width,
        height=page.height,
        rotation=page.rotation,
        label=page.label,
        words=json.loads(page.words or "[]"),
        links=page.links or [],
        ocr=page.ocr,
        searchable=not page.needs_ocr,
        watermark=reader_stamp(actor, doc),
    )


def download(actor: User, document_id: int) -> tuple[Path, str]:
    """The sanitised PDF and a file name for it; never for a confidential document."""
    doc, meeting = get_document(actor, document_id)
    _require_ready(doc)
    require_extractable(doc)
    assert doc.pdf_sha256 is not None
    name = doc.filename or f"{doc.title}.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    decide(
        "document.downloaded",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"document:{doc.id}",
    )
    return storage.pdf_path(doc.pdf_sha256), name


# --- Search ------------------------------------------------------------------------------


def _searchable(actor: User, meeting: Meeting, document_id: int | None) -> dict[int, str]:
    """{id: title} of the documents to search: the latest visible version of each, or one.

    Only documents whose content may be taken away (`Document.extractable`): a snippet is
    the document's text, so a confidential document is never searched, and searching in one
    answers 403 like its download.
    """
    query = sa.select(Document.id, Document.series_id, Document.version, Document.title).where(
        Document.meeting_id == meeting.id,
        Document.status == "ready",
        Document.kind != "link",
        Document.extractable,
    )
    if not is_staff(actor, meeting):
        query = query.where(Document.published_at.is_not(None))
    rows = db.session.execute(query).all()
    if document_id is not None:
        found = {i: title for i, _, _, title in rows if i == document_id}
        if not found:
            doc, _ = get_document(actor, document_id)  # 404 when not visible
            require_extractable(doc)
        return found
    latest: dict[int, tuple[int, int, str]] = {}
    for doc_id, series_id, version, title in rows:
        series = series_id or doc_id
        if series not in latest or version > latest[series][1]:
            latest[series] = (doc_id, version, title)
    return {doc_id: title for doc_id, _, title in latest.values()}


def search_documents(
    actor: User, meeting_id: int, q: str, *, document_id: int | None, limit: int
) -> SearchOut:
    """Pages of the meeting's documents (latest visible versions that the user may
    download) matching every word of q.

    The engine ranks candidate pages; the best `limit` after adding bonuses (the words side
    by side, the diacritics as typed) get a snippet and the boxes of their matched words.
    """
    meeting = access.get_meeting_for(actor, meeting_id)
    terms = query_terms(q)
    tokens = [token for token, _ in terms]
    if not tokens:
        raise Invalid("search_query_empty")
    titles = _searchable(actor, meeting, document_id)
    hits = search.engine().query(tokens, list(titles), limit * 2)
    if not hits:
        return SearchOut(query=q, tokens=tokens, results=[])
    rows = db.session.execute(
        sa.select(
            DocumentPage.id,
            DocumentPage.document_id,
            DocumentPage.number,
            DocumentPage.label,
            DocumentPage.text,
        ).where(DocumentPage.id.in_([h.page_id for h in hits]))
    ).all()
    pages = {row.id: row for row in rows}
    phrase = " ".join(tokens)
    ranked: list[tuple[float, int, int, Any, PageText, list[tuple[int, int]]]] = []
    for hit in hits:
        row = pages.get(hit.page_id)
        if row is None:
            continue
        text = PageText(row.text, hit.folded)
        matches = find_matches(text.folded, tokens)
        bonus = 1.0 if phrase in text.folded else 0.0
        bonus += 0.5 * exact_count(text, terms, matches)
        score = round(hit.score + bonus, 4)
        ranked.append((score, row.document_id, row.number, row, text, matches))
    ranked.sort(key=lambda r: (-r[0], r[1], r[2]))
    ranked = ranked[:limit]
    boxes: dict[int, bytes] = {
        page_id: packed
        for page_id, packed in db.session.execute(
            sa.select(DocumentPage.id, DocumentPage.boxes).where(
                DocumentPage.id.in_([r[3].id for r in ranked])
            )
        )
    }
    results: list[SearchResult] = []
    for score, doc_id, number, row, text, matches in ranked:
        cut = snippet(text, tokens, terms=terms, matches=matches)
        packed = boxes.get(row.id) or b""
        rects = [
            unpack_box(packed, i)
            for i in words_at(text.text, cut.matches)
            if (i + 1) * 16 <= len(packed)
        ]
        results.append(
            SearchResult(
                document_id=doc_id,
                title=titles[doc_id],
                page=number,
                label=row.label,
                snippet=cut.text,
                highlights=[list(h) for h in cut.highlights],
                rects=[list(r) for r in rects],
                score=score,
            )
        )
    return SearchOut(query=q, tokens=tokens, results=results)


# --- Reading receipts --------------------------------------------------------------------


def record_read(actor: User, document_id: int, page: int) -> DocumentRead | None:
    """Note that `actor` has seen a page (members only: receipts are about delegates)."""
    doc, meeting = get_document(actor, document_id)
    _require_ready(doc)
    if not 1 <= page <= doc.page_count:
        raise Invalid("read_page_out_of_range")
    if access.member_of(actor, meeting) is None:
        return None
    now = utcnow()
    row = db.session.get(DocumentRead, (doc.id, actor.id))
    if row is None:
        row = DocumentRead(
            document_id=doc.id, user_id=actor.id, first_opened_at=now, pages=[], max_page=0
        )
        db.session.add(row)
    pages = set(row.pages or [])
    pages.add(page)
    row.pages = sorted(pages)
    row.max_page = max(row.max_page or 0, page)
    row.last_read_at = now
    db.session.flush()
    return row


def list_reads(actor: User, document_id: int) -> ReadListOut:
    """Which members opened the document and how far they read (secretariat, chair)."""
    doc, meeting = get_document(actor, document_id)
    access.require_chair_or_secretariat(actor, meeting)
    member_rows = councils.members(meeting.council_id)
    names = {user.id: user.full_name for _, user in member_rows}
    reads = db.session.scalars(
        sa.select(DocumentRead)
        .where(DocumentRead.document_id == doc.id)
        .order_by(DocumentRead.first_opened_at)
    )
    return ReadListOut(
        document_id=doc.id,
        page_count=doc.page_count,
        members=len(member_rows),
        reads=[
            ReaderOut(
                user_id=r.user_id,
                full_name=names[r.user_id],
                first_opened_at=r.first_opened_at,
                last_read_at=r.last_read_at,
                pages_read=len(r.pages or []),
                max_page=r.max_page,
            )
            for r in reads
            if r.user_id in names
        ],
    )


# --- Follow the chair --------------------------------------------------------------------


def set_follow(actor: User, meeting_id: int, document_id: int | None, page: int) -> Meeting:
    """Ask tablets to open a published document of this meeting at a page, or stop."""
    meeting = access.get_meeting_for(actor, meeting_id)
    access.require_chair_or_secretariat(actor, meeting)
    if document_id is not None:
        doc = db.session.get(Document, document_id)
        if doc is None or doc.meeting_id != meeting.id:
            raise NotFound("document_not_found")
        if doc.published_at is None:
            raise Conflict("document_not_published")
        _require_ready(doc)
        if not 1 <= page <= doc.page_count:
            raise Invalid("read_page_out_of_range")
    return meetings.set_follow(actor, meeting, document_id, page)
