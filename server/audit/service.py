"""Append to the audit chain and verify it.

Each entry's hash covers its fields and the previous entry's hash; each hash is signed with
a key kept outside the database (server/audit/keys.py), so rewriting an entry and the
hashes after it no longer verifies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from server.audit import keys
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
    entry.signature = keys.sign(signing_key(), entry.hash)
    db.session.add(entry)
    head.last_id = entry.id
    head.last_hash = entry.hash
    db.session.flush()
    return entry


def signing_key() -> Ed25519PrivateKey:
    return keys.signing_key(str(current_app.config["AUDIT_KEY_FILE"]))


@dataclass(frozen=True)
class ChainReport:
    entries: int
    #: The id of the first entry whose hash, link or signature does not check, or None.
    first_broken_id: int | None
    reason: str | None
    #: Entries from before signing began (a prefix of the chain, kept as they were).
    unsigned: int = 0

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(public_key: Ed25519PublicKey | None = None) -> ChainReport:
    """Recompute every hash in order, check each link, each signature and the head.

    Only a prefix of the chain may be unsigned (entries written before signing began): once
    one entry is signed, every later one must be, with `public_key` (default: this
    instance's key).
    """
    verifier = public_key or signing_key().public_key()
    prev = GENESIS_HASH
    count = 0
    unsigned = 0
    signed_seen = False
    expected_id = 1
    for entry in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).yield_per(500):
        count += 1
        if entry.id != expected_id:
            return ChainReport(count, entry.id, f"entry {expected_id} is missing", unsigned)
        if entry.prev_hash != prev:
            return ChainReport(count, entry.id, "link to the previous entry is broken", unsigned)
        if entry_hash(prev, entry) != entry.hash:
            return ChainReport(count, entry.id, "content does not match its hash", unsigned)
        if entry.signature is None:
            if signed_seen:
                return ChainReport(count, entry.id, "signature is missing", unsigned)
            unsigned += 1
        elif not keys.verifies(verifier, entry.hash, entry.signature):
            return ChainReport(count, entry.id, "signature does not verify", unsigned)
        else:
            signed_seen = True
        prev = entry.hash
        expected_id += 1
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.last_hash != prev or head.last_id != count):
        return ChainReport(count, count + 1, "entries after the last one were removed", unsigned)
    return ChainReport(count, None, None, unsigned)


#: The shortest published hash that names an entry: the hall display shows 16 hex digits.
SHORTEST_HEAD = 16


def find(published: str) -> AuditEntry | None:
    """The entry a published hash names: the whole hash (a result sheet, the minutes) or its
    first 16 hex digits or more (the hall display), spaces and case as written. None when
    no entry, or more than one, has it."""
    digits = "".join(published.split()).lower()
    if len(digits) < SHORTEST_HEAD or any(c not in "0123456789abcdef" for c in digits):
        return None
    found = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.hash.startswith(digits, autoescape=True)).limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def decision_of(action: str, subject: str) -> AuditEntry | None:
    """The last entry of `action` about `subject` (e.g. "vote.closed", "motion:12")."""
    return db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.action == action, AuditEntry.subject == subject)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def entries_for_meeting(
    meeting_id: int, *, action: str | None = None, action_prefix: str | None = None
) -> list[AuditEntry]:
    """A meeting's entries in chain order (only those of `action`, or whose action starts
    with `action_prefix`, when given)."""
    query = sa.select(AuditEntry).where(AuditEntry.meeting_id == meeting_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if action_prefix is not None:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def head() -> tuple[int, str]:
    """(number of entries, hash of the last one): the end of the chain as it stands."""
    row = db.session.get(AuditHead, 1)
    return (row.last_id, row.last_hash) if row is not None else (0, GENESIS_HASH)
