"""Comments (góp ý) of delegates on a session's documents, and the secretariat's answers.

Who sees a comment: the session's staff (secretariat, chair; admins) always, its author,
and, when the author chose `visibility: "all"`, every member (delegate) of the council.
Guests and the hall display see none. Not being allowed to see a comment answers 404.

Notices (`comment.created`, `comment.updated`) go to the staff room, to the author's own
devices and, for comments open to all, to each member's personal room; never on the
meeting stream, which guests and the hall display also receive.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from server.accounts.models import User
from server.annotations import summary
from server.annotations.geometry import GeometryError, clean_text
from server.annotations.models import Comment, CommentReply, CommentStatus
from server.annotations.schemas import CommentOut, Person, ReplyOut
from server.annotations.services import invalid
from server.api import jsonable
from server.councils import services as councils
from server.db import utcnow
from server.documents import services as documents
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.events.decisions import Notice, decide
from server.events.outbox import staff_room, user_room
from server.extensions import db
from server.meetings import access
from server.meetings import services as meetings
from server.rendering import compose_pdf

if TYPE_CHECKING:
    from server.documents.models import Document
    from server.meetings.models import Meeting

MAX_TEXT = 5_000
MAX_QUOTE = 2_000


# --- Who sees what ----------------------------------------------------------------


def is_staff(user: User, meeting: Meeting) -> bool:
    """Secretariat, chair or admin of the meeting's council: they see every comment."""
    return access.is_staff(user, meeting)


def _reader(user: User, meeting: Meeting) -> bool:
    """True for staff, False for members (who see public comments and their own), else 403."""
    if is_staff(user, meeting):
        return True
    if access.member_of(user, meeting) is not None:
        return False
    raise Forbidden("comments_not_visible")


def _visible_to(user: User, staff: bool) -> Any:
    if staff:
        return sa.true()
    return sa.or_(Comment.visibility == "all", Comment.author_id == user.id)


def _get(actor: User, comment_id: int) -> tuple[Comment, Meeting, bool]:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("comment_not_found")
    try:
        _, meeting = documents.get_document(actor, comment.document_id)
        staff = _reader(actor, meeting)
    except (NotFound, Forbidden):
        raise NotFound("comment_not_found") from None
    if not staff and comment.visibility != "all" and comment.author_id != actor.id:
        raise NotFound("comment_not_found")
    return comment, meeting, staff


# --- JSON -------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _people(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def record_of(meeting_id: int) -> list[Comment]:
    """Every comment of a meeting in the order written (for its archive; no one's view)."""
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(Comment.meeting_id == meeting_id)
            .order_by(Comment.created_at, Comment.id)
        )
    )


def comments_out(rows: list[Comment]) -> list[CommentOut]:
    """Several comments as the API shows them, with their documents and people loaded once."""
    doc_ids = {c.document_id for c in rows}
    docs = documents.documents_by_id(doc_ids)
    names = _people({c.author_id for c in rows} | {r.author_id for c in rows for r in c.replies})
    out = []
    for c in rows:
        doc = docs[c.document_id]
        out.append(
            CommentOut(
                id=c.id,
                client_id=str(c.client_id) if c.client_id else None,
                document_id=c.document_id,
                document_title=doc.title,
                document_version=doc.version,
                meeting_id=c.meeting_id,
                agenda_item_id=doc.agenda_item_id,
                author=Person(id=c.author_id, full_name=names.get(c.author_id, "")),
                page=c.page,
                quote=c.quote,
                text=c.text,
                visibility=c.visibility,
                status=c.status,
                created_at=c.created_at,
                updated_at=c.updated_at,
                status_changed_at=c.status_changed_at,
                replies=[
                    ReplyOut(
                        id=r.id,
                        text=r.text,
                        author=Person(id=r.author_id, full_name=names.get(r.author_id, "")),
                        created_at=r.created_at,
                    )
                    for r in c.replies
                ],
            )
        )
    return out


def comment_out(comment: Comment) -> CommentOut:
    return comments_out([comment])[0]


def _notices(comment: Comment, meeting: Meeting, name: str) -> list[Notice]:
    """Who hears of a comment: the staff, its author's devices, every member for a public one
    (never the meeting stream, which guests and the hall display receive)."""
    payload = {"comment": jsonable(comment_out(comment))}
    rooms = {comment.author_id}
    if comment.visibility == "all":
        rooms |= {user.id for _, user in councils.members(meeting.council_id)}
    return [Notice(staff_room(meeting.id), name, payload)] + [
        Notice(user_room(user_id), name, payload) for user_id in sorted(rooms)
    ]


def _text(value: str | None, limit: int, code: str) -> str | None:
    try:
        return clean_text(value, limit, code)
    except GeometryError as err:
        raise invalid(err) from None


# --- Changes ----------------------------------------------------------------------


def create_comment(
    actor: User,
    document_id: int,
    *,
    text: str,
    page: int | None,
    quote: str | None,
    visibility: str,
    client_id: uuid.UUID | None = None,
) -> tuple[Comment, bool]:
    """A member's comment on a document; (comment, created). A resent client_id is a retry."""
    doc, meeting = documents.get_document(actor, document_id)
    access.require_member(actor, meeting)
    if client_id is not None:
        existing = db.session.scalar(
            sa.select(Comment).where(Comment.author_id == actor.id, Comment.client_id == client_id)
        )
        if existing is not None:
            if existing.document_id != doc.id:
                raise Conflict("comment_client_id_taken")
            return existing, False
    if meeting.status == "closed":
        raise Conflict("meeting_closed")
    clean = _text(text, MAX_TEXT, "comment_text_too_long")
    if clean is None:
        raise Invalid("comment_text_required")
    if page is not None and (doc.kind == "link" or not 1 <= page <= doc.page_count):
        raise Invalid("comment_page_out_of_range")
    now = utcnow()
    comment = Comment(
        document_id=doc.id,
        meeting_id=meeting.id,
        author_id=actor.id,
        client_id=client_id,
        page=page,
        quote=_text(quote, MAX_QUOTE, "comment_quote_too_long"),
        text=clean,
        visibility=visibility,
        status="received",
        created_at=now,
        updated_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    decide(
        "comment.created",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"comment:{comment.id}",
        data={"document_id": doc.id, "page": page, "visibility": visibility},
        notices=_notices(comment, meeting, "comment.created"),
    )
    return comment, True


def _set_status(comment: Comment, actor: User, status: CommentStatus) -> bool:
    if comment.status == status:
        return False
    comment.status = status
    comment.status_changed_at = utcnow()
    comment.status_changed_by_id = actor.id
    return True


def reply_to_comment(actor: User, comment_id: int, *, text: str, status: CommentStatus) -> Comment:
    """The secretariat answers a comment (and sets its status, "answered" by default)."""
    comment, meeting, _ = _get(actor, comment_id)
    access.require_secretariat(actor, meeting)
    clean = _text(text, MAX_TEXT, "comment_text_too_long")
    if clean is None:
        raise Invalid("comment_text_required")
    reply = CommentReply(author_id=actor.id, text=clean, created_at=utcnow())
    comment.replies.append(reply)
    _set_status(comment, actor, status)
    comment.updated_at = utcnow()
    db.session.flush()
    decide(
        "comment.replied",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"comment:{comment.id}",
        data={"reply_id": reply.id, "status": comment.status},
        notices=_notices(comment, meeting, "comment.updated"),
    )
    return comment


def update_comment(actor: User, comment_id: int, *, status: CommentStatus) -> Comment:
    """The secretariat records what became of a comment (received, considered, answered)."""
    comment, meeting, _ = _get(actor, comment_id)
    access.require_secretariat(actor, meeting)
    if _set_status(comment, actor, status):
        comment.updated_at = utcnow()
        db.session.flush()
        decide(
            "comment.status_changed",
            actor_id=actor.id,
            meeting_id=meeting.id,
            subject=f"comment:{comment.id}",
            data={"status": status},
            notices=_notices(comment, meeting, "comment.updated"),
        )
    return comment


# --- Reading ----------------------------------------------------------------------


def list_comments(actor: User, document_id: int) -> list[Comment]:
    """A document's comments the user may see, oldest first."""
    doc, meeting = documents.get_document(actor, document_id)
    staff = _reader(actor, meeting)
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(Comment.document_id == doc.id, _visible_to(actor, staff))
            .order_by(Comment.created_at, Comment.id)
        )
    )


def _in_agenda_order(
    actor: User, meeting: Meeting, rows: list[Comment]
) -> list[tuple[Document, list[Comment]]]:
    """Comments grouped by document, documents in agenda order (as listDocuments)."""
    docs, _ = documents.list_documents(actor, meeting.id)
    by_doc: dict[int, list[Comment]] = defaultdict(list)
    for c in rows:
        by_doc[c.document_id].append(c)
    return [(d, by_doc[d.id]) for d in docs if by_doc.get(d.id)]


def list_meeting_comments(
    actor: User, meeting_id: int, *, document_id: int | None, status: str | None
) -> list[Comment]:
    """The session's comments the user may see, by document in agenda order."""
    meeting = access.get_meeting_for(actor, meeting_id)
    staff = _reader(actor, meeting)
    query = sa.select(Comment).where(Comment.meeting_id == meeting.id, _visible_to(actor, staff))
    if document_id is not None:
        query = query.where(Comment.document_id == document_id)
    if status is not None:
        query = query.where(Comment.status == status)
    rows = list(db.session.scalars(query.order_by(Comment.created_at, Comment.id)))
    return [c for _, group in _in_agenda_order(actor, meeting, rows) for c in group]


# --- Exports (secretariat and chair) -----------------------------------------------


def _sections(
    actor: User, meeting_id: int, document_id: int | None
) -> tuple[Meeting, str, list[summary.Section]]:
    meeting = access.get_meeting_for(actor, meeting_id)
    access.require_chair_or_secretariat(actor, meeting)
    scope = "Toàn kỳ họp"
    query = sa.select(Comment).where(Comment.meeting_id == meeting.id)
    if document_id is not None:
        doc, doc_meeting = documents.get_document(actor, document_id)
        if doc_meeting.id != meeting.id:
            raise NotFound("document_not_found")
        scope = f"Tài liệu: {doc.title}"
        query = query.where(Comment.document_id == doc.id)
    rows = list(db.session.scalars(query.order_by(Comment.created_at, Comment.id)))
    agenda = {item.id: f"{item.number}. {item.title}" for item in meetings.agenda(meeting)}
    names = _people({c.author_id for c in rows} | {r.author_id for c in rows for r in c.replies})
    sections = [
        summary.Section(
            agenda=agenda.get(doc.agenda_item_id or -1, ""),
            document=doc.title,
            version=doc.version,
            entries=[
                summary.Entry(
                    author=names.get(c.author_id, ""),
                    text=c.text,
                    page=c.page,
                    quote=c.quote,
                    visibility=c.visibility,
                    status=c.status,
                    created=c.created_at,
                    replies=[
                        summary.Reply(names.get(r.author_id, ""), r.text, r.created_at)
                        for r in c.replies
                    ],
                )
                for c in group
            ],
        )
        for doc, group in _in_agenda_order(actor, meeting, rows)
    ]
    return meeting, scope, sections


def _export_name(meeting: Meeting, suffix: str) -> str:
    return f"gop-y-ky-hop-{meeting.id}-{utcnow().astimezone(summary.VIETNAM):%Y%m%d-%H%M}.{suffix}"


def comments_csv(actor: User, meeting_id: int, document_id: int | None) -> tuple[bytes, str]:
    """Every comment of the session (or of one document) as a CSV table, and a file name."""
    meeting, _, sections = _sections(actor, meeting_id, document_id)
    return summary.csv_bytes(sections), _export_name(meeting, "csv")


@dataclass(frozen=True)
class SummaryJob:
    args: dict[str, Any]
    filename: str


def prepare_comments_pdf(actor: User, meeting_id: int, document_id: int | None) -> SummaryJob:
    """The HTML of the PDF summary and where the worker writes it (plain values)."""
    meeting, scope, sections = _sections(actor, meeting_id, document_id)
    heading = summary.Heading(
        council=meeting.council.name, meeting=meeting.title, generated=utcnow(), scope=scope
    )
    return SummaryJob(
        args={
            "html": summary.summary_html(heading, sections),
            "css": summary.SUMMARY_CSS,
            "title": f"Tổng hợp góp ý — {meeting.title}",
            "author": actor.full_name,
        },
        filename=_export_name(meeting, "pdf"),
    )


def run_comments_pdf(job: SummaryJob) -> bytes:
    """Lay out the summary in a PDF worker (call outside any transaction)."""
    return compose_pdf(job.args, failed="comments_export_failed")
