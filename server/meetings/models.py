"""Councils, their members, sessions (meetings), the agenda, attendance and speakers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import utcnow
from server.extensions import db


class Council(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Full name, e.g. "Hội đồng nhân dân tỉnh Đắk Lắk".
    name: Mapped[str] = mapped_column(sa.String(200))
    #: "province", "commune" or "national".
    level: Mapped[str] = mapped_column(sa.String(20), default="province")
    #: Term, e.g. "Khóa X, nhiệm kỳ 2021-2026".
    term: Mapped[str | None] = mapped_column(sa.String(100))
    #: Rules of procedure that vary between councils; see meetings.settings.CouncilSettings.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("level IN ('province', 'commune', 'national')", name="known_level"),
    )


class CouncilMembership(db.Model):  # type: ignore[name-defined,misc]
    """A user's place in a council: a member (delegate who counts and votes) or other access."""

    __tablename__ = "council_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("councils.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: True for elected members: they count towards quorum and majorities and may vote.
    is_member: Mapped[bool] = mapped_column(default=False)
    #: Seat number in the hall, for the seating chart.
    seat: Mapped[int | None]
    #: Delegation (tổ đại biểu) the member belongs to.
    group_name: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("council_id", "user_id"),)


class Meeting(db.Model):  # type: ignore[name-defined,misc]
    """A session (kỳ họp) of a council, one or several days."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        sa.ForeignKey("councils.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    location: Mapped[str | None] = mapped_column(sa.String(300))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: "draft" (staff only), "scheduled", "in_progress", "closed".
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    #: The item under discussion. No foreign key: agenda items also point at meetings,
    #: and deleting an item clears this in the service.
    current_agenda_item_id: Mapped[int | None]
    #: "Follow the chair": the document and page every tablet is asked to show, if any.
    follow_document_id: Mapped[int | None]
    follow_page: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    council: Mapped[Council] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('draft', 'scheduled', 'in_progress', 'closed')", name="known_status"
        ),
    )


class AgendaItem(db.Model):  # type: ignore[name-defined,misc]
    """An item of the agenda; items with children are sections."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE")
    )
    #: Order among siblings, from 0.
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(500))
    #: "section", "report", "submission", "resolution", "review", "discussion", "question",
    #: "procedure" or "other".
    kind: Mapped[str] = mapped_column(sa.String(20), default="other")
    presenter: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: Planned start, shown in the programme.
    planned_at: Mapped[datetime | None]
    #: "pending", "done" (the current item is on the meeting).
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("status IN ('pending', 'done')", name="known_status"),)


class Attendance(db.Model):  # type: ignore[name-defined,misc]
    """A member's attendance at a meeting; no row means not yet checked in."""

    __tablename__ = "attendance"

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: "present" (in the hall), "online", "excused" (absent with a reason), "absent".
    state: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    #: How it was recorded: "self", "qr" (scanned the hall code), "secretariat".
    method: Mapped[str] = mapped_column(sa.String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    checked_in_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('present', 'online', 'excused', 'absent')", name="known_state"
        ),
        sa.CheckConstraint("method IN ('self', 'qr', 'secretariat')", name="known_method"),
    )


class SpeakerRequest(db.Model):  # type: ignore[name-defined,misc]
    """A request to speak on an agenda item, in debate or to question an official."""

    __tablename__ = "speaker_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: "debate" (thảo luận) or "question" (chất vấn).
    kind: Mapped[str] = mapped_column(sa.String(20), default="debate")
    #: For a question: whom it is addressed to.
    addressee: Mapped[str | None] = mapped_column(sa.String(300))
    #: "waiting", "speaking", "done", "withdrawn".
    status: Mapped[str] = mapped_column(sa.String(20), default="waiting")
    #: Order in the queue; the chair may change it.
    position: Mapped[int] = mapped_column(default=0)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    spoken_seconds: Mapped[int | None]

    __table_args__ = (
        sa.CheckConstraint("kind IN ('debate', 'question')", name="known_kind"),
        sa.CheckConstraint(
            "status IN ('waiting', 'speaking', 'done', 'withdrawn')", name="known_status"
        ),
        sa.Index("ix_speaker_requests_item_status", "agenda_item_id", "status"),
    )
