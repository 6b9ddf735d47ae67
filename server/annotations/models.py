"""Private annotations (with their per-user change cursor) and comments on documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.annotations.geometry import AnnotationKind
from server.db import Base, known, utcnow

Visibility = Literal["secretariat", "all"]
CommentStatus = Literal["received", "considered", "answered"]


class Annotation(Base):
    """One user's annotation on a page of one document version; only its author reads it.

    The id is the client's own UUID, so a retried or replayed create never makes two.
    A deletion keeps the row as a tombstone (`deleted_at` set, content cleared) so that a
    device that was offline learns of it.
    """

    __tablename__ = "annotations"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    #: From 1.
    page: Mapped[int]
    kind: Mapped[AnnotationKind] = mapped_column(sa.String(16))
    #: Points on the unrotated page, top-left origin; shape by kind (geometry.py).
    geometry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: "#rrggbb".
    color: Mapped[str] = mapped_column(sa.String(7))
    #: The note's, text box's or bookmark's text (plain text, shown escaped).
    text: Mapped[str | None] = mapped_column(sa.Text)
    #: The passage the annotation is on, to find it again on a newer version.
    quote: Mapped[str | None] = mapped_column(sa.Text)
    #: {"prefix", "suffix", "box"}: the quote's context and box on its page.
    anchor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Ink points held (counted against the per-document budget).
    points: Mapped[int] = mapped_column(default=0)
    #: 1 when created, + 1 with every change (the deletion included).
    version: Mapped[int] = mapped_column(default=1)
    #: The author's change counter at the last change (listAnnotations `since`).
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    __table_args__ = (
        known("kind", AnnotationKind, "known_kind"),
        sa.UniqueConstraint("user_id", "seq"),
        sa.Index("ix_annotations_user_document_seq", "user_id", "document_id", "seq"),
        sa.Index("ix_annotations_user_meeting_seq", "user_id", "meeting_id", "seq"),
        sa.Index("ix_annotations_document_id", "document_id"),
    )


class AnnotationCursor(Base):
    """Each user's change counter. Its row is locked by every change of that user's
    annotations until commit, so changes commit in the order of their numbers."""

    __tablename__ = "annotation_cursors"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    last_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class Comment(Base):
    """A delegate's comment (góp ý) on a document, optionally on a page and a passage."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: The client's UUID for the comment, when it sent one: a retried send never duplicates.
    client_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    page: Mapped[int | None]
    quote: Mapped[str | None] = mapped_column(sa.Text)
    text: Mapped[str] = mapped_column(sa.Text)
    #: "secretariat" (secretariat and chair only) or "all" (every delegate too).
    visibility: Mapped[Visibility] = mapped_column(sa.String(16), default="secretariat")
    #: "received", "considered" (taken into account) or "answered".
    status: Mapped[CommentStatus] = mapped_column(sa.String(16), default="received")
    status_changed_at: Mapped[datetime | None]
    status_changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    replies: Mapped[list[CommentReply]] = relationship(
        back_populates="comment",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CommentReply.id",
    )

    __table_args__ = (
        known("visibility", Visibility, "known_visibility"),
        known("status", CommentStatus, "known_status"),
        sa.UniqueConstraint("author_id", "client_id"),
        {"sqlite_autoincrement": True},
    )


class CommentReply(Base):
    """The secretariat's answer to a comment."""

    __tablename__ = "comment_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    comment: Mapped[Comment] = relationship(back_populates="replies")

    __table_args__ = ({"sqlite_autoincrement": True},)
