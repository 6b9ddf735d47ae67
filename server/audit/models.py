"""The append-only, hash-chained record of decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class AuditEntry(Base):
    """One decision; `hash` covers this entry's fields and the previous entry's hash.

    The migration adds triggers that refuse UPDATE and DELETE on this table.
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created_at: Mapped[datetime]
    actor_id: Mapped[int | None]
    #: Dotted name, e.g. "vote.closed", "agenda.current".
    action: Mapped[str] = mapped_column(sa.String(80))
    meeting_id: Mapped[int | None] = mapped_column(index=True)
    #: What the action was about, e.g. "motion:12".
    subject: Mapped[str | None] = mapped_column(sa.String(100))
    data: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Ed25519 signature of `hash`, base64, by the key kept outside the database
    #: (server/audit/keys.py); None only for entries written before signing began.
    signature: Mapped[str | None] = mapped_column(sa.String(88))


class AuditHead(Base):
    """The single row holding the end of the chain; locking it orders concurrent appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64))
