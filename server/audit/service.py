"""Append to the audit chain and verify it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.audit.models import AuditEntry, AuditHead
from server.db import utcnow
from server.extensions import db

#: prev_hash of the first entry.
GENESIS_HASH = "0" * 64


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 over the previous hash and this entry's canonical JSON."""
    body = {
        "id": entry.id,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "meeting_id": entry.meeting_id,
        "subject": entry.subject,
        "data": entry.data,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def record(
    action: str,
    *,
    actor_id: int | None,
    meeting_id: int | None = None,
    subject: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry in the current transaction; the head row lock orders appends."""
    head = db.session.execute(
        sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    entry = AuditEntry(
        id=head.last_id + 1,
        created_at=utcnow(),
        actor_id=actor_id,
        action=action,
        meeting_id=meeting_id,
        subject=subject,
        data=data or {},
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(head.last_hash, entry)
    db.session.add(entry)
    head.last_id = entry.id
    head.last_hash = entry.hash
    db.session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    entries: int
    #: The id of the first entry whose hash or link does not check, or None.
    first_broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> ChainReport:
    """Recompute every hash in order and check each link and the head."""
    prev = GENESIS_HASH
    count = 0
    expected_id = 1
    for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).yield_per(500):
        count += 1
        if entry.id != expected_id:
            return ChainReport(count, entry.id, f"entry {expected_id} is missing")
        if entry.prev_hash != prev:
            return ChainReport(count, entry.id, "link to the previous entry is broken")
        if entry_hash(prev, entry) != entry.hash:
            return ChainReport(count, entry.id, "content does not match its hash")
        prev = entry.hash
        expected_id += 1
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.last_hash != prev or head.last_id != count):
        return ChainReport(count, count + 1, "entries after the last one were removed")
    return ChainReport(count, None, None)


def entries_for_meeting(meeting_id: int, *, action: str | None = None) -> list[AuditEntry]:
    """A meeting's entries in chain order (only those of `action`, when given)."""
    query = sa.select(AuditEntry).where(AuditEntry.meeting_id == meeting_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def head() -> tuple[int, str]:
    """(number of entries, hash of the last one): the end of the chain as it stands."""
    row = db.session.get(AuditHead, 1)
    return (row.last_id, row.last_hash) if row is not None else (0, GENESIS_HASH)
