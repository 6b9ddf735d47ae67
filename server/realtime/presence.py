"""Presence: which tablets are connected to a meeting right now, across every process.

Presence is not attendance. A delegate whose tablet lost the Wi-Fi is still checked in
(attendance, in the database, changed only by checking in or out); presence only says
which sockets have joined the meeting, so the secretariat can see a tablet that dropped.

Each process keeps its own connections in memory. Without Redis that is the whole
picture (one process). With REDIS_URL every process also writes its connections into one
sorted set per meeting, each entry scored with the time it expires; a heartbeat renews
this process's entries, so the entries of a process that dies vanish after
PRESENCE_TTL_SECONDS. When Redis cannot be reached the summary falls back to this
process's own connections and says `partial: true`.

Changes go to the meeting's staff room as a `presence.updated` notice, at most one per
meeting per PRESENCE_NOTICE_SECONDS per process: 500 tablets joining at once give a few
notices, not 500.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import redis
from flask import Flask, current_app

from server.accounts.models import User
from server.events.outbox import staff_room
from server.events.state import state_section
from server.extensions import socketio
from server.lifecycle import on_serve
from server.meetings import access
from server.realtime.presence_rules import Connection, Summary, notice_delay, summarize
from server.realtime.queue import REDIS_OPTIONS

if TYPE_CHECKING:
    from server.meetings.models import Meeting

log = logging.getLogger(__name__)

NOTICE = "presence.updated"
KEY_PREFIX = "council:presence:"

T = TypeVar("T")


class RedisStore:
    """Connections of every process, one sorted set per meeting scored by expiry time."""

    def __init__(self, url: str, ttl: float, retry_after: float) -> None:
        # Presence is read and written inside socket handlers: wait less than the queue.
        options = REDIS_OPTIONS | {"socket_timeout": 1.0}
        self.client = redis.Redis.from_url(url, decode_responses=True, **options)
        self.ttl = ttl
        self.retry_after = retry_after
        self._down_until = 0.0

    @staticmethod
    def key(meeting_id: int) -> str:
        return f"{KEY_PREFIX}{meeting_id}"

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _call(self, fn: Callable[[], T]) -> T | None:
        """Run a Redis call; None (and a pause before the next try) when Redis fails."""
        if not self.available:
            return None
        try:
            result = fn()
        except redis.RedisError as exc:
            if self._down_until == 0.0:
                log.warning("presence store unreachable (%s); showing this process only", exc)
            self._down_until = time.monotonic() + self.retry_after
            return None
        if self._down_until:
            log.warning("presence store reachable again")
        self._down_until = 0.0
        return result

    def _expiry(self) -> float:
        return time.time() + self.ttl

    def add(self, meeting_id: int, conn: Connection) -> None:
        def run() -> bool:
            pipe = self.client.pipeline(transaction=False)
            pipe.zadd(self.key(meeting_id), {conn.key(): self._expiry()})
            pipe.expire(self.key(meeting_id), math.ceil(self.ttl * 2))
            pipe.execute()
            return True

        # When it fails, the heartbeat writes the entry once Redis is back.
        self._call(run)

    def remove(self, meeting_id: int, conns: list[Connection]) -> None:
        if conns:
            self._call(lambda: self.client.zrem(self.key(meeting_id), *[c.key() for c in conns]))

    def read(self, meeting_id: int) -> list[Connection] | None:
        """Every live connection to the meeting, from all processes; None if unreachable."""

        def run() -> list[Any]:
            pipe = self.client.pipeline(transaction=False)
            pipe.zremrangebyscore(self.key(meeting_id), "-inf", time.time())
            pipe.zrange(self.key(meeting_id), 0, -1)
            return list(pipe.execute())

        result = self._call(run)
        if result is None:
            return None
        return [c for c in map(Connection.parse, result[1]) if c is not None]

    def renew(self, local: dict[int, list[Connection]]) -> list[int] | None:
        """Push back the expiry of this process's entries and drop expired ones.

        Returns the meetings that lost expired entries (a process died), or None when
        Redis is unreachable.
        """
        meetings = list(local)

        def run() -> list[Any]:
            pipe = self.client.pipeline(transaction=False)
            expiry = self._expiry()
            for meeting_id in meetings:
                key = self.key(meeting_id)
                if local[meeting_id]:
                    pipe.zadd(key, {c.key(): expiry for c in local[meeting_id]})
                    pipe.expire(key, math.ceil(self.ttl * 2))
                pipe.zremrangebyscore(key, "-inf", time.time())
            return list(pipe.execute())

        if not meetings:
            return [] if self.available else None
        result = self._call(run)
        if result is None:
            return None
        changed = []
        index = 0
        for meeting_id in meetings:
            index += 2 if local[meeting_id] else 0
            if result[index]:
                changed.append(meeting_id)
            index += 1
        return changed


class Presence:
    """This process's connections per meeting, the shared store, and the notice pacing."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        # The Socket.IO server of this app (tests build many apps in one process, and a
        # paced notice of an earlier app must not reach the clients of a later one).
        self.server = socketio.server
        self.lock = threading.Lock()
        #: meeting_id -> sid -> connection, for this process only.
        self.local: dict[int, dict[str, Connection]] = {}
        url = app.config["REDIS_URL"]
        self.store: RedisStore | None = (
            RedisStore(url, app.config["PRESENCE_TTL_SECONDS"], app.config["REDIS_RETRY_SECONDS"])
            if url
            else None
        )
        self.notice_interval: float = app.config["PRESENCE_NOTICE_SECONDS"]
        self._last_notice: dict[int, float] = {}
        self._scheduled: set[int] = set()
        #: meeting_id -> (when read, summary, partial), for the state's section.
        self._cache: dict[int, tuple[float, Summary, bool]] = {}
        self._store_was_down = False
        self.heartbeat_running = False

    # --- Changes from socket handlers -----------------------------------------------------

    def joined(self, meeting_id: int, conn: Connection) -> None:
        with self.lock:
            known = self.local.setdefault(meeting_id, {}).get(conn.sid)
            self.local[meeting_id][conn.sid] = conn
        if self.store is not None:
            self.store.add(meeting_id, conn)
        if known != conn:
            self.changed(meeting_id)

    def left(self, meeting_id: int, sid: str) -> None:
        with self.lock:
            conn = self.local.get(meeting_id, {}).pop(sid, None)
            if meeting_id in self.local and not self.local[meeting_id]:
                del self.local[meeting_id]
        if conn is None:
            return
        if self.store is not None:
            self.store.remove(meeting_id, [conn])
        self.changed(meeting_id)

    def disconnected(self, sid: str) -> None:
        with self.lock:
            meetings = [m for m, conns in self.local.items() if sid in conns]
        for meeting_id in meetings:
            self.left(meeting_id, sid)

    # --- Reading --------------------------------------------------------------------------

    def _local_of(self, meeting_id: int) -> list[Connection]:
        with self.lock:
            return list(self.local.get(meeting_id, {}).values())

    def summary(self, meeting_id: int, max_age: float = 0.0) -> tuple[Summary, bool]:
        """The meeting's connections in every process, and whether that is only a part.

        With the shared store, `max_age` accepts a summary read that long ago: reading
        is O(connections), and 500 tablets joining at once need not read 500 times.
        """
        if self.store is None:
            return summarize(self._local_of(meeting_id)), False
        cached = self._cache.get(meeting_id)
        if max_age > 0 and cached is not None and time.monotonic() - cached[0] <= max_age:
            return cached[1], cached[2]
        conns = self.store.read(meeting_id)
        result = (
            (summarize(self._local_of(meeting_id)), True)
            if conns is None
            else (summarize(conns), False)
        )
        self._cache[meeting_id] = (time.monotonic(), *result)
        return result

    # --- Notices to the staff room --------------------------------------------------------

    def changed(self, meeting_id: int) -> None:
        """Schedule a `presence.updated` notice for the meeting (paced, see notice_delay)."""
        with self.lock:
            if meeting_id in self._scheduled:
                return
            self._scheduled.add(meeting_id)
            delay = notice_delay(
                self._last_notice.get(meeting_id), time.monotonic(), self.notice_interval
            )
        self.server.start_background_task(self._send_notice, meeting_id, delay)

    def _send_notice(self, meeting_id: int, delay: float) -> None:
        if delay > 0:
            self.server.sleep(delay)
        with self.lock:
            # Cleared before reading, so a change made while we read schedules another.
            self._scheduled.discard(meeting_id)
            self._last_notice[meeting_id] = time.monotonic()
        try:
            summary, partial = self.summary(meeting_id)
            # A notice outside any transaction (as outbox.send_now), to this app's server.
            self.server.emit(
                NOTICE, notice_payload(meeting_id, summary, partial), to=staff_room(meeting_id)
            )
        except Exception:
            log.exception("presence notice for meeting %s", meeting_id)

    # --- Heartbeat (shared store only) ----------------------------------------------------

    def renew(self) -> None:
        """Renew this process's entries; notify meetings whose counts may have moved."""
        if self.store is None:
            return
        with self.lock:
            snapshot = {m: list(conns.values()) for m, conns in self.local.items()}
        expired = self.store.renew(snapshot)
        if expired is None:
            self._store_was_down = True
            return
        with self.lock:
            # A socket that left while the renewal was on its way was written back: undo.
            gone = {
                m: [c for c in conns if c.sid not in self.local.get(m, {})]
                for m, conns in snapshot.items()
            }
        for meeting_id, conns in gone.items():
            self.store.remove(meeting_id, conns)
        if self._store_was_down:
            # Back after an outage: what the staff saw was this process only.
            self._store_was_down = False
            expired = list(snapshot)
        for meeting_id in expired:
            self.changed(meeting_id)

    def run_heartbeat(self) -> None:
        interval = self.app.config["PRESENCE_HEARTBEAT_SECONDS"]
        while True:
            socketio.sleep(interval)
            try:
                self.renew()
            except Exception:
                log.exception("presence heartbeat")


def notice_payload(meeting_id: int, summary: Summary, partial: bool) -> dict[str, Any]:
    return {
        "meeting_id": meeting_id,
        "users": summary.users,
        "members": summary.members,
        "devices": summary.devices,
        "user_ids": list(summary.user_ids),
        "partial": partial,
    }


def presence_of(app: Flask) -> Presence:
    """The app's presence tracker (one per app, so test apps never share one)."""
    tracker = app.extensions.get("presence")
    if tracker is None:
        tracker = app.extensions.setdefault("presence", Presence(app))
    return tracker  # type: ignore[no-any-return]


@state_section("presence")
def _presence_section(meeting: Meeting, user: User) -> dict[str, Any]:
    """Counts for everyone; which users, for the staff only (at most a second old)."""
    summary, partial = presence_of(current_app).summary(meeting.id, max_age=1.0)
    body = notice_payload(meeting.id, summary, partial)
    del body["meeting_id"]
    if not access.is_staff(user, meeting):
        del body["user_ids"]
    return body


@on_serve
def _start_heartbeat(app: Flask) -> None:
    tracker = presence_of(app)
    if tracker.store is not None and not tracker.heartbeat_running:
        tracker.heartbeat_running = True
        socketio.start_background_task(tracker.run_heartbeat)
