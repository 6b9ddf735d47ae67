"""Annotations: private to their author, on documents the author may read.

Every change of one user's annotations takes the next number of that user's change
counter (`annotation_cursors`), whose row stays locked until the change commits: one
user's changes commit one at a time and in the order of their numbers, so a device that
asks for the changes after cursor N (`since`) never misses one. Changes are also sent
live to the author's own devices (the user's personal room), never to anyone else.

Nobody reads another user's annotations: each lookup is by the acting user, and an
annotation that is not theirs is "not found" (even for an admin). Lists are in listing.py,
exports in exports.py.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from server.accounts.models import Role, User
from server.annotations import anchoring
from server.annotations.geometry import (
    LIMITS,
    TEXT_MARKUP,
    GeometryError,
    PageSize,
    bounding_box,
    check_color,
    check_geometry,
    clean_text,
    point_count,
)
from server.annotations.models import Annotation
from server.annotations.schemas import AnnotationOut, ChangeResult, PlacementOut, ReanchorOut
from server.api import jsonable
from server.councils import access as council_access
from server.db import upsert_insert, utcnow
from server.documents import services as documents
from server.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from server.events.outbox import notify, user_room
from server.extensions import db

if TYPE_CHECKING:
    from server.documents.models import Document
    from server.meetings.models import Meeting

#: Live annotations one user may keep on one document.
MAX_PER_DOCUMENT = 10_000
#: Ink points one user may keep on one document, all drawings together.
INK_BUDGET = 500_000
#: The largest request body the annotation writes read: a drawing at its limit is ~200 KB,
#: far past the 64 KB every other route reads (api.operation's max_body).
MAX_BODY_BYTES = 2 * 1024 * 1024
#: Who annotates a council's documents: everyone who reads them, but the hall display.
ANNOTATORS = (Role.DELEGATE, Role.GUEST, Role.CHAIR, Role.SECRETARY)

_LOCK_CURSOR = sa.text(
    "INSERT INTO annotation_cursors (user_id, last_seq) VALUES (:user_id, 0) "
    "ON CONFLICT (user_id) DO UPDATE SET last_seq = annotation_cursors.last_seq "
    "RETURNING last_seq"
)
_NEXT_SEQ = sa.text(
    "UPDATE annotation_cursors SET last_seq = last_seq + 1 WHERE user_id = :user_id "
    "RETURNING last_seq"
)


def require_annotator(actor: User, meeting: Meeting) -> None:
    """403 unless `actor` holds a reading role in the meeting's council (not the display)."""
    if not council_access.holds(actor, meeting.council_id, *ANNOTATORS):
        raise Forbidden("forbidden")


def lock_cursor(user_id: int) -> None:
    """Take the user's change counter (created at 0 if new) until commit: one change of
    this user's annotations at a time, committed in the order of their numbers."""
    db.session.execute(_LOCK_CURSOR, {"user_id": user_id})


def next_seq(user_id: int) -> int:
    """The user's next change number (after lock_cursor, in the same transaction)."""
    return int(db.session.execute(_NEXT_SEQ, {"user_id": user_id}).scalar_one())


def cursor_of(user_id: int) -> int:
    value = db.session.scalar(
        sa.text("SELECT last_seq FROM annotation_cursors WHERE user_id = :u"), {"u": user_id}
    )
    return int(value or 0)


# --- JSON ----------------------------------------------------------------------------


def annotation_out(row: Annotation) -> AnnotationOut:
    """An annotation as the API shows it (a tombstone has `deleted: true` and no content).
    Lists are written by the database in the same shape (listing.py)."""
    return AnnotationOut(
        id=str(row.id),
        document_id=row.document_id,
        meeting_id=row.meeting_id,
        page=row.page,
        kind=row.kind,
        geometry=row.geometry or {},
        color=row.color,
        text=row.text,
        quote=row.quote,
        version=row.version,
        deleted=row.deleted_at is not None,
        seq=row.seq,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


# --- Checks --------------------------------------------------------------------------


def invalid(err: GeometryError) -> Invalid:
    """The 422 for a value the client must fix."""
    result = Invalid(err.code)
    result.params = dict(err.params)
    return result


def _own(actor: User, annotation_id: uuid.UUID) -> Annotation:
    row = db.session.get(Annotation, annotation_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("annotation_not_found")
    return row


@dataclass(frozen=True)
class Content:
    """What an annotation says, checked and normalised."""

    geometry: dict[str, Any]
    color: str
    text: str | None
    quote: str | None


@dataclass(frozen=True)
class PageInfo:
    """A page's size, without its words (loaded only when an anchor needs them)."""

    document_id: int
    number: int
    width: float
    height: float
    #: The sanitised file's hash: a processed page's words never change under it.
    pdf_sha256: str
    #: Its text may be handed out (Document.extractable): not for a confidential document.
    extractable: bool = True


def _page(actor: User, document_id: int, number: int) -> tuple[Document, PageInfo]:
    """The document if `actor` may read it, with one of its pages (404 when none)."""
    doc, meeting = documents.get_document(actor, document_id)
    require_annotator(actor, meeting)
    require_pages(doc)
    size = documents.page_size(doc.id, number)
    if size is None:
        raise NotFound("document_page_not_found")
    assert doc.pdf_sha256 is not None
    return doc, PageInfo(doc.id, number, size[0], size[1], doc.pdf_sha256, doc.extractable)


_words: OrderedDict[tuple[int, int, str], list[anchoring.Word]] = OrderedDict()
_words_lock = threading.Lock()
WORDS_CACHED = 256


def page_words(page: PageInfo) -> list[anchoring.Word]:
    """The page's words, parsed; recently used pages are kept (they never change)."""
    key = (page.document_id, page.number, page.pdf_sha256)
    with _words_lock:
        cached = _words.get(key)
        if cached is not None:
            _words.move_to_end(key)
            return cached
    raw = documents.words_json(page.document_id, page.number)
    words = anchoring.parse_words(raw or "[]")
    with _words_lock:
        _words[key] = words
        while len(_words) > WORDS_CACHED:
            _words.popitem(last=False)
    return words


def _check(
    kind: str,
    page: PageInfo,
    *,
    geometry: Any,
    color: str | None,
    text: str | None,
    quote: str | None,
) -> Content:
    try:
        return Content(
            geometry=check_geometry(kind, geometry, PageSize(page.width, page.height)),
            color=check_color(color, kind),
            text=clean_text(text, LIMITS.max_text),
            quote=clean_text(quote, LIMITS.max_quote, "annotation_quote_too_long"),
        )
    except GeometryError as err:
        raise invalid(err) from None


def _anchor(kind: str, content: Content, page: PageInfo) -> tuple[str | None, dict[str, Any]]:
    """The stored quote and its anchor (context and box on the page)."""
    markup = kind in TEXT_MARKUP
    if content.quote is None and not (markup and page.extractable):
        # The words under a mark are the page's text, which a confidential document never
        # hands out (documents.require_extractable): a mark drawn without a quote keeps none,
        # or a highlight over the whole page would answer with its text.
        return None, {}
    rects = [tuple(r) for r in content.geometry.get("rects", [])] if markup else []
    found = anchoring.anchor(
        markup,
        content.quote,
        rects,
        bounding_box(kind, content.geometry),
        page.number,
        page_words(page),
    )
    if found is None:
        return content.quote, {}
    quote = found.quote
    if len(quote) > LIMITS.max_quote:
        quote = quote[: LIMITS.max_quote].rsplit(" ", 1)[0]
    return quote, {
        "prefix": found.prefix,
        "suffix": found.suffix,
        "box": list(found.box) if found.box else None,
    }


def _mine_on(actor: User, document_id: int) -> Any:
    return sa.and_(
        Annotation.user_id == actor.id,
        Annotation.document_id == document_id,
        Annotation.deleted_at.is_(None),
    )


def _check_count(actor: User, document_id: int) -> None:
    """Refuse a new annotation past the per-document count."""
    count = db.session.scalar(sa.select(sa.func.count()).where(_mine_on(actor, document_id)))
    if (count or 0) >= MAX_PER_DOCUMENT:
        raise Conflict("annotations_per_document_limit", limit=MAX_PER_DOCUMENT)


def _check_ink(actor: User, document_id: int, adding: int, replacing: int = 0) -> None:
    """Refuse ink past the per-document budget (`replacing`: points the change removes)."""
    if adding <= replacing:
        return
    used = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Annotation.points), 0)).where(
            _mine_on(actor, document_id)
        )
    )
    if int(used or 0) - replacing + adding > INK_BUDGET:
        raise Conflict("annotation_ink_budget", limit=INK_BUDGET)


# --- Changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAnnotation:
    id: uuid.UUID
    page: int
    kind: str
    geometry: Any
    color: str | None
    text: str | None
    quote: str | None


def create_annotation(actor: User, document_id: int, new: NewAnnotation) -> tuple[Annotation, bool]:
    """Create an annotation under the client's id; (annotation, created).

    The same id again from its author is a retry or a replay: the annotation as it
    stands is returned and nothing changes. The id of another user's annotation is
    refused (409) without saying anything about it.
    """
    lock_cursor(actor.id)
    owner = db.session.execute(
        sa.select(Annotation.user_id, Annotation.document_id).where(Annotation.id == new.id)
    ).first()
    if owner is not None:
        if owner.user_id != actor.id or owner.document_id != document_id:
            raise Conflict("annotation_id_taken")
        documents.get_document(actor, document_id)
        existing = db.session.get(Annotation, new.id)
        assert existing is not None
        return existing, False
    doc, page = _page(actor, document_id, new.page)
    content = _check(
        new.kind, page, geometry=new.geometry, color=new.color, text=new.text, quote=new.quote
    )
    points = point_count(new.kind, content.geometry)
    _check_count(actor, doc.id)
    _check_ink(actor, doc.id, points)
    quote, anchor = _anchor(new.kind, content, page)
    now = utcnow()
    values = {
        "id": new.id,
        "user_id": actor.id,
        "document_id": doc.id,
        "meeting_id": doc.meeting_id,
        "page": page.number,
        "kind": new.kind,
        "geometry": content.geometry,
        "color": content.color,
        "text": content.text,
        "quote": quote,
        "anchor": anchor,
        "points": points,
        "version": 1,
        "seq": next_seq(actor.id),
        "created_at": now,
        "updated_at": now,
    }
    insert = upsert_insert(db.session)
    added = db.session.execute(
        insert(Annotation).values(**values).on_conflict_do_nothing().returning(Annotation.id)
    ).first()
    if added is None:
        # The same id created at this instant by another user (this user's own creates
        # queue on the counter row): refused like any taken id.
        raise Conflict("annotation_id_taken")
    row = Annotation(**values)
    notify(user_room(actor.id), "annotation.created", {"annotation": jsonable(annotation_out(row))})
    return row, True


_UNSET: Any = object()


def update_annotation(
    actor: User,
    annotation_id: uuid.UUID,
    version: int,
    *,
    geometry: Any = _UNSET,
    color: Any = _UNSET,
    text: Any = _UNSET,
    quote: Any = _UNSET,
) -> tuple[Annotation, bool]:
    """Change an annotation made at `version`; (annotation, changed).

    A change made on an older version is refused (409, the current annotation in the
    error's `current`) unless it asks for what the annotation already is (a retried
    request), which answers the annotation as it stands.
    """
    lock_cursor(actor.id)
    row = _own(actor, annotation_id)
    _, page = _page(actor, row.document_id, row.page)
    if row.deleted_at is not None:
        raise Conflict("annotation_deleted", data={"current": jsonable(annotation_out(row))})
    content = _check(
        row.kind,
        page,
        geometry=row.geometry if geometry is _UNSET else geometry,
        color=row.color if color is _UNSET else color,
        text=row.text if text is _UNSET else text,
        quote=row.quote if quote is _UNSET else quote,
    )
    same = (
        content.geometry == (row.geometry or {})
        and content.color == row.color
        and content.text == row.text
        and (quote is _UNSET or content.quote == row.quote)
    )
    if same:
        return row, False
    if version != row.version:
        raise Conflict(
            "annotation_version_conflict", data={"current": jsonable(annotation_out(row))}
        )
    points = point_count(row.kind, content.geometry)
    _check_ink(actor, row.document_id, points, replacing=row.points)
    moved = content.geometry != (row.geometry or {})
    if moved or quote is not _UNSET:
        if quote is _UNSET and row.kind in TEXT_MARKUP:
            # The marks cover other words now: the quote is taken from them.
            content = replace(content, quote=None)
        row.quote, row.anchor = _anchor(row.kind, content, page)
    row.geometry = content.geometry
    row.color = content.color
    row.text = content.text
    row.points = points
    row.version += 1
    row.seq = next_seq(actor.id)
    row.updated_at = utcnow()
    db.session.flush()
    notify(user_room(actor.id), "annotation.updated", {"annotation": jsonable(annotation_out(row))})
    return row, True


def delete_annotation(
    actor: User, annotation_id: uuid.UUID, version: int | None = None
) -> tuple[Annotation, bool]:
    """Delete an annotation, keeping a tombstone; deleting it again changes nothing."""
    lock_cursor(actor.id)
    row = _own(actor, annotation_id)
    _, meeting = documents.get_document(actor, row.document_id)
    require_annotator(actor, meeting)
    if row.deleted_at is not None:
        return row, False
    if version is not None and version != row.version:
        raise Conflict(
            "annotation_version_conflict", data={"current": jsonable(annotation_out(row))}
        )
    now = utcnow()
    row.deleted_at = now
    row.updated_at = now
    row.geometry = {}
    row.text = None
    row.quote = None
    row.anchor = {}
    row.points = 0
    row.version += 1
    row.seq = next_seq(actor.id)
    db.session.flush()
    notify(user_room(actor.id), "annotation.deleted", {"annotation": jsonable(annotation_out(row))})
    return row, True


@dataclass(frozen=True)
class CreateChange:
    document_id: int
    new: NewAnnotation


@dataclass(frozen=True)
class UpdateChange:
    annotation_id: uuid.UUID
    version: int
    fields: dict[str, Any]


@dataclass(frozen=True)
class DeleteChange:
    annotation_id: uuid.UUID
    version: int | None


#: One change of an offline queue.
Change = CreateChange | UpdateChange | DeleteChange


#: Changes one batch may hold.
MAX_BATCH = 500


def apply_changes(actor: User, changes: list[Change]) -> list[ChangeResult]:
    """Apply a queue of changes in order, each exactly as its own request would.

    One failing change does not stop the others: its result carries the error (every
    refusal happens before the change writes anything). Results come in the same order.
    """
    results: list[ChangeResult] = []
    replayed: bool | None
    for change in changes:
        try:
            if isinstance(change, CreateChange):
                row, created = create_annotation(actor, change.document_id, change.new)
                status, replayed = 201, not created
            elif isinstance(change, UpdateChange):
                row, _ = update_annotation(
                    actor, change.annotation_id, change.version, **change.fields
                )
                status, replayed = 200, None
            else:
                row, _ = delete_annotation(actor, change.annotation_id, change.version)
                status, replayed = 200, None
        except DomainError as err:
            results.append(
                ChangeResult(status=err.status, annotation=None, replayed=None, error=err.to_dict())
            )
            continue
        results.append(
            ChangeResult(
                status=status, annotation=annotation_out(row), replayed=replayed, error=None
            )
        )
    return results


# --- Versions ------------------------------------------------------------------------


def require_pages(doc: Document) -> None:
    """409 unless the document is a processed PDF (not a link, not still processing)."""
    if doc.kind == "link":
        raise Conflict("document_is_link")
    if doc.status != "ready" or not doc.pdf_sha256:
        raise Conflict("document_not_ready")


def reanchored(actor: User, document_id: int) -> ReanchorOut:
    """The user's annotations on earlier versions, placed on this version by their quotes."""
    doc, meeting = documents.get_document(actor, document_id)
    require_annotator(actor, meeting)
    require_pages(doc)
    older: dict[int, Document] = {}
    for candidate in documents.earlier_versions(doc):
        try:
            documents.get_document(actor, candidate.id)
        except NotFound:
            continue
        older[candidate.id] = candidate
    if not older:
        return ReanchorOut(document_id=doc.id, version=doc.version, placements=[])
    rows = list(
        db.session.scalars(
            sa.select(Annotation)
            .where(
                Annotation.user_id == actor.id,
                Annotation.document_id.in_(list(older)),
                Annotation.deleted_at.is_(None),
            )
            .order_by(Annotation.document_id, Annotation.page, Annotation.created_at)
        )
    )
    if not rows:
        return ReanchorOut(document_id=doc.id, version=doc.version, placements=[])
    corpus = anchoring.Corpus(documents.all_words_json(doc.id))
    placements = []
    for row in rows:
        anchor = row.anchor or {}
        box = anchor.get("box")
        old_box = (
            (box[0], box[1], box[2], box[3]) if isinstance(box, list) and len(box) == 4 else None
        )
        carried = anchoring.carry(
            corpus,
            quote=row.quote,
            prefix=str(anchor.get("prefix") or ""),
            suffix=str(anchor.get("suffix") or ""),
            page=row.page,
            box=old_box,
        )
        placements.append(
            PlacementOut(
                annotation=annotation_out(row),
                from_document_id=row.document_id,
                from_version=older[row.document_id].version,
                status=carried.status,
                page=carried.page,
                rects=[list(r) for r in carried.rects],
                offset=list(carried.offset) if carried.offset is not None else None,
            )
        )
    return ReanchorOut(document_id=doc.id, version=doc.version, placements=placements)
