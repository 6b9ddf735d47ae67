"""The message queue's view of what it publishes: which meeting and seq a message carries."""

from __future__ import annotations

import pytest

from server.realtime.queue import meeting_of, sync_message


def _emit(payload, method="emit"):
    return {"method": method, "event": "agenda.current", "data": [payload], "room": "meeting:3"}


def test_meeting_events_are_recognised():
    assert meeting_of(_emit({"meeting_id": 3, "seq": 17, "agenda_item_id": 5})) == (3, 17)


@pytest.mark.parametrize(
    "message",
    [
        _emit({"meeting_id": 3}),  # a notice: no seq
        _emit({"seq": 4}),
        _emit({"meeting_id": "3", "seq": 4}),
        _emit("text"),
        _emit({"meeting_id": 3, "seq": 4}, method="enter_room"),
        {"method": "emit", "data": []},
        {"method": "emit"},
    ],
)
def test_other_messages_are_not_meeting_events(message):
    assert meeting_of(message) is None


def test_sync_message_goes_to_the_meeting_room_without_a_seq():
    message = sync_message(3, 17, "host")
    assert message["event"] == "meeting.sync"
    assert message["room"] == "meeting:3"
    assert message["namespace"] == "/"
    assert message["data"] == [{"meeting_id": 3, "last_seq": 17}]
    # Not mistaken for a numbered event by the publisher itself.
    assert meeting_of(message) is None
