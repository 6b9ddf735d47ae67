"""The production entry point serves REST and Socket.IO under gevent and under eventlet."""

from __future__ import annotations

import pytest
import requests
import socketio

from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("async_mode", ["gevent", "eventlet"])
def test_live_server_pushes_events_with_seq(live_sqlite: LiveServer, async_mode: str):
    live_sqlite.async_mode = async_mode
    live_sqlite.start()
    assert requests.get(f"{live_sqlite.url}/healthz", timeout=5).json()["async_mode"] == async_mode

    delegate = Tablet(live_sqlite.url, "delegate01")
    chair = Tablet(live_sqlite.url, "chair")
    try:
        meeting_id = delegate.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        delegate.connect()
        ack = delegate.join(meeting_id)
        assert ack["ok"] is True
        item = ack["state"]["agenda"][1]["id"]
        response = chair.api(
            "PUT", f"/api/meetings/{meeting_id}/current-item", json={"agenda_item_id": item}
        )
        assert response.status_code == 200
        event = delegate.wait_for("agenda.current")
        assert event["agenda_item_id"] == item
        assert event["seq"] == ack["seq"] + 1
    finally:
        delegate.close()
        chair.close()


def test_socket_without_login_is_refused(live_sqlite: LiveServer):
    live_sqlite.start()
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_sqlite.url, transports=["websocket"], wait_timeout=5)
