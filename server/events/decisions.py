"""A decision: its entry in the audit chain and what the room hears of it, together.

Every change the record must keep (a vote opened or closed, a document published, a role
given, a member checked in by the secretariat) goes through `decide`: the audit entry and
the event (or notices) are written in the caller's transaction, so either both are kept and
sent after the commit, or neither. It is Indico's "operation sends a signal, the log
listens", without a signal library: one call at each site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from server.audit import service as audit
from server.audit.models import AuditEntry
from server.events.outbox import notify, publish


@dataclass(frozen=True)
class Notice:
    """A message to one room outside the meeting's numbered stream (see `outbox.notify`)."""

    room: str
    name: str
    payload: dict[str, Any] = field(default_factory=dict)


def decide(
    action: str,
    *,
    actor_id: int | None,
    meeting_id: int | None = None,
    subject: str | None = None,
    data: Mapping[str, Any] | None = None,
    events: Sequence[tuple[str, dict[str, Any]]] = (),
    notices: Sequence[Notice] = (),
    stamp: bool = False,
) -> AuditEntry:
    """Record `action` in the audit chain; publish `events` (name, payload) to the meeting's
    room, each under its next seq, and send `notices`: all once the transaction commits.

    `stamp`: the events carry the entry's id and hash (`audit`), so the room sees, when a
    vote closes, the hash a rewritten chain would no longer have.
    """
    entry = audit.record(
        action, actor_id=actor_id, meeting_id=meeting_id, subject=subject, data=dict(data or {})
    )
    if stamp:
        events = [(name, {**payload, "audit": stamp_of(entry)}) for name, payload in events]
    if events and meeting_id is None:
        raise ValueError(f"{action}: events need the meeting they are published to")
    for name, payload in events:
        assert meeting_id is not None
        publish(meeting_id, name, payload)
    for notice in notices:
        notify(notice.room, notice.name, notice.payload)
    return entry


def stamp_of(entry: AuditEntry) -> dict[str, Any]:
    """What the room is shown of an entry: its place in the chain and its hash."""
    return {"id": entry.id, "hash": entry.hash}
