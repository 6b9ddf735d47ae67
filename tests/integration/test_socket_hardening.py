"""Socket.IO under bad input: wrong types, events out of order, floods of unknown events."""

from __future__ import annotations

import pytest

from server.extensions import db, socketio
from tests.conftest import Api, build_app
from tests.factories import PASSWORD, make_council


@pytest.mark.parametrize(
    "meeting_id",
    [True, "1", 1.0, 1.5, 0, -3, 2**31, 2**70, None, [1], {"id": 1}],
    ids=repr,
)
def test_join_takes_only_a_real_meeting_id(login, socket_for, meeting_id):
    sio = socket_for(login("delegate01"))
    ack = sio.emit("join", {"meeting_id": meeting_id}, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "validation_error"
    assert "meeting_id" in ack["error"]["fields"]
    assert sio.is_connected()


@pytest.mark.parametrize("payload", [None, 7, "join", [], [{"meeting_id": 1}], b"\x00\x01"])
def test_payloads_of_the_wrong_shape_get_an_error_ack(login, socket_for, payload):
    sio = socket_for(login("delegate01"))
    for event in ("join", "leave"):
        ack = sio.emit(event, payload, callback=True)
        assert ack["ok"] is False
        assert ack["error"]["code"] == "validation_error"


def test_extra_arguments_are_ignored(login, socket_for, demo_meeting_id):
    sio = socket_for(login("delegate01"))
    ack = sio.emit("join", {"meeting_id": demo_meeting_id}, "extra", 3, callback=True)
    assert ack["ok"] is True


def test_a_missing_meeting_and_another_councils_meeting_look_the_same(
    app, login, socket_for, demo_meeting_id
):
    other = make_council(app)
    sio = socket_for(login("delegate01"))
    missing = sio.emit("join", {"meeting_id": 2**31 - 1}, callback=True)
    foreign = sio.emit("join", {"meeting_id": other["meeting_id"]}, callback=True)
    assert missing == foreign
    assert missing["error"]["code"] == "meeting_not_found"
    # ...and the other council's member cannot come the other way either.
    outsider = socket_for(login("other01", PASSWORD))
    ack = outsider.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    assert ack["error"]["code"] == "meeting_not_found"


def test_leave_before_join_is_harmless(login, socket_for, demo_meeting_id):
    sio = socket_for(login("delegate01"))
    assert sio.emit("leave", {"meeting_id": demo_meeting_id}, callback=True) == {"ok": True}
    assert sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)["ok"] is True
    assert sio.emit("leave", {"meeting_id": demo_meeting_id}, callback=True) == {"ok": True}
    assert sio.emit("leave", {"meeting_id": demo_meeting_id}, callback=True) == {"ok": True}


def test_after_leave_no_more_events_arrive(login, socket_for, demo_meeting_id):
    sio = socket_for(login("delegate01"))
    ack = sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    sio.emit("leave", {"meeting_id": demo_meeting_id}, callback=True)
    sio.get_received()
    item = ack["state"]["agenda"][1]["id"]
    response = login("chair").put(
        f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item}
    )
    assert response.status_code == 200
    assert sio.get_received() == []


def test_unknown_events_count_against_the_flood_limit(app, login, socket_for):
    app.config["SOCKET_EVENTS_PER_10S"] = 3
    sio = socket_for(login("delegate01"))
    codes = [sio.emit(f"nope{n}", {}, callback=True)["error"]["code"] for n in range(5)]
    assert codes == ["unknown_event"] * 3 + ["event_rate_limited"] * 2
    assert sio.is_connected()


def test_flood_limit_is_per_connection(app, login, socket_for, demo_meeting_id):
    app.config["SOCKET_EVENTS_PER_10S"] = 2
    delegate = login("delegate01")
    first, second = socket_for(delegate), socket_for(delegate)
    for _ in range(3):
        first.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    assert second.emit("join", {"meeting_id": demo_meeting_id}, callback=True)["ok"] is True


def test_a_database_that_does_not_answer_in_time_still_gets_an_ack(
    database_url, tmp_path, demo_meeting_id
):
    # A pool of one connection that a long transaction holds: the handler cannot get one.
    app = build_app(
        database_url,
        tmp_path / "storage",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2},
    )
    client = Api(app.test_client())
    assert client.login("delegate01").status_code == 200
    sio = socketio.test_client(app, flask_test_client=client.client)
    try:
        assert sio.is_connected()
        with app.app_context():
            held = db.engine.connect()
            try:
                ack = sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
                unknown = sio.emit("nope", {}, callback=True)
            finally:
                held.close()
            assert ack["ok"] is False
            assert ack["error"]["code"] == "service_unavailable"
            assert unknown["error"]["code"] == "service_unavailable"
            # Once a connection is free again, the same socket joins.
            assert sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)["ok"]
    finally:
        sio.disconnect()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
