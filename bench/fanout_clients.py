"""One process of simulated tablets for bench/fanout.py (gevent).

Driven by JSON lines on stdin, answering one JSON line on stdout per command:

    {"cmd": "connect", "group": "ours", "meeting_id": 1, "kind": "lean",
     "tablets": [{"url", "cookie"}, ...]}
        -> {"connected": n, "failed": k, "errors": [...], "retried": r}
           (each tablet connects and joins, trying up to 3 times)
    {"cmd": "await", "group": "ours", "seq": 17, "timeout": 10}
        -> {"missing": k}   once every tablet of the group has that seq, or at the timeout
    {"cmd": "collect", "group": "ours", "seqs": [17, 18]}
        -> {"times": {"17": [t, ...], ...}}   wall-clock receipt times (time.time())
    {"cmd": "close"} -> {"closed": n}

Every tablet records the moment it receives each `agenda.current`; the driver subtracts
the moment it sent the chair's request (same machine, same clock).

Two kinds of tablet. `python-socketio`: a python-socketio Client, as the issue names.
`lean`: the same Socket.IO protocol (Engine.IO 4 over a WebSocket, session cookie,
`join` with its ack, answering pings) spoken directly, with nothing done on receipt but
reading the seq. On two cores, 500 python-socketio clients spend about five times more
CPU receiving a broadcast than the server spends sending it, so they would measure
themselves; the lean tablets leave the CPU to the server under test.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import functools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import socketio  # noqa: E402
import websocket  # noqa: E402
from gevent.fileobject import FileObjectPosix  # noqa: E402

EVENT = "agenda.current"
ATTEMPTS = 3


class SocketIOTablet:
    """A python-socketio client."""

    def __init__(self) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.seen: dict[int, float] = {}
        self.sio.on(EVENT, self._on_event)

    def _on_event(self, data: dict[str, Any]) -> None:
        self.seen[data["seq"]] = time.time()

    def connect(self, url: str, cookie: str | None, meeting_id: int) -> None:
        headers = {"Cookie": cookie} if cookie else {}
        self.sio.connect(url, headers=headers, transports=["websocket"], wait_timeout=60)
        ack = self.sio.call("join", {"meeting_id": meeting_id}, timeout=120)
        if not ack or not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")


class LeanTablet:
    """The Socket.IO protocol spoken directly over websocket-client: connect, join, listen.

    Records when each `event` arrives, by its payload's `key` (bench/voting_client.py uses
    it for `vote.closed` by motion id)."""

    def __init__(self, event: str = EVENT, key: str = "seq") -> None:
        self.seen: dict[int, float] = {}
        self.ws: websocket.WebSocket | None = None
        self.prefix = ('42["' + event + '",').encode()
        self.key = key

    def _recv(self) -> str:
        assert self.ws is not None
        while True:
            message = self.ws.recv()
            if message == "2":  # Engine.IO ping
                self.ws.send("3")
                continue
            return str(message)

    def connect(self, url: str, cookie: str | None, meeting_id: int) -> None:
        address = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        header = [f"Cookie: {cookie}"] if cookie else []
        self.ws = websocket.create_connection(
            address, header=header, timeout=120, skip_utf8_validation=True
        )
        if not self._recv().startswith("0"):
            raise RuntimeError("no Engine.IO open packet")
        self.ws.send("40")
        answer = self._recv()
        if not answer.startswith("40"):
            raise RuntimeError(f"connection refused: {answer[:200]}")
        self.ws.send("421" + json.dumps(["join", {"meeting_id": meeting_id}]))
        while True:
            answer = self._recv()
            if answer.startswith("431"):
                ack = json.loads(answer[3:])[0]
                if not ack.get("ok"):
                    raise RuntimeError(f"join refused: {ack}")
                break
        self.ws.settimeout(None)
        gevent.spawn(self._listen)

    def _listen(self) -> None:
        """Read frames straight off the socket (server frames: unmasked, unfragmented)."""
        ws = self.ws
        assert ws is not None
        prefix, key = self.prefix, self.key
        sock = ws.sock
        assert sock is not None
        buf = bytearray(b"".join(ws.frame_buffer.recv_buffer))
        try:
            while True:
                while len(buf) >= 2:
                    length, start = buf[1] & 0x7F, 2
                    if length == 126:
                        length, start = int.from_bytes(buf[2:4], "big"), 4
                    elif length == 127:
                        length, start = int.from_bytes(buf[2:10], "big"), 10
                    if len(buf) < start + length:
                        break
                    opcode, payload = buf[0] & 0x0F, bytes(buf[start : start + length])
                    del buf[: start + length]
                    if opcode == 0x8:  # close
                        return
                    if opcode == 0x9:
                        ws.pong(payload)
                    elif payload == b"2":  # Engine.IO ping
                        ws.send("3")
                    elif payload.startswith(prefix):
                        received = time.time()
                        self.seen[json.loads(payload[2:])[1][key]] = received
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
        except (websocket.WebSocketException, OSError):
            return


KINDS: dict[str, type[SocketIOTablet | LeanTablet]] = {
    "python-socketio": SocketIOTablet,
    "lean": LeanTablet,
}


def _connect_one(
    kind: type[SocketIOTablet | LeanTablet],
    meeting_id: int,
    tablets: list[SocketIOTablet | LeanTablet],
    errors: list[str],
    retries: list[str],
    spec: dict[str, Any],
) -> None:
    # Like a real tablet, try again when the connection drops while the server is swamped.
    for attempt in range(ATTEMPTS):
        tablet = kind()
        try:
            tablet.connect(spec["url"], spec.get("cookie"), meeting_id)
        except Exception as exc:
            if attempt == ATTEMPTS - 1:
                errors.append(repr(exc)[:200])
                return
            retries.append(repr(exc)[:200])
            gevent.sleep(1 + attempt)
            continue
        tablets.append(tablet)
        return


def main() -> None:
    groups: dict[str, list[SocketIOTablet | LeanTablet]] = {}
    stdin = FileObjectPosix(sys.stdin.fileno(), "r")  # cooperative: tablets keep running

    def reply(body: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(body) + "\n")
        sys.stdout.flush()

    for line in stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "connect":
            errors: list[str] = []
            retries: list[str] = []
            kind = KINDS[cmd.get("kind", "lean")]
            tablets = groups.setdefault(cmd["group"], [])
            job = functools.partial(_connect_one, kind, cmd["meeting_id"], tablets, errors, retries)
            before = len(tablets)
            gevent.pool.Pool(50).map(job, cmd["tablets"])
            reply(
                {
                    "connected": len(tablets) - before,
                    "failed": len(errors),
                    "errors": errors[:5],
                    "retried": len(retries),
                }
            )
        elif cmd["cmd"] == "await":
            tablets = groups.get(cmd["group"], [])
            seq, deadline = cmd["seq"], time.monotonic() + cmd["timeout"]
            while time.monotonic() < deadline:
                if all(seq in t.seen for t in tablets):
                    break
                gevent.sleep(0.005)
            reply({"missing": sum(1 for t in tablets if seq not in t.seen)})
        elif cmd["cmd"] == "collect":
            tablets = groups.get(cmd["group"], [])
            reply(
                {
                    "times": {
                        str(seq): [t.seen[seq] for t in tablets if seq in t.seen]
                        for seq in cmd["seqs"]
                    }
                }
            )
        elif cmd["cmd"] == "close":
            # Like tablets switched off: no goodbye (a graceful disconnect takes seconds each).
            reply({"closed": sum(len(g) for g in groups.values())})
            os._exit(0)


if __name__ == "__main__":
    main()
