"""A process of simulated tablets for bench/voting.py (run as `python -m bench.voting_client`).

Patched by gevent before anything else loads, so a few hundred tablets (an HTTP session and a
Socket.IO connection each) live in one process. Talks to its parent in JSON lines:

    argv[1]  a JSON file: {"url", "meeting_id", "tablets": [[username, password], ...]}
    stdout   {"ready": n, "unjoined": k}         logged in, connected, joined (k could not)
    stdin    {"round": id, "t0": epoch, "requests": [[index, method, path, body, offset], ...]}
    stdout   {"round": id, "answers": [[index, status, sent_at, latency_ms], ...]}
    stdin    {"await": "vote.closed", "motion_id": m, "timeout": s}
    stdout   {"received": [epoch or null per joined tablet], "unjoined", "caught_up", "drops"}
    stdin    {"quit": true}
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import requests  # noqa: E402
import socketio  # noqa: E402
from gevent.socket import wait_read  # noqa: E402


class Tablet:
    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.http = requests.Session()
        for attempt in range(5):
            try:
                answer = self.http.post(
                    f"{url}/api/auth/login",
                    json={"username": username, "password": password},
                    timeout=60,
                )
                answer.raise_for_status()
                break
            except requests.RequestException:
                if attempt == 4:
                    raise
                gevent.sleep(1 + attempt)
        self.http.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        # As a tablet does: reconnect when the connection drops (python-socketio's default
        # backoff: 1 s doubling to 5 s, randomised), then join again and take the state, which
        # holds any result missed meanwhile.
        self.sio = socketio.Client(http_session=self.http, reconnection=True)
        self.meeting_id = 0
        self.joined = False
        self.closed: dict[int, float] = {}
        self.caught_up: set[int] = set()
        self.drops = 0
        self.sio.on("vote.closed", self._on_closed)
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)

    def _on_closed(self, data: dict[str, Any]) -> None:
        self.closed.setdefault(int(data["motion_id"]), time.time())

    def _on_disconnect(self, *_reason: Any) -> None:
        self.drops += 1

    def _on_connect(self) -> None:
        if self.joined:
            gevent.spawn(self._rejoin)

    def _rejoin(self) -> None:
        try:
            ack = self.sio.call("join", {"meeting_id": self.meeting_id}, timeout=600)
        except Exception:  # the next reconnection tries again
            return
        now = time.time()
        for motion in ack.get("state", {}).get("votes", {}).get("motions", []):
            if motion["status"] == "closed" and motion["id"] not in self.closed:
                self.closed[motion["id"]] = now
                self.caught_up.add(motion["id"])

    def connect(self, meeting_id: int, attempts: int = 5) -> None:
        self.meeting_id = meeting_id
        for attempt in range(attempts):
            try:
                self.sio.connect(self.url, transports=["websocket"], wait_timeout=300)
                break
            except socketio.exceptions.ConnectionError:
                if attempt == attempts - 1:
                    raise
                gevent.sleep(1 + attempt)
        # Joining sends the whole meeting state: slow for a 500-member council, so patient.
        ack = self.sio.call("join", {"meeting_id": meeting_id}, timeout=600)
        if not ack.get("ok"):
            raise RuntimeError(f"join refused: {ack}")
        self.joined = True

    def send(self, method: str, path: str, body: Any) -> tuple[int, float, float]:
        sent = time.time()
        start = time.perf_counter()
        try:
            response = self.http.request(method, f"{self.url}{path}", json=body, timeout=30)
            status = response.status_code
        except requests.RequestException:
            status = 0
        return status, sent, (time.perf_counter() - start) * 1000


def read_message() -> dict[str, Any]:
    wait_read(sys.stdin.fileno())
    line = sys.stdin.readline()
    if not line:
        raise SystemExit(0)
    message: dict[str, Any] = json.loads(line)
    return message


def write(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def run_round(tablets: list[Tablet], t0: float, plan: list[list[Any]]) -> list[list[Any]]:
    """Each request at t0 + its offset, all at once: [[index, status, sent_at, ms], ...]."""
    answers: list[list[Any]] = []

    def fire(index: int, method: str, path: str, body: Any, offset: float) -> None:
        gevent.sleep(max(0.0, t0 + offset - time.time()))
        status, sent, latency = tablets[index].send(method, path, body)
        answers.append([index, status, sent, latency])

    gevent.joinall([gevent.spawn(fire, *r) for r in plan])
    return answers


def main() -> None:
    with open(sys.argv[1]) as f:
        config = json.load(f)
    pool = gevent.pool.Pool(50)
    tablets: list[Tablet] = list(
        pool.imap(lambda t: Tablet(config["url"], t[0], t[1]), config["tablets"])
    )
    pool.join()
    joining = gevent.pool.Pool(2)

    def join(tablet: Tablet) -> None:
        try:
            tablet.connect(config["meeting_id"])
        except Exception as exc:  # counted and reported; the tablet still votes over HTTP
            print(f"tablet could not join: {exc!r}", file=sys.stderr, flush=True)

    list(joining.imap(join, tablets))
    write({"ready": len(tablets), "unjoined": sum(1 for t in tablets if not t.joined)})
    while True:
        message = read_message()
        if message.get("quit"):
            break
        if "requests" in message:
            answers = run_round(tablets, float(message["t0"]), message["requests"])
            write({"round": message["round"], "answers": answers})
        elif "await" in message:
            motion_id = int(message["motion_id"])
            deadline = time.time() + float(message["timeout"])
            joined = [t for t in tablets if t.joined]
            while time.time() < deadline and not all(motion_id in t.closed for t in joined):
                gevent.sleep(0.005)
            write(
                {
                    "received": [t.closed.get(motion_id) for t in joined],
                    "unjoined": len(tablets) - len(joined),
                    "caught_up": sum(1 for t in tablets if motion_id in t.caught_up),
                    "drops": sum(t.drops for t in tablets),
                }
            )
            for tablet in tablets:
                tablet.drops = 0
    # The benchmark is over: hang up every tablet at once, then leave without waiting for the
    # Socket.IO clients' background tasks, which can outlive a disconnect by many seconds.
    gevent.joinall([gevent.spawn(_hang_up, tablet) for tablet in tablets], timeout=10)
    sys.stdout.flush()
    os._exit(0)


def _hang_up(tablet: Tablet) -> None:
    with contextlib.suppress(Exception):  # nothing left to report
        tablet.sio.disconnect()


if __name__ == "__main__":
    main()
