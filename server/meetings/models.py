"""Sessions (meetings) of a council, the agenda, attendance and speakers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, known, utcnow
from server.meetings.kinds import (
    AgendaKind,
    AgendaStatus,
    AttendanceMethod,
    AttendanceState,
    MeetingStatus,
    SpeakerKind,
    SpeakerStatus,
)

if TYPE_CHECKING:
    from server.councils.models import Council


class Meeting(Base):
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
    status: Mapped[MeetingStatus] = mapped_column(sa.String(20), default="draft")
    #: The item under discussion. No foreign key: agenda items also point at meetings,
    #: and deleting an item clears this in the service.
    current_agenda_item_id: Mapped[int | None]
    #: "Follow the chair": the document and page every tablet is asked to show, if any.
    follow_document_id: Mapped[int | None]
    follow_page: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    council: Mapped[Council] = relationship(lazy="joined")

    __table_args__ = (known("status", MeetingStatus, "known_status"),)


class AgendaItem(Base):
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
    kind: Mapped[AgendaKind] = mapped_column(sa.String(20), default="other")
    presenter: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: Planned start, shown in the programme.
    planned_at: Mapped[datetime | None]
    #: "pending", "done" (the current item is on the meeting).
    status: Mapped[AgendaStatus] = mapped_column(sa.String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (known("status", AgendaStatus, "known_status"),)


class Attendance(Base):
    """A member's attendance at a meeting; no row means not yet checked in."""

    __tablename__ = "attendance"

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: "present" (in the hall), "online", "excused" (absent with a reason), "absent".
    state: Mapped[AttendanceState] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    #: How it was recorded: "self", "qr" (scanned the hall code), "secretariat".
    method: Mapped[AttendanceMethod] = mapped_column(sa.String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    checked_in_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        known("state", AttendanceState, "known_state"),
        known("method", AttendanceMethod, "known_method"),
    )


class SpeakerRequest(Base):
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
    kind: Mapped[SpeakerKind] = mapped_column(sa.String(20), default="debate")
    #: For a question: whom it is addressed to.
    addressee: Mapped[str | None] = mapped_column(sa.String(300))
    #: "waiting", "speaking", "done", "withdrawn".
    status: Mapped[SpeakerStatus] = mapped_column(sa.String(20), default="waiting")
    #: Order in the queue; the chair may change it.
    position: Mapped[int] = mapped_column(default=0)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    spoken_seconds: Mapped[int | None]

    __table_args__ = (
        known("kind", SpeakerKind, "known_kind"),
        known("status", SpeakerStatus, "known_status"),
        sa.Index("ix_speaker_requests_item_status", "agenda_item_id", "status"),
    )
