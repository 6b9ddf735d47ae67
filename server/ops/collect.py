"""Gathering a session's record from the database and storage for the archive.

Runs inside an app context (the `flask session archive` command). Reads through the
features' services with an administrator as the actor, so the archive holds what the
secretariat sees: comments of every visibility, every published version, named records of
open votes, and never a secret ballot's link to its voter (that does not exist after close).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from server import storage
from server.accounts.models import Role, User
from server.annotations import comments as comment_service
from server.api import jsonable
from server.audit.service import entries_for_meeting, entry_hash
from server.councils import services as councils
from server.documents import services as documents
from server.errors import DomainError, NotFound
from server.extensions import db
from server.meetings import access
from server.meetings import services as meetings
from server.ops.archive import (
    ORIGINALS,
    ORIGINALS_README,
    ArchiveContent,
    ArchiveError,
    agenda_html,
    sha256_file,
)
from server.rendering import compose_pdf
from server.voting import services as voting
from server.voting.sheet import VIETNAM, result_sheet_pdf

if TYPE_CHECKING:
    from server.meetings.models import Meeting


def archivist(username: str | None) -> User:
    """The account the archive is read as: `username`, or the first active administrator."""
    query = sa.select(User).where(User.active.is_(True))
    if username:
        query = query.where(User.username == username)
    else:
        query = query.where(User.is_admin.is_(True))
    user = db.session.scalars(query.order_by(User.id)).first()
    if user is None:
        raise ArchiveError(
            f"no active account {username!r}"
            if username
            else "no active administrator account: create one with `flask users create`"
        )
    return user


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: str | None) -> str:
    """e.g. "08:00 ngày 30/11/2026", Vietnam time."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y")


def collect(
    meeting_id: int, actor: User, *, force: bool = False, with_originals: bool = False
) -> ArchiveContent:
    """Everything the archive of one session holds, read from the database and storage.

    The documents are the sanitised PDFs everyone read. `with_originals` adds the uploads as
    received, unsanitised (they may carry scripts, actions, attachments), in a folder of
    their own (`ORIGINALS`) with a warning beside them.
    """
    try:
        meeting = meetings.meeting_by_id(meeting_id)
    except NotFound:
        raise ArchiveError(f"there is no session with id {meeting_id}") from None
    if not access.is_staff(actor, meeting, Role.SECRETARY):
        raise ArchiveError(f"{actor.username} is not on the secretariat of this council")
    complete = meeting.status == "closed"
    if not complete and not force:
        raise ArchiveError(
            f"session {meeting_id} is not closed (status: {meeting.status}); close it first, "
            "or pass --force for a safety copy marked incomplete"
        )
    council = meeting.council
    session = {
        "id": meeting.id,
        "title": meeting.title,
        "location": meeting.location,
        "starts_at": _iso(meeting.starts_at),
        "ends_at": _iso(meeting.ends_at),
        "status": meeting.status,
        "council": {
            "id": council.id,
            "name": council.name,
            "level": council.level,
            "term": council.term,
            "settings": councils.settings_of(council).model_dump(),
        },
    }
    content = ArchiveContent(session=session, complete=complete, with_originals=with_originals)
    if not complete:
        content.warnings.append(
            f"archived while the session was {meeting.status}: not the final record"
        )
    content.add_json("session.json", session)

    agenda = jsonable(meetings.agenda(meeting))
    content.add_json("agenda.json", {"agenda": agenda})

    document_index = _documents(content, meeting, with_originals=with_originals)
    motions = _motions(content, actor, meeting)

    content.add_json("attendance.json", jsonable(meetings.attendance(meeting)))
    content.add_json("speakers.json", {"speakers": jsonable(meetings.speakers(meeting))})

    rows = comment_service.record_of(meeting.id)
    content.add_json("comments.json", {"comments": jsonable(comment_service.comments_out(rows))})

    content.add_json(
        "audit.json",
        {
            "note": (
                "Entries of this session only. Each entry's hash is SHA-256 over its prev_hash "
                "and its canonical JSON (id, created_at, actor_id, action, meeting_id, subject, "
                "data); prev_hash is the hash of the entry before it in the whole chain, which "
                "may belong to another session."
            ),
            "entries": [
                {
                    "id": e.id,
                    "created_at": e.created_at.isoformat(),
                    "actor_id": e.actor_id,
                    "action": e.action,
                    "meeting_id": e.meeting_id,
                    "subject": e.subject,
                    "data": e.data,
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
                for e in entries_for_meeting(meeting.id)
            ],
        },
    )

    by_item_docs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for d in document_index:
        if d["agenda_item_id"] is not None:
            by_item_docs[d["agenda_item_id"]].append(d)
    by_item_motions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in motions:
        if m["agenda_item_id"] is not None:
            by_item_motions[m["agenda_item_id"]].append(m)
    html = agenda_html(
        session, agenda, by_item_docs, by_item_motions, complete=complete, when=_when
    )
    try:
        content.files["agenda.pdf"] = compose_pdf(
            {"html": html, "title": f"Chương trình: {meeting.title}", "author": council.name},
            failed="archive_agenda_failed",
        )
    except DomainError as exc:
        raise ArchiveError(f"the agenda could not be laid out as PDF ({exc.code})") from None
    return content


def _documents(
    content: ArchiveContent, meeting: Meeting, *, with_originals: bool
) -> list[dict[str, Any]]:
    """Every published version: its sanitised PDF (and, if asked, its original apart), and an
    index entry for each."""
    docs = sorted(documents.published_versions(meeting.id), key=lambda d: d.id)
    index = []
    for doc in docs:
        folder = f"{doc.series_id or doc.id}-v{doc.version}"
        entry: dict[str, Any] = {
            "id": doc.id,
            "series_id": doc.series_id or doc.id,
            "version": doc.version,
            "agenda_item_id": doc.agenda_item_id,
            "title": doc.title,
            "kind": doc.kind,
            "url": doc.url,
            "confidential": doc.confidential,
            "filename": doc.filename,
            "page_count": doc.page_count,
            "status": doc.status,
            "published_at": _iso(doc.published_at),
            "original_sha256": doc.original_sha256,
            "pdf_sha256": doc.pdf_sha256,
            "document": None,
            "original": None,
        }
        if doc.pdf_sha256:
            name = f"documents/{folder}/document.pdf"
            if _add_stored(content, name, storage.pdf_path(doc.pdf_sha256), doc.pdf_sha256):
                entry["document"] = name
        if with_originals and doc.original_sha256:
            name = f"{ORIGINALS}/{folder}/original.pdf"
            path = storage.original_path(doc.original_sha256)
            if _add_stored(content, name, path, doc.original_sha256):
                entry["original"] = name
        index.append(entry)
    content.add_json("documents/index.json", {"documents": index})
    if with_originals:
        content.files[f"{ORIGINALS}/README.txt"] = ORIGINALS_README.encode()
    return index


def _add_stored(content: ArchiveContent, name: str, path: Path, sha: str) -> bool:
    """The stored file `path` into the archive as `name`, checked against its SHA-256 `sha`;
    False (and a warning) when it is missing."""
    if not path.is_file():
        content.warnings.append(f"{name}: the stored file {path} is missing")
        content.damaged.append(name)
        return False
    if sha256_file(path) != sha:
        content.warnings.append(f"{name}: the stored file does not match its SHA-256")
        content.damaged.append(name)
    content.files[name] = path
    return True


def _motions(content: ArchiveContent, actor: User, meeting: Meeting) -> list[dict[str, Any]]:
    _, motions = voting.list_motions(actor, meeting.id)
    out = []
    for motion in motions:
        data = jsonable(voting.motion_out(motion, meeting))
        data["result"] = (
            jsonable(voting.result_out(motion, named=True))
            if motion.status == "closed" and motion.result is not None
            else None
        )
        data["ballots_digest"] = motion.ballots_digest
        data["result_sheet"] = None
        if data["result"] is not None:
            pdf, _ = result_sheet_pdf(actor, motion.id)
            name = f"votes/motion-{motion.id}-result.pdf"
            content.files[name] = pdf
            data["result_sheet"] = name
        out.append(data)
    content.add_json("votes/motions.json", {"motions": out})
    return out


def audit_hasher(prev_hash: str, entry: dict[str, Any]) -> str:
    """The audit chain's hash of an archived entry (as server.audit.service computes it)."""
    row = SimpleNamespace(**{k: v for k, v in entry.items() if k not in ("hash", "prev_hash")})
    row.created_at = datetime.fromisoformat(entry["created_at"])
    return entry_hash(prev_hash, row)  # type: ignore[arg-type]
