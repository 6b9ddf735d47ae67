"""The Socket.IO message queue between server processes (Redis), made safe to lose.

python-socketio's `RedisManager` sends every emit to this process's own clients first
and then publishes it for the other processes. Upstream, that publish runs inside the
caller (a request that just committed) and, against a Redis that hangs rather than
refuses, waits twice for redis-py's socket timeout: ten seconds per event. Here:

- publishing happens in one background task, in order, so a request never waits on Redis;
- when Redis fails, publishing stops for `retry_after` seconds (events are dropped, not
  queued without bound) and the meetings whose events were lost are remembered; once a
  publish succeeds again, a `meeting.sync` notice with the last lost seq goes to those
  meetings' rooms in every process, so their tablets fetch what they missed by seq;
- the listener reconnects with a backoff capped at a few seconds (upstream: 60), and when
  it is subscribed again after a failure it calls `on_resubscribed`, which tells this
  process's tablets the current seq of their meetings (they may have missed anything
  published while this process was not listening).

The channel must be the same in every process ("flask-socketio", Flask-SocketIO's; an
emitter on python-socketio's default "socketio" would deliver nothing, silently).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
import socketio
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

CHANNEL = "flask-socketio"
SYNC_EVENT = "meeting.sync"

#: Connection settings for both the publisher and the listener. The listener's blocking
#: read is exempt from `socket_timeout` (redis-py waits without a timeout for pub/sub).
REDIS_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 1.0,
    "socket_timeout": 2.0,
    # One immediate retry: after Redis restarts, the first command on each pooled
    # connection fails on the dead socket. Beyond that we retry on our own schedule.
    "retry": Retry(NoBackoff(), 1),
}


def meeting_of(message: dict[str, Any]) -> tuple[int, int] | None:
    """(meeting_id, seq) of a queued emit that belongs to a meeting's numbered stream."""
    if message.get("method") != "emit":
        return None
    data = message.get("data")
    payload = data[0] if isinstance(data, list) and data else None
    if not isinstance(payload, dict):
        return None
    meeting_id, seq = payload.get("meeting_id"), payload.get("seq")
    if isinstance(meeting_id, int) and isinstance(seq, int):
        return meeting_id, seq
    return None


def sync_message(meeting_id: int, last_seq: int, host_id: str) -> dict[str, Any]:
    """A queue message that emits `meeting.sync` to a meeting's room in the other processes."""
    return {
        "method": "emit",
        "event": SYNC_EVENT,
        "data": [{"meeting_id": meeting_id, "last_seq": last_seq}],
        "binary": False,
        "namespace": "/",
        "room": f"meeting:{meeting_id}",
        "skip_sid": None,
        "callback": None,
        "host_id": host_id,
    }


class MeetingQueue(socketio.RedisManager):  # type: ignore[misc]
    """RedisManager that never stalls the caller and reports what a Redis outage lost."""

    def __init__(
        self,
        url: str,
        *,
        channel: str = CHANNEL,
        retry_after: float = 3.0,
        max_listen_backoff: float = 5.0,
        on_resubscribed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(url, channel=channel, redis_options=dict(REDIS_OPTIONS))
        self.retry_after = retry_after
        self.max_listen_backoff = max_listen_backoff
        self.on_resubscribed = on_resubscribed
        self._publisher: redis.Redis | None = None
        self._outgoing: Any = None
        self._down_until = 0.0
        #: meeting_id -> the last seq whose publish was lost.
        self.missed: dict[int, int] = {}
        self.dropped = 0
        self.published = 0

    # --- Publishing -------------------------------------------------------------------

    def _publish(self, data: dict[str, Any] | None) -> None:
        """Hand a message to the publisher task; never blocks, never raises.

        None only wakes the publisher (to announce losses once Redis is back).
        """
        if self._outgoing is None:
            self._outgoing = self.server.eio.create_queue()
            self.server.start_background_task(self._publish_loop)
        self._outgoing.put(data)

    def _publish_loop(self) -> None:
        empty = self.server.eio.get_queue_empty_exception()
        while True:
            try:
                data = self._outgoing.get(timeout=self.retry_after)
            except empty:
                data = None
            try:
                self._handle_outgoing(data)
            except Exception:  # the loop must outlive any surprise
                log.exception("message queue publisher")

    def _handle_outgoing(self, data: dict[str, Any] | None) -> None:
        if time.monotonic() < self._down_until:
            if data is not None:
                self._lost(data)
            return
        if self.missed:
            # Redis may be back: announcing the losses is the connectivity check.
            missed = dict(self.missed)
            for meeting_id, seq in missed.items():
                if not self._send(sync_message(meeting_id, seq, self.host_id)):
                    if data is not None:
                        self._lost(data)
                    return
                if self.missed.get(meeting_id) == seq:
                    del self.missed[meeting_id]
            log.warning("message queue is back; told %d meetings to catch up", len(missed))
        if data is not None and not self._send(data):
            self._lost(data)

    def _send(self, data: dict[str, Any]) -> bool:
        if self._publisher is None:
            self._publisher = redis.Redis.from_url(self.redis_url, **self.redis_options)
        try:
            self._publisher.publish(self.channel, self.json.dumps(data))
        except Exception as exc:
            if not self._is_down():
                log.warning(
                    "message queue unreachable (%s); events stay in the database and "
                    "tablets catch up by seq when it is back",
                    exc,
                )
            self._down_until = time.monotonic() + self.retry_after
            return False
        self._down_until = 0.0
        self.published += 1
        return True

    def _is_down(self) -> bool:
        return self._down_until > 0.0

    def _lost(self, data: dict[str, Any]) -> None:
        self.dropped += 1
        found = meeting_of(data)
        if found is not None:
            meeting_id, seq = found
            self.missed[meeting_id] = max(seq, self.missed.get(meeting_id, 0))

    # --- Listening --------------------------------------------------------------------

    def _redis_listen_with_retries(self) -> Iterator[dict[str, Any]]:
        """Upstream's loop with a short backoff and a hook after re-subscribing."""
        sleep = 0.5
        failed = False
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if failed:
                    log.warning("message queue listener subscribed again")
                    failed = False
                    # Redis is back: let the publisher try now rather than after its pause.
                    self._down_until = 0.0
                    if self._outgoing is not None:
                        self._outgoing.put(None)
                    if self.on_resubscribed is not None:
                        self.server.start_background_task(self.on_resubscribed)
                sleep = 0.5
                yield from self.pubsub.listen()
            except Exception as exc:
                if not failed:
                    log.warning("message queue listener lost Redis (%s); retrying", exc)
                failed = True
                time.sleep(sleep)
                sleep = min(sleep * 2, self.max_listen_backoff)

    def local_meeting_ids(self) -> list[int]:
        """Meetings with a room in this process (some of their tablets are connected here)."""
        ids = []
        for room in list(self.rooms.get("/", {})):
            if isinstance(room, str) and room.startswith("meeting:"):
                rest = room.removeprefix("meeting:")
                if rest.isdigit():
                    ids.append(int(rest))
        return ids
