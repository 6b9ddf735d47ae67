"""Two real server processes sharing PostgreSQL and Redis serve one meeting.

Tablets connect to each process; a change made through one reaches the tablets of the
other with the right seq. Redis going away loses no state change (it is in the
database) and shows in /healthz; when Redis is back every tablet is told the last seq
and catches up. A process that dies drops out of presence when its entries expire, and
its tablets catch up by seq on another process.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.live import LiveServer, Tablet
from tests.services import PostgresServer, RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

#: Presence entries expire fast here, so a dead process drops out within seconds.
FAST_PRESENCE = {"PRESENCE_TTL_SECONDS": "3", "PRESENCE_HEARTBEAT_SECONDS": "1"}


@dataclass
class Cluster:
    database_url: str
    redis: RedisServer
    root: Path
    servers: list[LiveServer] = field(default_factory=list)
    tablets: list[Tablet] = field(default_factory=list)

    def start(self, launcher: str = "python") -> list[LiveServer]:
        storage = self.root / "storage"  # one storage directory, shared
        for _ in range(2):
            server = LiveServer(
                database_url=self.database_url,
                storage=storage,
                redis_url=self.redis.url,
                launcher=launcher,
                extra_env=dict(FAST_PRESENCE),
            )
            self.servers.append(server)
        for server in self.servers:
            server.start()
        return self.servers

    def tablet(self, server: LiveServer, username: str) -> Tablet:
        tablet = Tablet(server.url, username)
        self.tablets.append(tablet)
        return tablet

    def close(self) -> None:
        for tablet in self.tablets:
            tablet.close()
        for server in self.servers:
            server.stop()


@pytest.fixture
def cluster(
    postgres_server: PostgresServer, postgres_template: str, own_redis: RedisServer, tmp_path
) -> Iterator[Cluster]:
    name = f"live_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name, template=postgres_template)
    cluster = Cluster(postgres_server.url(name), own_redis, tmp_path)
    yield cluster
    cluster.close()
    postgres_server.drop_database(name)


def _meeting_id(tablet: Tablet) -> int:
    return int(tablet.api("GET", "/api/meetings").json()["meetings"][0]["id"])


def _set_item(chair: Tablet, meeting_id: int, item_id: int | None) -> None:
    response = chair.api(
        "PUT", f"/api/meetings/{meeting_id}/current-item", json={"agenda_item_id": item_id}
    )
    assert response.status_code == 200, response.text


def _events(tablet: Tablet, name: str) -> list[Any]:
    return [data for event, data in tablet.received if event == name]


def _catch_up(tablet: Tablet, meeting_id: int, since: int) -> dict[str, Any]:
    response = tablet.api("GET", f"/api/meetings/{meeting_id}/state?since={since}")
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize("launcher", ["python", "gunicorn"])
def test_a_change_on_one_process_reaches_tablets_on_the_other(cluster: Cluster, launcher: str):
    a, b = cluster.start(launcher)
    if launcher == "gunicorn":
        assert requests.get(f"{a.url}/healthz", timeout=5).json()["async_mode"] == "gevent"
    secretary = cluster.tablet(b, "secretary")
    meeting_id = _meeting_id(secretary)
    secretary.connect()
    staff_state = secretary.join(meeting_id)["state"]
    on_a, on_b = cluster.tablet(a, "delegate01"), cluster.tablet(b, "delegate02")
    on_a.connect()  # WebSocket transport only: this is the upgrade path under gunicorn too
    on_b.connect()
    ack_a, ack_b = on_a.join(meeting_id), on_b.join(meeting_id)
    seq = ack_a["seq"]
    assert ack_b["seq"] == seq

    # Presence is shared: the secretary, on B, sees the delegate connected to A.
    everyone = {secretary.user["id"], on_a.user["id"], on_b.user["id"]}
    notice = secretary.wait_for(
        "presence.updated", lambda n: set(n["user_ids"]) == everyone, timeout=10
    )
    assert notice["meeting_id"] == meeting_id
    assert (notice["users"], notice["members"], notice["devices"]) == (3, 2, 3)
    # The state's presence may be up to a second old (it is read once for a burst of joins).
    deadline = time.monotonic() + 5
    while True:
        state_on_b = secretary.api("GET", f"/api/meetings/{meeting_id}/state").json()["state"]
        if state_on_b["presence"]["users"] == 3 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert state_on_b["presence"]["users"] == 3
    assert state_on_b["presence"]["members"] == 2

    chair = cluster.tablet(a, "chair")
    item = staff_state["agenda"][2]["id"]
    _set_item(chair, meeting_id, item)
    for tablet in (on_a, on_b, secretary):
        event = tablet.wait_for("agenda.current", lambda e: e["agenda_item_id"] == item)
        assert event["seq"] == seq + 1
        assert event["meeting_id"] == meeting_id

    # And the other way round: a check-in made through B reaches the tablet on A.
    response = on_b.api("POST", f"/api/meetings/{meeting_id}/attendance/check-in", json={})
    assert response.status_code == 200, response.text
    event = on_a.wait_for("attendance.updated")
    assert event["seq"] == seq + 2
    assert event["present"] == 1


def test_redis_outage_loses_no_change_and_tablets_catch_up(cluster: Cluster):
    a, b = cluster.start()
    on_a, on_b = cluster.tablet(a, "delegate01"), cluster.tablet(b, "delegate02")
    meeting_id = _meeting_id(on_a)
    on_a.connect()
    on_b.connect()
    ack = on_a.join(meeting_id)
    assert on_b.join(meeting_id)["seq"] == ack["seq"]
    seq = ack["seq"]
    items = [i["id"] for i in ack["state"]["agenda"]]
    chair = cluster.tablet(a, "chair")

    # First Redis hangs (SIGSTOP: connections accepted, nothing answered), the worst case
    # for a publisher: upstream python-socketio held the request ~10 s per event here.
    redis_process = cluster.redis.process
    assert redis_process is not None
    redis_process.send_signal(signal.SIGSTOP)
    health = requests.get(f"{a.url}/healthz", timeout=10)
    assert health.status_code == 200
    assert health.json()["redis"] == "unreachable"

    # Changes still succeed, without waiting on Redis: they are committed, and the
    # tablets of the same process get them at once.
    started = time.monotonic()
    _set_item(chair, meeting_id, items[1])
    assert time.monotonic() - started < 3
    assert on_a.wait_for("agenda.current")["seq"] == seq + 1

    # Then Redis dies outright.
    redis_process.kill()
    redis_process.wait()
    cluster.redis.process = None
    assert requests.get(f"{b.url}/healthz", timeout=10).json()["redis"] == "unreachable"
    response = on_b.api("POST", f"/api/meetings/{meeting_id}/attendance/check-in", json={})
    assert response.status_code == 200, response.text
    assert on_b.wait_for("attendance.updated")["seq"] == seq + 2
    # Stored, so any process can replay them.
    missed = _catch_up(on_b, meeting_id, seq)
    assert [e["data"]["seq"] for e in missed["events"]] == [seq + 1, seq + 2]

    cluster.redis.start()  # back on the same port
    # Each tablet is told the last seq, though nothing new has happened...
    for tablet in (on_a, on_b):
        sync = tablet.wait_for("meeting.sync", lambda s: s["last_seq"] >= seq + 2, timeout=30)
        assert sync["meeting_id"] == meeting_id
    # ...and fetches exactly what it missed, in order.
    assert not _events(on_b, "agenda.current")
    missed = _catch_up(on_b, meeting_id, seq + 0)
    assert [(e["name"], e["data"]["seq"]) for e in missed["events"]] == [
        ("agenda.current", seq + 1),
        ("attendance.updated", seq + 2),
    ]
    assert missed["events"][0]["data"]["agenda_item_id"] == items[1]
    assert missed["seq"] == seq + 2

    # The queue carries events between the processes again.
    _set_item(chair, meeting_id, items[2])
    for tablet in (on_a, on_b):
        event = tablet.wait_for("agenda.current", lambda e: e["agenda_item_id"] == items[2])
        assert event["seq"] == seq + 3
    assert requests.get(f"{b.url}/healthz", timeout=10).json()["redis"] == "ok"


def test_a_dead_process_drops_out_and_its_tablets_catch_up_elsewhere(cluster: Cluster):
    a, b = cluster.start()
    secretary = cluster.tablet(a, "secretary")
    meeting_id = _meeting_id(secretary)
    secretary.connect()
    secretary.join(meeting_id)
    on_b = cluster.tablet(b, "delegate02")
    on_b.connect()
    ack = on_b.join(meeting_id)
    seq = ack["seq"]
    secretary.wait_for("presence.updated", lambda n: on_b.user["id"] in n["user_ids"])

    b.kill()  # no goodbye: its sockets and its presence entries are left behind
    chair = cluster.tablet(a, "chair")
    items = [i["id"] for i in ack["state"]["agenda"]]
    _set_item(chair, meeting_id, items[3])
    _set_item(chair, meeting_id, items[4])

    # B's entries expire (TTL 3 s here) and the secretary is told.
    notice = secretary.wait_for(
        "presence.updated", lambda n: on_b.user["id"] not in n["user_ids"], timeout=20
    )
    assert notice["user_ids"] == [secretary.user["id"]]

    # The tablet comes back through the surviving process and catches up by seq.
    assert on_b.sio is not None
    on_b.sio.disconnect()
    on_b.base_url = a.url
    missed = _catch_up(on_b, meeting_id, seq)
    assert [(e["name"], e["data"]["seq"]) for e in missed["events"]] == [
        ("agenda.current", seq + 1),
        ("agenda.current", seq + 2),
    ]
    on_b.received.clear()
    on_b.connect()
    rejoined = on_b.join(meeting_id)
    assert rejoined["seq"] == seq + 2
    assert rejoined["state"]["current_agenda_item_id"] == items[4]
    _set_item(chair, meeting_id, None)
    assert on_b.wait_for("agenda.current")["seq"] == seq + 3
