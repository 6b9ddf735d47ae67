"""A process of simulated tablets for bench/voting.py (run as `python -m bench.voting_client`).

Patched by gevent before anything else loads, so a few hundred tablets (an HTTP session and a
Socket.IO connection each) live in one process. Talks to its parent in JSON lines:

    argv[1]  a JSON file: {"url", "meeting_id", "tablets": [[username, password], ...]}
    stdout   {"ready": n, "unjoined": k}         logged in, connected, joined (k could not)
    stdin    {"round": id, "t0": epoch, "requests": [[index, method, path, body, offset], ...]}
    stdout   {"round": id, "answers": [[index, status, sent_at, latency_ms], ...]}
    stdin    {"await": "vote.closed", "motion_id": m, "timeout": s}
    stdout   {"received": [epoch or null per joined tablet], "unjoined"}
    stdin    {"quit": true}

Requests go over http.client on one kept-alive connection per tablet (requests, used to log
in, spends about 2.5 ms of CPU per request, which on two shared cores the server would lose).
The sockets are bench/fanout_clients.py's lean tablets (the Socket.IO protocol spoken
directly, nothing done on receipt but noting the time): python-socketio clients spend more
CPU receiving a broadcast than the server spends sending it, so on two shared cores they
would measure themselves, and slow the server down while the ballots come in.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import requests  # noqa: E402
from gevent.socket import wait_read  # noqa: E402
from urllib3.util import parse_url  # noqa: E402

from bench.fanout_clients import LeanTablet  # noqa: E402


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
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        self.headers = {
            "Cookie": self.cookie,
            "X-CSRF-Token": self.http.headers["X-CSRF-Token"],
            "Content-Type": "application/json",
        }
        address = parse_url(url)
        self.lean = http.client.HTTPConnection(address.host, address.port, timeout=30)
        self.socket = LeanTablet(event="vote.closed", key="motion_id")
        self.joined = False

    @property
    def closed(self) -> dict[int, float]:
        return self.socket.seen

    def connect(self, meeting_id: int, attempts: int = 5) -> None:
        for attempt in range(attempts):
            try:
                self.socket.connect(self.url, self.cookie, meeting_id)
                break
            except Exception:
                if attempt == attempts - 1:
                    raise
                self.socket = LeanTablet(event="vote.closed", key="motion_id")
                gevent.sleep(1 + attempt)
        self.joined = True

    def send(self, method: str, path: str, body: Any) -> tuple[int, float, float]:
        sent = time.time()
        start = time.perf_counter()
        try:
            payload = None if body is None else json.dumps(body).encode()
            self.lean.request(method, path, body=payload, headers=self.headers)
            response = self.lean.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.lean.close()
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
    joining = gevent.pool.Pool(8)

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
                }
            )
    # Like tablets switched off: no goodbye.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
