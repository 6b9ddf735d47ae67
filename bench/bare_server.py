"""The baseline for bench/fanout.py: a bare python-socketio server that only rebroadcasts.

    python -m bench.bare_server PORT [REDIS_URL]

Same stack as ours (gevent's WSGI server, simple-websocket, python-socketio, and with a
Redis URL the same RedisManager), but no Flask, no login, no database: `join` enters the
room, and `POST /fire` broadcasts an `agenda.current` shaped like ours to it.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

import socketio  # noqa: E402
from gevent import pywsgi  # noqa: E402

from server.listener import listen  # noqa: E402

ROOM = "meeting:1"


def build(redis_url: str | None) -> Any:
    manager = socketio.RedisManager(redis_url, channel="bare-bench") if redis_url else None
    sio = socketio.Server(async_mode="gevent", client_manager=manager, max_http_buffer_size=1e6)
    counter = {"seq": 0}

    @sio.on("join")
    def join(sid: str, data: Any) -> dict[str, Any]:
        sio.enter_room(sid, ROOM)
        return {"ok": True, "seq": counter["seq"]}

    def http(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/fire" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            counter["seq"] = int(body.get("seq", counter["seq"] + 1))
            sio.emit(
                "agenda.current",
                {
                    "agenda_item_id": body.get("agenda_item_id"),
                    "status": "in_progress",
                    "follow": None,
                    "meeting_id": 1,
                    "seq": counter["seq"],
                },
                to=ROOM,
            )
            answer = json.dumps({"seq": counter["seq"]}).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [answer]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']

    return socketio.WSGIApp(sio, http)


def main() -> None:
    port = int(sys.argv[1])
    redis_url = sys.argv[2] if len(sys.argv) > 2 else None
    # Listening like ours (server/wsgi.py): TCP_NODELAY, so replies are not held back.
    pywsgi.WSGIServer(listen("127.0.0.1", port), build(redis_url), log=None).serve_forever()


if __name__ == "__main__":
    main()
