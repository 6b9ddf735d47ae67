"""getMeetingState: the full state, or the events a client missed."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user
from pydantic import BaseModel, ConfigDict

from server.api import Counter, operation
from server.meetings import access
from server.realtime import bp
from server.realtime.outbox import events_since, last_seq
from server.realtime.state import meeting_state


class StateQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: Counter | None = None


class ReplayedEvent(BaseModel):
    name: str
    data: dict[str, Any]


class MeetingStateOut(BaseModel):
    seq: int
    state: dict[str, Any] | None = None
    events: list[ReplayedEvent] | None = None


@bp.get("/meetings/<int:meeting_id>/state")
@operation(
    "getMeetingState",
    "The meeting's state, or the events after `since`",
    tag="realtime",
    query=StateQuery,
    response=MeetingStateOut,
    description="Without `since`: {seq, state}. With `since`: {seq, events} holding every "
    "event after `since` in order, or {seq, state} when `since` is too old to replay "
    "(or ahead of the server).",
)
def get_meeting_state(meeting_id: int, query: StateQuery) -> dict[str, Any]:
    meeting = access.get_meeting_for(current_user, meeting_id)
    seq = last_seq(meeting.id)
    if query.since is not None and query.since <= seq:
        limit = current_app.config["EVENT_REPLAY_LIMIT"]
        events = events_since(meeting.id, query.since, limit)
        if events is not None:
            return {"seq": events[-1]["data"]["seq"] if events else query.since, "events": events}
    return {"seq": seq, "state": meeting_state(meeting, current_user)}
