"""Motions, their options, and ballots: linked while a vote is open, anonymous after a secret one.

While a vote is open every ballot sits in `ballots` beside its voter, so a crash loses nothing
and a retry is idempotent (the primary key is the one-ballot-per-delegate guarantee); a secret
vote's are sealed there with a key of that motion kept outside the database (secrecy.py). When
a secret vote closes, one transaction opens them, copies the values into `secret_ballots` in a
shuffled order under random ids, records who took part in `vote_participants`, and deletes the
linked rows; then the key is destroyed. Neither table after close holds a user id next to a
choice, an ordered or time-correlated id, or a timestamp, and what the engine keeps of the
linked rows no key can open. See docs/security.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, known, utcnow
from server.voting.rules import Kind, Rule

MotionStatus = Literal["draft", "open", "closed", "cancelled"]


class Motion(Base):
    """A question put to the vote: a resolution, a confidence rating or an election."""

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: The agenda item voted on; kept (as None) in the record if the item is deleted later.
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(500))
    #: "resolution" (yes / no / abstain), "confidence" (lấy phiếu tín nhiệm) or "election".
    kind: Mapped[Kind] = mapped_column(sa.String(20), default="resolution")
    #: Secret (bỏ phiếu kín): the record shows who took part, never who chose what.
    secret: Mapped[bool] = mapped_column(default=False)
    #: "majority_of_members", "two_thirds_of_members" or "majority_of_present".
    rule: Mapped[Rule] = mapped_column(sa.String(30), default="majority_of_members")
    #: Whether a delegate may change the ballot while the vote is open.
    allow_change: Mapped[bool] = mapped_column(default=True)
    #: The vote closes by itself this many seconds after opening; None: the chair closes it.
    duration_seconds: Mapped[int | None]
    #: Election: seats to fill, which is the most candidates one ballot may mark.
    max_choices: Mapped[int | None]
    #: "draft", "open", "closed", "cancelled".
    status: Mapped[MotionStatus] = mapped_column(sa.String(20), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The chair opened the vote although the quorum was not reached (also in the audit log).
    quorum_overridden: Mapped[bool] = mapped_column(default=False)
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: None when the vote closed by itself at the end of its duration.
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    announced_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    #: The frozen result (Result JSON without names), written once at close.
    result: Mapped[dict[str, Any] | None]
    #: Frozen at close: the members the result was counted against (user ids) ...
    members_snapshot: Mapped[list[Any] | None]
    #: ... and those of them present (checked in, or having voted) when the vote closed.
    present_snapshot: Mapped[list[Any] | None]
    #: Open (named) votes: [{"user_id", "full_name", "choice" | "ballot"}] frozen at close.
    named_record: Mapped[list[Any] | None]
    #: SHA-256 over the sorted canonical ballots the result was counted from.
    ballots_digest: Mapped[str | None] = mapped_column(sa.String(64))
    #: The hash of the close's entry in the audit chain, as the room was shown it (the hall
    #: display, the result sheet, the minutes): a chain rewritten later no longer has it.
    audit_hash: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        known("kind", Kind, "known_kind"),
        known("rule", Rule, "known_rule"),
        known("status", MotionStatus, "known_status"),
        sa.CheckConstraint("kind = 'resolution' OR secret", name="secret_unless_resolution"),
        sa.CheckConstraint(
            "duration_seconds IS NULL OR duration_seconds > 0", name="positive_duration"
        ),
        # At most one vote open per meeting, whatever two chairs' consoles do at once.
        sa.Index(
            "uq_motions_one_open_per_meeting",
            "meeting_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )


class MotionOption(Base):
    """An office holder rated in a confidence vote, or a candidate in an election."""

    __tablename__ = "motion_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("motions.id", ondelete="CASCADE"))
    #: Order on the ballot, from 0.
    position: Mapped[int] = mapped_column(default=0)
    #: Name and office as printed on the ballot.
    label: Mapped[str] = mapped_column(sa.String(300))
    #: The person's account, when they have one.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (sa.UniqueConstraint("motion_id", "position"),)


class Ballot(Base):
    """A delegate's ballot, beside the voter: every ballot of an open vote, and the named
    record of a closed open (non-secret) vote. No timestamps: none are needed, and for a
    secret vote none may exist."""

    __tablename__ = "ballots"

    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    #: The canonical ballot: {"choice"} | {"ratings": {option_id: rating}} | {"choices": [...]};
    #: for a secret vote sealed: {"sealed": base64} (secrecy.py).
    value: Mapped[dict[str, Any]]


class SecretBallot(Base):
    """An anonymous ballot of a closed secret vote: a random id, the motion and the value only.

    Written at close in a shuffled order, all in one transaction. On SQLite the table has no
    rowid (it is clustered by the random id), so not even the storage order follows the votes.
    """

    __tablename__ = "secret_ballots"

    #: 128 random bits, hex; never ordered, never derived from time or a sequence.
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[dict[str, Any]]

    __table_args__ = ({"sqlite_with_rowid": False},)


class VoteParticipant(Base):
    """Who took part in a closed vote (never what they chose), written at close in user order."""

    __tablename__ = "vote_participants"

    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)

    __table_args__ = ({"sqlite_with_rowid": False},)
