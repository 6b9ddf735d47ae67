"""Meeting events: numbered and stored in the transaction that causes them, sent after commit.

Services call `publish` (an event every member of the meeting's room sees, with the
meeting's next `seq`, replayable) or `notify` (a notice to one room, such as the
secretariat or one user's devices, outside the numbered stream). Nothing is sent until
the transaction commits, and nothing at all if it rolls back.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from server.events.models import EventStream, MeetingEvent
from server.extensions import db, socketio
from server.observability import EVENT_EMIT_FAILURES, EVENT_EMIT_SECONDS
from server.transaction import Stage, after_commit, scoped

log = logging.getLogger(__name__)

_NEXT_SEQ = sa.text(
    "INSERT INTO event_streams (meeting_id, last_seq) VALUES (:meeting_id, 1) "
    "ON CONFLICT (meeting_id) DO UPDATE SET last_seq = event_streams.last_seq + 1 "
    "RETURNING last_seq"
)


def meeting_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def staff_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:staff"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


@dataclass(frozen=True)
class Outgoing:
    name: str
    payload: dict[str, Any]
    room: str


def _new_outbox() -> list[Outgoing]:
    """The transaction's messages; sent in order once it commits (and only then)."""
    messages: list[Outgoing] = []
    after_commit(lambda: _send(messages), Stage.EVENTS)
    return messages


def _queue(message: Outgoing) -> None:
    scoped("events.outbox", _new_outbox).append(message)


def publish(meeting_id: int, name: str, payload: dict[str, Any]) -> int:
    """Store an event for the meeting's room under the next seq; send it after commit."""
    seq = db.session.execute(_NEXT_SEQ, {"meeting_id": meeting_id}).scalar_one()
    body = {**payload, "meeting_id": meeting_id, "seq": seq}
    db.session.add(MeetingEvent(meeting_id=meeting_id, seq=seq, name=name, payload=body))
    _queue(Outgoing(name, body, meeting_room(meeting_id)))
    return int(seq)


def notify(room: str, name: str, payload: dict[str, Any]) -> None:
    """Send a notice to one room after commit; it has no seq and is not replayed."""
    _queue(Outgoing(name, payload, room))


def send_now(room: str, name: str, payload: dict[str, Any]) -> None:
    """Send at once, outside any transaction (progress of work done elsewhere)."""
    _emit(Outgoing(name, payload, room))


def last_seq(meeting_id: int) -> int:
    value = db.session.scalar(
        sa.text("SELECT last_seq FROM event_streams WHERE meeting_id = :m"), {"m": meeting_id}
    )
    return int(value or 0)


def last_seqs(meeting_ids: list[int]) -> dict[int, int]:
    """The last seq of each of these meetings that has had an event."""
    rows = db.session.execute(
        sa.select(EventStream.meeting_id, EventStream.last_seq).where(
            EventStream.meeting_id.in_(meeting_ids)
        )
    ).all()
    return {int(meeting_id): int(seq) for meeting_id, seq in rows}


def events_since(meeting_id: int, since: int, limit: int) -> list[dict[str, Any]] | None:
    """Events after `since` in order, as sent; None when more than `limit` would be needed."""
    rows = db.session.execute(
        sa.select(MeetingEvent.name, MeetingEvent.payload)
        .where(MeetingEvent.meeting_id == meeting_id, MeetingEvent.seq > since)
        .order_by(MeetingEvent.seq)
        .limit(limit + 1)
    ).all()
    if len(rows) > limit:
        return None
    return [{"name": name, "data": payload} for name, payload in rows]


def _emit(message: Outgoing) -> None:
    started = time.perf_counter()
    try:
        socketio.emit(message.name, message.payload, to=message.room)
    except Exception:
        # The change is committed; clients catch up by seq when the queue is back.
        EVENT_EMIT_FAILURES.inc()
        log.exception("could not send %s to %s", message.name, message.room)
    else:
        EVENT_EMIT_SECONDS.observe(time.perf_counter() - started)


def _send(messages: list[Outgoing]) -> None:
    for message in messages:
        _emit(message)
    if messages:
        # Under gevent or eventlet, emitting only queues each client's frame: yield once so
        # the writers send them before this request goes on to build its own answer.
        socketio.sleep(0)
