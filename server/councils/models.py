"""Councils. The people attached to each (memberships) are part of identity:
server/accounts/models.py."""

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
    #: The session in progress, if any: while it runs the electorate (who is an elected
    #: member, their seats, the staff roles) is changed by the administrator only. Kept by
    #: the meetings feature; not a foreign key (meetings point at councils).
    frozen_by_meeting_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (known("level", CouncilLevel, "known_level"),)
