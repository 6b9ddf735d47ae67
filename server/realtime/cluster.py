"""Several server processes serving one meeting: the message queue and what it needs.

With REDIS_URL set, `client_manager(app)` is the Socket.IO manager every process uses
(server/realtime/queue.py); without it Socket.IO keeps its rooms in this process only.
A serving process starts its queue listener at once (an `on_serve` hook) instead of at
its first connection, so it already listens when the first tablet joins.
"""

from __future__ import annotations

import logging

from flask import Flask

from server.events.outbox import last_seqs, meeting_room
from server.extensions import db, socketio
from server.lifecycle import on_serve
from server.realtime.queue import SYNC_EVENT, MeetingQueue

log = logging.getLogger(__name__)


def client_manager(app: Flask) -> MeetingQueue | None:
    """The Redis message queue for this app, or None for a single process."""
    url = app.config["REDIS_URL"]
    if not url:
        return None
    return MeetingQueue(
        url,
        retry_after=app.config["REDIS_RETRY_SECONDS"],
        on_resubscribed=lambda: announce_last_seqs(app),
    )


def announce_last_seqs(app: Flask) -> None:
    """Tell this process's tablets the last seq of their meetings (`meeting.sync`).

    Called when the queue listener is back after an outage: anything other processes
    published meanwhile never reached this process, and a tablet only notices a gap when
    a later event comes. With the last seq it can catch up at once.
    """
    manager = socketio.server.manager
    if not isinstance(manager, MeetingQueue):
        return
    ids = manager.local_meeting_ids()
    if not ids:
        return
    with app.app_context():
        try:
            seqs = last_seqs(ids)
        finally:
            db.session.remove()
    for meeting_id, last_seq in seqs.items():
        socketio.server.emit(
            SYNC_EVENT,
            {"meeting_id": meeting_id, "last_seq": last_seq},
            to=meeting_room(meeting_id),
            ignore_queue=True,
        )
    log.warning("told the tablets of %d meetings their last seq", len(seqs))


@on_serve
def _listen_now(app: Flask) -> None:
    server = socketio.server
    if isinstance(server.manager, MeetingQueue) and not server.manager_initialized:
        # python-socketio initialises its manager (and starts listening) on the first
        # connection; a process must already listen when its first tablet joins.
        server.manager_initialized = True
        server.manager.initialize()
