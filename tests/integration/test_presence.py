"""Presence: connected tablets per meeting, apart from attendance, and the staff's notices."""

from __future__ import annotations

import time
from typing import Any

from flask_socketio import SocketIOTestClient


def _join(sio: SocketIOTestClient, meeting_id: int) -> dict[str, Any]:
    ack = sio.emit("join", {"meeting_id": meeting_id}, callback=True)
    assert ack["ok"] is True, ack
    return ack


def _notices(sio: SocketIOTestClient, name: str = "presence.updated") -> list[dict[str, Any]]:
    return [m["args"][0] for m in sio.get_received() if m["name"] == name]


def _wait_notice(sio: SocketIOTestClient, predicate: Any, timeout: float = 5.0) -> list[Any]:
    """Every presence notice received until one matches `predicate` (or the timeout)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen += _notices(sio)
        if seen and predicate(seen[-1]):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"no matching presence notice; got {seen}")


def test_staff_see_who_is_connected_members_see_counts(login, socket_for, demo_meeting_id):
    delegate = login("delegate01")
    _join(socket_for(delegate), demo_meeting_id)
    secretary = login("secretary")
    state = _join(socket_for(secretary), demo_meeting_id)["state"]
    ids = sorted([delegate.user["id"], secretary.user["id"]])
    assert state["presence"] == {
        "users": 2,
        "members": 1,
        "devices": 2,
        "user_ids": ids,
        "partial": False,
    }

    seen_by_member = delegate.get(f"/api/meetings/{demo_meeting_id}/state").json["state"]
    assert seen_by_member["presence"] == {"users": 2, "members": 1, "devices": 2, "partial": False}
    seen_by_chair = login("chair").get(f"/api/meetings/{demo_meeting_id}/state").json["state"]
    assert seen_by_chair["presence"]["user_ids"] == ids


def test_a_dropped_tablet_leaves_presence_but_stays_checked_in(login, socket_for, demo_meeting_id):
    delegate = login("delegate01")
    response = delegate.post(f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={})
    assert response.status_code == 200, response.json
    sio = socket_for(delegate)
    _join(sio, demo_meeting_id)
    sio.disconnect()  # the Wi-Fi drops

    state = login("secretary").get(f"/api/meetings/{demo_meeting_id}/state").json["state"]
    assert state["presence"]["users"] == 0
    assert state["presence"]["user_ids"] == []
    assert state["attendance"]["present"] == 1
    entry = next(e for e in state["attendance"]["entries"] if e["user_id"] == delegate.user["id"])
    assert entry["state"] == "present"


def test_two_devices_of_one_delegate_count_once(login, socket_for, demo_meeting_id):
    delegate = login("delegate01")
    phone, tablet = socket_for(delegate), socket_for(delegate)
    _join(phone, demo_meeting_id)
    presence = _join(tablet, demo_meeting_id)["state"]["presence"]
    assert (presence["users"], presence["members"], presence["devices"]) == (1, 1, 2)
    _join(tablet, demo_meeting_id)  # joining twice changes nothing
    phone.disconnect()
    presence = delegate.get(f"/api/meetings/{demo_meeting_id}/state").json["state"]["presence"]
    assert (presence["users"], presence["devices"]) == (1, 1)


def test_leave_and_disconnect_remove_the_connection(login, socket_for, demo_meeting_id):
    sio = socket_for(login("delegate01"))
    other = socket_for(login("delegate02"))
    assert _join(sio, demo_meeting_id)["state"]["presence"]["users"] == 1
    assert sio.emit("leave", {"meeting_id": demo_meeting_id}, callback=True) == {"ok": True}
    assert _join(other, demo_meeting_id)["state"]["presence"]["users"] == 1
    other.disconnect()
    staff = login("secretary")
    assert staff.get(f"/api/meetings/{demo_meeting_id}/state").json["state"]["presence"] == {
        "users": 0,
        "members": 0,
        "devices": 0,
        "user_ids": [],
        "partial": False,
    }


def test_a_socket_counts_only_once_it_has_joined(login, socket_for, demo_meeting_id):
    socket_for(login("delegate01"))  # connected, never joined
    state = login("secretary").get(f"/api/meetings/{demo_meeting_id}/state").json["state"]
    assert state["presence"]["users"] == 0


def test_presence_notices_go_to_staff_only_and_are_paced(app, login, socket_for, demo_meeting_id):
    app.config["PRESENCE_NOTICE_SECONDS"] = 1.0
    secretary = socket_for(login("secretary"))
    _join(secretary, demo_meeting_id)
    first = _wait_notice(secretary, lambda n: n["users"] == 1)
    assert first[-1]["meeting_id"] == demo_meeting_id
    observer = socket_for(login("delegate50"))
    _join(observer, demo_meeting_id)
    observer.get_received()

    delegates = [login(f"delegate{n:02d}") for n in range(1, 11)]
    started = time.monotonic()
    for delegate in delegates:
        _join(socket_for(delegate), demo_meeting_id)
    joined_in = time.monotonic() - started
    seen = _wait_notice(secretary, lambda n: n["users"] == 12)
    last = seen[-1]
    assert last["members"] == 11  # delegate50 and the ten
    assert set(last["user_ids"]) >= {d.user["id"] for d in delegates}
    # Eleven joins, one notice per second at most (plus the one already due).
    assert len(seen) <= 2 + int(joined_in + 1)
    assert _notices(observer) == []


def test_events_reach_only_sockets_that_joined(login, socket_for, demo_meeting_id):
    bystander = socket_for(login("delegate01"))  # connected but not joined
    member = socket_for(login("delegate02"))
    ack = _join(member, demo_meeting_id)
    bystander.get_received()
    member.get_received()
    item = ack["state"]["agenda"][1]["id"]
    chair = login("chair")
    response = chair.put(
        f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item}
    )
    assert response.status_code == 200
    assert [m["name"] for m in member.get_received()] == ["agenda.current"]
    assert bystander.get_received() == []
    # Once joined, it gets the next one, numbered after the state it was given.
    seq = _join(bystander, demo_meeting_id)["seq"]
    chair.put(f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": None})
    events = [m for m in bystander.get_received() if m["name"] == "agenda.current"]
    assert [e["args"][0]["seq"] for e in events] == [seq + 1]
