"""The Redis parts of scale-out against a real Redis: the presence store and the queue.

Each test runs its own Redis, since some stop it to see what an outage does. The whole
two-process picture is in tests/system/test_scale_out.py.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import redis
import socketio

from server.realtime.presence import RedisStore
from server.realtime.presence_rules import Connection
from server.realtime.queue import CHANNEL, MeetingQueue

pytestmark = pytest.mark.redis


def _wait(predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


# --- Presence store ---------------------------------------------------------------------


def test_processes_see_each_others_connections(own_redis):
    a = RedisStore(own_redis.url, ttl=30, retry_after=1)
    b = RedisStore(own_redis.url, ttl=30, retry_after=1)
    a.add(7, Connection("sa", 1, True))
    b.add(7, Connection("sb", 2, False))
    b.add(8, Connection("sc", 3, True))
    assert sorted(c.sid for c in a.read(7)) == ["sa", "sb"]
    assert [c.sid for c in a.read(8)] == ["sc"]
    b.remove(7, [Connection("sb", 2, False)])
    assert [c.sid for c in a.read(7)] == ["sa"]


def test_entries_of_a_dead_process_expire(own_redis):
    alive = RedisStore(own_redis.url, ttl=30, retry_after=1)
    dead = RedisStore(own_redis.url, ttl=1, retry_after=1)
    mine = Connection("mine", 1, True)
    alive.add(7, mine)
    dead.add(7, Connection("ghost", 2, True))  # and then it never renews
    assert len(alive.read(7)) == 2
    time.sleep(1.2)
    # Renewing purges the expired entry and names the meeting whose count moved.
    assert alive.renew({7: [mine]}) == [7]
    assert [c.sid for c in alive.read(7)] == ["mine"]
    assert alive.renew({7: [mine]}) == []


def test_renewal_keeps_entries_alive(own_redis):
    store = RedisStore(own_redis.url, ttl=1, retry_after=1)
    conn = Connection("s", 1, True)
    store.add(7, conn)
    for _ in range(3):
        time.sleep(0.5)
        assert store.renew({7: [conn]}) == []
    assert [c.sid for c in store.read(7)] == ["s"]


def test_store_answers_none_while_redis_is_down(own_redis):
    store = RedisStore(own_redis.url, ttl=30, retry_after=60)
    conn = Connection("s", 1, True)
    store.add(7, conn)
    own_redis.stop()
    assert store.read(7) is None
    assert not store.available  # no further attempts until retry_after has passed
    store.add(7, Connection("t", 2, True))  # ignored, never raises
    assert store.renew({7: [conn]}) is None


# --- Message queue ----------------------------------------------------------------------


class Listener:
    """A plain Redis subscriber on the queue's channel: what other processes would hear."""

    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        self.url = url
        self.channel = channel
        self.messages: list[dict[str, Any]] = []
        self._connect()

    def _connect(self) -> None:
        self.pubsub = redis.Redis.from_url(self.url).pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(self.channel)

    def poll(self) -> list[dict[str, Any]]:
        while True:
            message = self.pubsub.get_message(timeout=0.05)
            if message is None:
                return self.messages
            self.messages.append(json.loads(message["data"]))

    def events(self) -> list[tuple[str, Any]]:
        return [(m["event"], m["data"][0]) for m in self.poll() if m.get("method") == "emit"]


def _server(url: str, retry_after: float = 0.5) -> socketio.Server:
    return socketio.Server(
        async_mode="threading", client_manager=MeetingQueue(url, retry_after=retry_after)
    )


def test_queue_publishes_on_flask_socketios_channel(own_redis):
    other_process = Listener(own_redis.url)
    wrong_channel = Listener(own_redis.url, channel="socketio")
    server = _server(own_redis.url)
    server.emit("agenda.current", {"meeting_id": 3, "seq": 1}, to="meeting:3")
    assert _wait(other_process.events) == [("agenda.current", {"meeting_id": 3, "seq": 1})]
    assert wrong_channel.events() == []


def test_an_outage_never_blocks_the_emitter_and_lost_meetings_are_told_to_sync(own_redis):
    server = _server(own_redis.url, retry_after=0.5)
    manager = server.manager
    server.emit("agenda.current", {"meeting_id": 3, "seq": 1}, to="meeting:3")
    _wait(lambda: manager.published == 1)

    own_redis.process.send_signal(19)  # SIGSTOP: Redis hangs instead of refusing
    try:
        started = time.monotonic()
        for seq in (2, 3):
            server.emit("agenda.current", {"meeting_id": 3, "seq": seq}, to="meeting:3")
        server.emit("presence.updated", {"meeting_id": 3, "users": 1}, to="meeting:3:staff")
        server.emit("speakers.updated", {"meeting_id": 4, "seq": 9}, to="meeting:4")
        # The caller (a request that committed) is never held up by the queue...
        assert time.monotonic() - started < 0.5
        # ...and the publisher gives up after its own short timeout, noting what was lost.
        _wait(lambda: manager.missed == {3: 3, 4: 9})
    finally:
        own_redis.process.send_signal(18)  # SIGCONT
    own_redis.stop()

    own_redis.start()  # back, on the same port
    other_process = Listener(own_redis.url)
    # With nothing new to publish, the publisher still announces the losses.
    syncs = _wait(lambda: [d for e, d in other_process.events() if e == "meeting.sync"])
    assert sorted((d["meeting_id"], d["last_seq"]) for d in syncs) == [(3, 3), (4, 9)]
    assert manager.missed == {}
    server.emit("agenda.current", {"meeting_id": 3, "seq": 4}, to="meeting:3")
    _wait(lambda: ("agenda.current", {"meeting_id": 3, "seq": 4}) in other_process.events())
