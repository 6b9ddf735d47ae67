"""Socket.IO limits on a real server: oversized messages, before and after logging in."""

from __future__ import annotations

import json
import time

import psutil
import pytest
import requests
import websocket

from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.slow

LIMIT = 1_000_000  # max_http_buffer_size in server/app.py


def _rss_mib(server: LiveServer) -> float:
    assert server.process is not None
    return psutil.Process(server.process.pid).memory_info().rss / 2**20


def _wait_disconnected(tablet: Tablet, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tablet.sio is None or not tablet.sio.connected:
            return True
        time.sleep(0.05)
    return False


def test_oversized_messages_close_the_socket_and_nothing_else(live_sqlite: LiveServer):
    live_sqlite.start()
    sender, bystander = Tablet(live_sqlite.url, "delegate01"), Tablet(live_sqlite.url, "delegate02")
    try:
        meeting_id = sender.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        bystander.connect()
        assert bystander.join(meeting_id)["ok"] is True
        sender.connect()

        # Just under the limit: read, and answered like any other malformed payload.
        ack = sender.sio.call("join", {"meeting_id": meeting_id, "x": "a" * (LIMIT - 100)})
        assert ack["ok"] is False
        assert ack["error"]["code"] == "validation_error"

        before = _rss_mib(live_sqlite)
        sender.sio.emit("join", {"meeting_id": meeting_id, "x": "a" * 50_000_000})
        assert _wait_disconnected(sender)
        # Refused as it arrived, not read whole first (50 MB of text would show here).
        assert _rss_mib(live_sqlite) - before < 20

        # The process and everyone else carry on.
        assert requests.get(f"{live_sqlite.url}/healthz", timeout=5).status_code == 200
        assert bystander.sio.connected
        assert bystander.join(meeting_id)["ok"] is True
    finally:
        sender.close()
        bystander.close()


def test_oversized_message_before_login_closes_the_websocket(live_sqlite: LiveServer):
    live_sqlite.start()
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{live_sqlite.port}/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    try:
        opened = ws.recv()
        assert opened.startswith("0")  # Engine.IO open: no login needed yet
        assert json.loads(opened[1:])["maxPayload"] == LIMIT
        before = _rss_mib(live_sqlite)
        status = None
        try:
            ws.send("4" + "x" * 20_000_000)
            while status is None:
                opcode, data = ws.recv_data(control_frame=True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    status = int.from_bytes(data[:2], "big")
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            status = "reset"  # closed before the client finished sending
        assert status in (1009, "reset")
        assert _rss_mib(live_sqlite) - before < 20
    finally:
        ws.close()
    assert requests.get(f"{live_sqlite.url}/healthz", timeout=5).status_code == 200
