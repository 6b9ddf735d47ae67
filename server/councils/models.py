"""Councils and the people attached to them (memberships)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, known, utcnow

CouncilLevel = Literal["province", "commune", "national"]


class Council(Base):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Full name, e.g. "Hội đồng nhân dân tỉnh Đắk Lắk".
    name: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[CouncilLevel] = mapped_column(sa.String(20), default="province")
    #: Term, e.g. "Khóa X, nhiệm kỳ 2021-2026".
    term: Mapped[str | None] = mapped_column(sa.String(100))
    #: Rules of procedure that vary between councils; see councils.settings.CouncilSettings.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (known("level", CouncilLevel, "known_level"),)


class CouncilMembership(Base):
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
