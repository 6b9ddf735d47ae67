"""Socket.IO handlers: connect, join, leave, and the answer to unknown events."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import join_room, leave_room
from pydantic import Field, StrictInt

from server.api import MAX_ID, Strict
from server.errors import BadRequest
from server.events.outbox import last_seq, meeting_room, staff_room, user_room
from server.events.state import meeting_state
from server.extensions import db, socketio
from server.meetings import access
from server.observability import CONNECTED_SOCKETS
from server.realtime import guards
from server.realtime.presence import presence_of
from server.realtime.presence_rules import Connection


class MeetingRef(Strict):
    # Strict: `true` or "1" is not a meeting id.
    meeting_id: StrictInt = Field(ge=1, le=MAX_ID)


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Refuse a connection without a logged-in session; join the user's personal room.

    While the database cannot be reached the connection is refused as
    `service_unavailable` (the client retries), never left hanging.
    """
    with guards.handler_slot():
        try:
            authenticated = current_user.is_authenticated
        except guards.DATABASE_UNAVAILABLE:
            db.session.rollback()
            raise ConnectionRefusedError("service_unavailable") from None
        if not authenticated:
            raise ConnectionRefusedError("not_authenticated")
        join_room(user_room(current_user.id))
        CONNECTED_SOCKETS.inc()
        # Done with the database: give the connection back to the pool now.
        db.session.rollback()


@socketio.on("disconnect")
def on_disconnect(*_reason: Any) -> None:
    """Called only for connections `connect` accepted, so the gauge counts each once."""
    CONNECTED_SOCKETS.dec()
    sid: str = request.sid  # type: ignore[attr-defined]
    guards.forget(sid)
    presence_of(current_app).disconnected(sid)


@socketio.on("join")
@guards.socket_handler(MeetingRef)
def on_join(ref: MeetingRef) -> dict[str, Any]:
    """`join` {meeting_id}: enter the meeting's room. Ack {ok, state, seq} or {ok: false, error}.

    The room is joined before the seq and state are read, so every later event reaches
    this client; an event that lands in between is already in the state, and applying it
    again is harmless because events carry the new value of what they change.
    The socket then counts as connected to the meeting (presence; `presence.updated`
    to the staff room).
    """
    meeting = access.get_meeting_for(current_user, ref.meeting_id)
    join_room(meeting_room(meeting.id))
    if access.is_staff(current_user, meeting):
        join_room(staff_room(meeting.id))
    is_member = access.member_of(current_user, meeting) is not None
    presence_of(current_app).joined(
        meeting.id,
        Connection(sid=request.sid, user_id=current_user.id, is_member=is_member),  # type: ignore[attr-defined]
    )
    seq = last_seq(meeting.id)
    return {"seq": seq, "state": meeting_state(meeting, current_user)}


@socketio.on("leave")
@guards.socket_handler(MeetingRef)
def on_leave(ref: MeetingRef) -> dict[str, Any]:
    """`leave` {meeting_id}: stop receiving the meeting's events. Ack {ok}.

    Leaving a meeting the socket never joined is harmless (and still {ok}).
    """
    leave_room(meeting_room(ref.meeting_id))
    leave_room(staff_room(ref.meeting_id))
    presence_of(current_app).left(ref.meeting_id, request.sid)  # type: ignore[attr-defined]
    return {}


@socketio.on("*")
def on_unknown(event: str, *_args: Any) -> dict[str, Any]:
    """Any event without a handler: an error ack, never a silent drop (and rate-limited)."""
    with guards.handler_slot():
        try:
            refused = guards.refusal()
        except Exception as exc:
            return guards.failure_ack("unknown event", exc)
        if refused is not None:
            return refused
        return guards.error_ack(BadRequest("unknown_event", event=str(event)[:50]))
