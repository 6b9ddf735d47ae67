"""Votes against real server processes: killed mid-vote, restarted, and two behind Redis."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from tests.live import LiveServer, Tablet, prepare_database

pytestmark = pytest.mark.slow

DELEGATES = 50


def choice_of(n: int) -> str:
    return ("yes", "yes", "no", "abstain")[n % 4]


class Session:
    """The demo session on a live server: staff tablets and the delegates' ids."""

    def __init__(self, base_url: str) -> None:
        self.secretary = Tablet(base_url, "secretary")
        self.chair = Tablet(base_url, "chair")
        self.meeting_id = self.secretary.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        council = self.secretary.api("GET", "/api/councils").json()["councils"][0]["id"]
        members = self.secretary.api("GET", f"/api/councils/{council}/members").json()["members"]
        self.uid = {int(m["username"].removeprefix("delegate")): m["user_id"] for m in members}
        agenda = self.secretary.api("GET", f"/api/meetings/{self.meeting_id}").json()["agenda"]
        self.item = next(i["id"] for i in agenda if i["kind"] == "resolution")

    def check_in_everyone(self) -> None:
        for n in range(1, DELEGATES + 1):
            response = self.secretary.api(
                "POST",
                f"/api/meetings/{self.meeting_id}/attendance/check-in",
                json={"user_id": self.uid[n], "state": "present"},
            )
            assert response.status_code == 200, response.text

    def open_motion(self, **fields: Any) -> dict[str, Any]:
        body = {"agenda_item_id": self.item, "title": "Thông qua nghị quyết", **fields}
        motion = self.secretary.api(
            "POST", f"/api/meetings/{self.meeting_id}/motions", json=body
        ).json()
        opened = self.chair.api("POST", f"/api/motions/{motion['id']}/open", json={})
        assert opened.status_code == 200, opened.text
        return opened.json()  # type: ignore[no-any-return]

    def close(self) -> None:
        self.secretary.close()
        self.chair.close()


def cast(tablet: Tablet, motion_id: int, n: int) -> requests.Response:
    return tablet.api(
        "POST", f"/api/motions/{motion_id}/ballot", json={"choice": choice_of(n)}, timeout=10
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A prepared database (SQLite or PostgreSQL) and a server on it, not yet started."""
    storage = tmp_path / "storage"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
        prepare_database(url, storage)
        server = LiveServer(database_url=url, storage=storage)
        yield server
        server.stop()
        return
    postgres = request.getfixturevalue("postgres_server")
    name = f"k_{uuid.uuid4().hex[:10]}"
    postgres.create_database(name)
    prepare_database(postgres.url(name), storage)
    server = LiveServer(database_url=postgres.url(name), storage=storage)
    yield server
    server.stop()
    postgres.drop_database(name)


def test_killed_mid_vote_loses_no_acknowledged_ballot(live_server: LiveServer):
    server = live_server.start()
    hall = Session(server.url)
    hall.check_in_everyone()
    delegates = {n: Tablet(server.url, f"delegate{n:02d}") for n in range(1, DELEGATES + 1)}
    watcher = Tablet(server.url, "display")
    watcher.connect()
    joined = watcher.join(hall.meeting_id)
    motion = hall.open_motion()
    watcher.wait_for("vote.opened")
    seen_seq = max(d["seq"] for name, d in watcher.received if name.startswith("vote."))
    assert seen_seq > joined["seq"]

    acked: dict[int, str] = {}
    failed: list[int] = []
    lock = threading.Lock()
    start = time.monotonic() + 0.2

    def vote(n: int) -> None:
        # The delegates press within about a second, as in the hall.
        time.sleep(max(0.0, start + n * 0.02 - time.monotonic()))
        try:
            response = cast(delegates[n], motion["id"], n)
        except requests.RequestException:
            with lock:
                failed.append(n)
            return
        with lock:
            if response.status_code == 200:
                acked[n] = choice_of(n)
            else:
                failed.append(n)

    threads = [threading.Thread(target=vote, args=(n,)) for n in delegates]
    for t in threads:
        t.start()
    while len(acked) < 15:
        time.sleep(0.001)
    server.kill()  # SIGKILL in the middle of the vote
    for t in threads:
        t.join(timeout=30)
    assert len(acked) < DELEGATES, "the kill came too late to test anything"
    assert len(acked) + len(failed) == DELEGATES

    server.start()
    # Every acknowledged ballot is there, and the vote is still open.
    state = hall.chair.api("GET", f"/api/motions/{motion['id']}").json()
    assert state["status"] == "open"
    non_voters = hall.chair.api("GET", f"/api/motions/{motion['id']}/non-voters").json()
    missing = {v["user_id"] for v in non_voters["non_voters"]}
    assert not missing & {hall.uid[n] for n in acked}
    assert state["cast"] >= len(acked)

    # The tablet that lost its connection catches up by seq.
    watcher.close()
    watcher = Tablet(server.url, "display")
    caught_up = watcher.api(
        "GET", f"/api/meetings/{hall.meeting_id}/state", params={"since": seen_seq}
    ).json()
    replayed = caught_up.get("events") or []
    assert all(e["data"]["seq"] > seen_seq for e in replayed)
    watcher.connect()
    rejoined = watcher.join(hall.meeting_id)
    assert rejoined["state"]["votes"]["open_motion_id"] == motion["id"]

    # Tablets whose answer never came retry; those already answered may retry harmlessly.
    for n in delegates:
        again = cast(delegates[n], motion["id"], n)
        assert again.status_code == 200, again.text
        assert again.json()["changed"] is False
    closed = hall.chair.api("POST", f"/api/motions/{motion['id']}/close")
    assert closed.status_code == 200, closed.text
    result = closed.json()["result"]
    assert result["cast"] == DELEGATES
    assert result["yes"] == sum(1 for n in delegates if choice_of(n) == "yes")
    named = {e["user_id"]: e["choice"] for e in result["named"]}
    for n, choice in acked.items():
        assert named[hall.uid[n]] == choice
    event = watcher.wait_for("vote.closed")
    assert event["result"]["cast"] == DELEGATES
    assert event["seq"] > rejoined["seq"]

    for tablet in (*delegates.values(), watcher):
        tablet.close()
    hall.close()


def test_a_restarted_process_closes_votes_whose_time_runs_out(live_sqlite: LiveServer):
    server = live_sqlite.start()
    hall = Session(server.url)
    hall.check_in_everyone()
    motion = hall.open_motion(duration_seconds=10)
    closes_at = datetime.fromisoformat(motion["closes_at"])
    delegate = Tablet(server.url, "delegate07")
    assert cast(delegate, motion["id"], 7).status_code == 200
    server.kill()
    server.start()  # the @on_serve hook re-arms the timer
    watcher = Tablet(server.url, "guest")
    watcher.connect()
    watcher.join(hall.meeting_id)
    remaining = (closes_at - datetime.now(closes_at.tzinfo)).total_seconds()
    event = watcher.wait_for("vote.closed", timeout=max(remaining, 0) + 10)
    assert event["motion_id"] == motion["id"]
    assert event["result"]["cast"] == 1
    closed_at = datetime.fromisoformat(event["result"]["closed_at"])
    assert (closed_at - closes_at).total_seconds() < 3
    for tablet in (delegate, watcher):
        tablet.close()
    hall.close()


@pytest.fixture
def two_servers(postgres_server, redis_server, tmp_path: Path) -> Iterator[list[LiveServer]]:
    name = f"v_{uuid.uuid4().hex[:10]}"
    postgres_server.create_database(name)
    url = postgres_server.url(name)
    storage = tmp_path / "storage"
    prepare_database(url, storage)
    servers = [
        LiveServer(database_url=url, storage=storage, redis_url=redis_server.url) for _ in range(2)
    ]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()
        postgres_server.drop_database(name)


class RedisTraffic:
    """Every command Redis runs (MONITOR), recorded in a thread until `stop`."""

    def __init__(self, url: str) -> None:
        self.commands: list[str] = []
        self._monitor = redis.Redis.from_url(url).monitor()
        self._monitor.__enter__()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while True:
                self.commands.append(str(self._monitor.next_command()["command"]))
        except (redis.ConnectionError, OSError, ValueError, AttributeError):
            return

    def stop(self) -> str:
        time.sleep(0.5)  # the last events' publications
        self._monitor.connection.disconnect()
        self._thread.join(timeout=5)
        return "\n".join(self.commands)


def test_two_processes_count_each_ballot_once(two_servers: list[LiveServer], redis_server):
    first, second = two_servers
    hall = Session(first.url)
    hall.check_in_everyone()
    traffic = RedisTraffic(redis_server.url)
    watchers = []
    for server, who in ((first, "guest"), (second, "display")):
        tablet = Tablet(server.url, who)
        tablet.connect()
        tablet.join(hall.meeting_id)
        watchers.append(tablet)
    motion = hall.open_motion(secret=True)
    for watcher in watchers:
        assert watcher.wait_for("vote.opened")["motion"]["id"] == motion["id"]

    # Half the hall is served by each process; ten tablets also retry on the other one.
    tablets = {
        n: Tablet((first if n % 2 else second).url, f"delegate{n:02d}")
        for n in range(1, DELEGATES + 1)
    }
    retries = {
        n: Tablet((second if n % 2 else first).url, f"delegate{n:02d}") for n in range(1, 11)
    }
    answers: list[int] = []
    lock = threading.Lock()

    def vote(tablet: Tablet, n: int) -> None:
        status = cast(tablet, motion["id"], n).status_code
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=vote, args=(t, n)) for n, t in tablets.items()]
    threads += [threading.Thread(target=vote, args=(t, n)) for n, t in retries.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [200] * (DELEGATES + len(retries))

    hall_on_second = Tablet(second.url, "chair")
    closed = hall_on_second.api("POST", f"/api/motions/{motion['id']}/close")
    assert closed.status_code == 200, closed.text
    result = closed.json()["result"]
    assert result["cast"] == DELEGATES
    expected = {c: sum(1 for n in tablets if choice_of(n) == c) for c in ("yes", "no", "abstain")}
    assert {c: result[c] for c in expected} == expected
    # Both processes' tablets get the result, with the same seq.
    events = [w.wait_for("vote.closed") for w in watchers]
    assert events[0]["seq"] == events[1]["seq"]
    assert events[0]["result"]["cast"] == DELEGATES
    # The events went through Redis; no ballot did, sealed or not, and no one's own vote.
    seen = traffic.stop()
    assert "vote.closed" in seen
    assert "vote.progress" in seen
    assert '"choice"' not in seen
    assert "sealed" not in seen
    assert '"my_vote": {' not in seen
    for tablet in (*tablets.values(), *retries.values(), *watchers, hall_on_second):
        tablet.close()
    hall.close()
