"""Socket.IO: refusal without login, join, seq numbering and catching up by seq."""

from __future__ import annotations

from server.extensions import socketio
from tests.factories import PASSWORD, make_council


def test_connection_without_login_is_refused(app, client):
    sio = socketio.test_client(app, flask_test_client=client)
    assert not sio.is_connected()


def test_join_acks_state_and_seq(login, socket_for, demo_meeting_id):
    sio = socket_for(login("delegate01"))
    ack = sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    assert ack["ok"] is True
    assert isinstance(ack["seq"], int)
    state = ack["state"]
    assert state["meeting"]["id"] == demo_meeting_id
    assert state["meeting"]["ballot_labels"]["yes"] == "Tán thành"
    assert state["me"]["is_member"] is True
    assert state["attendance"]["members"] == 50
    assert len(state["agenda"]) == 14


def test_join_other_council_is_refused(app, login, socket_for, demo_meeting_id):
    make_council(app)
    sio = socket_for(login("other01", PASSWORD))
    ack = sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    assert ack == {
        "ok": False,
        "error": {"code": "meeting_not_found", "message": "Không tìm thấy kỳ họp."},
    }


def test_malformed_and_unknown_events_get_error_acks(login, socket_for):
    sio = socket_for(login("delegate01"))
    for payload in (None, "x", {"meeting_id": "abc"}, {"meeting_id": 1, "extra": True}, [1]):
        ack = sio.emit("join", payload, callback=True)
        assert ack["ok"] is False
        assert ack["error"]["code"] == "validation_error"
    ack = sio.emit("self_destruct", {"now": True}, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "unknown_event"
    assert sio.is_connected()


def test_event_flood_is_limited(app, login, socket_for, demo_meeting_id):
    app.config["SOCKET_EVENTS_PER_10S"] = 5
    sio = socket_for(login("delegate01"))
    acks = [sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True) for _ in range(8)]
    assert [a["ok"] for a in acks] == [True] * 5 + [False] * 3
    assert acks[-1]["error"]["code"] == "event_rate_limited"


def test_catch_up_after_missing_events(login, socket_for, demo_meeting_id):
    delegate = login("delegate01")
    sio = socket_for(delegate)
    ack = sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    seen = ack["seq"]
    sio.disconnect()  # the tablet drops off the Wi-Fi

    chair = login("chair")
    items = [i["id"] for i in ack["state"]["agenda"]]
    for item_id in items[1:4]:
        chair.put(f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item_id})
    login("delegate02").post(f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={})

    missed = delegate.get(f"/api/meetings/{demo_meeting_id}/state?since={seen}").json
    assert [e["name"] for e in missed["events"]] == [
        "agenda.current",
        "agenda.current",
        "agenda.current",
        "attendance.updated",
    ]
    assert [e["data"]["seq"] for e in missed["events"]] == list(range(seen + 1, seen + 5))
    assert missed["seq"] == seen + 4
    assert missed["events"][2]["data"]["agenda_item_id"] == items[3]
    assert missed["events"][3]["data"]["present"] == 1

    nothing = delegate.get(f"/api/meetings/{demo_meeting_id}/state?since={seen + 4}").json
    assert nothing == {"seq": seen + 4, "events": []}


def test_too_old_since_gives_full_state(app, login, demo_meeting_id):
    app.config["EVENT_REPLAY_LIMIT"] = 2
    chair = login("chair")
    agenda = chair.get(f"/api/meetings/{demo_meeting_id}").json["agenda"]
    for item in agenda[1:5]:
        chair.put(
            f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item["id"]}
        )
    answer = chair.get(f"/api/meetings/{demo_meeting_id}/state?since=0").json
    assert "events" not in answer or answer.get("events") is None
    assert answer["state"]["current_agenda_item_id"] == agenda[4]["id"]
    ahead = chair.get(f"/api/meetings/{demo_meeting_id}/state?since=999999").json
    assert ahead["state"] is not None


def test_events_are_not_sent_when_the_change_fails(login, socket_for, demo_meeting_id):
    sio = socket_for(login("delegate01"))
    sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    sio.get_received()
    login("chair").put(
        f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": 999999}
    )
    assert sio.get_received() == []
