"""Socket.IO handlers: connect, join, leave, and the answer to unknown events."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from flask_socketio import join_room, leave_room
from pydantic import BaseModel, ConfigDict

from server.api import Id
from server.errors import BadRequest
from server.extensions import socketio
from server.meetings import access
from server.observability import CONNECTED_SOCKETS
from server.realtime import guards
from server.realtime.outbox import last_seq, meeting_room, staff_room, user_room
from server.realtime.state import meeting_state


class MeetingRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meeting_id: Id


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Refuse a connection without a logged-in session; join the user's personal room."""
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("not_authenticated")
    join_room(user_room(current_user.id))
    CONNECTED_SOCKETS.inc()


@socketio.on("disconnect")
def on_disconnect(*_reason: Any) -> None:
    """Called only for connections `connect` accepted, so the gauge counts each once."""
    CONNECTED_SOCKETS.dec()
    guards.forget(request.sid)  # type: ignore[attr-defined]


@socketio.on("join")
@guards.socket_handler(MeetingRef)
def on_join(ref: MeetingRef) -> dict[str, Any]:
    """`join` {meeting_id}: enter the meeting's room. Ack {ok, state, seq} or {ok: false, error}.

    The room is joined before the seq and state are read, so every later event reaches
    this client; an event that lands in between is already in the state, and applying it
    again is harmless because events carry the new value of what they change.
    """
    meeting = access.get_meeting_for(current_user, ref.meeting_id)
    join_room(meeting_room(meeting.id))
    if access.is_staff_of(current_user, meeting.council_id):
        join_room(staff_room(meeting.id))
    seq = last_seq(meeting.id)
    return {"seq": seq, "state": meeting_state(meeting, current_user)}


@socketio.on("leave")
@guards.socket_handler(MeetingRef)
def on_leave(ref: MeetingRef) -> dict[str, Any]:
    """`leave` {meeting_id}: stop receiving the meeting's events. Ack {ok}."""
    leave_room(meeting_room(ref.meeting_id))
    leave_room(staff_room(ref.meeting_id))
    return {}


@socketio.on("*")
def on_unknown(event: str, *_args: Any) -> dict[str, Any]:
    """Any event without a handler: an error ack, never a silent drop."""
    return guards.error_ack(BadRequest("unknown_event", event=str(event)[:50]))
