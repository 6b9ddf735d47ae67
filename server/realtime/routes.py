"""getMeetingState: the full state, or the events a client missed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from flask_login import current_user
from pydantic import BaseModel, SerializerFunctionWrapHandler, model_serializer

from server.api import Counter, Strict, operation
from server.events.outbox import events_since, last_seq
from server.events.state import meeting_state
from server.meetings import access

bp = Blueprint("realtime", __name__, url_prefix="/api")


class StateQuery(Strict):
    since: Counter | None = None


class ReplayedEvent(BaseModel):
    name: str
    data: dict[str, Any]


class MeetingStateOut(BaseModel):
    """{seq, state} or {seq, events}: the one that does not apply is left out."""

    seq: int
    state: dict[str, Any] | None = None
    events: list[ReplayedEvent] | None = None

    @model_serializer(mode="wrap")
    def _one_of(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None or k == "seq"}


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
def get_meeting_state(meeting_id: int, query: StateQuery) -> MeetingStateOut:
    meeting = access.get_meeting_for(current_user, meeting_id)
    seq = last_seq(meeting.id)
    if query.since is not None and query.since <= seq:
        limit = current_app.config["EVENT_REPLAY_LIMIT"]
        events = events_since(meeting.id, query.since, limit)
        if events is not None:
            return MeetingStateOut(
                seq=events[-1]["data"]["seq"] if events else query.since,
                events=[ReplayedEvent.model_validate(e) for e in events],
            )
    return MeetingStateOut(seq=seq, state=meeting_state(meeting, current_user))
