"""The guard every Socket.IO event handler goes through.

Flask-Login's `login_required` does nothing on socket handlers; this checks the user on
every event (so a logged-out or revoked session stops working at its next event),
limits how fast one connection may send, validates the payload with a pydantic model
and turns domain errors into `{"ok": false, "error": {...}}` acks. Anything unexpected
(a bug, the database gone) still gets an error ack: a client never waits for an answer
that will not come.

Handlers also take one of a few slots per process (`SOCKET_HANDLER_SLOTS`) for as long as
they run. When a hall's tablets all reconnect at once (the Wi-Fi came back), hundreds of
`join`s arrive together; without slots each would hold a database connection while it
waits for the CPU, the pool would run dry, and joins would fail after the pool timeout.
With slots they queue cooperatively and each runs quickly once its turn comes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from flask import Flask, current_app, request
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from server.api import Strict, parse_model
from server.errors import (
    DomainError,
    InsufficientStorage,
    NotAuthenticated,
    TooManyRequests,
    Unavailable,
    storage_full,
)
from server.extensions import db

log = logging.getLogger(__name__)

_recent: dict[str, deque[float]] = {}
RATE_WINDOW_SECONDS = 10.0

#: The database is unreachable, or every pooled connection is taken for too long.
DATABASE_UNAVAILABLE = (OperationalError, PoolTimeout)


def error_ack(err: DomainError) -> dict[str, Any]:
    return {"ok": False, "error": err.to_dict()}


def _within_rate(sid: str) -> bool:
    limit = current_app.config["SOCKET_EVENTS_PER_10S"]
    now = time.monotonic()
    stamps = _recent.setdefault(sid, deque())
    while stamps and now - stamps[0] > RATE_WINDOW_SECONDS:
        stamps.popleft()
    if len(stamps) >= limit:
        return False
    stamps.append(now)
    return True


def forget(sid: str) -> None:
    _recent.pop(sid, None)


def _slots_of(app: Flask) -> threading.BoundedSemaphore:
    slots = app.extensions.get("socket_handler_slots")
    if slots is None:
        # Under gevent, threading is patched: waiting for a slot yields to other greenlets.
        slots = app.extensions.setdefault(
            "socket_handler_slots",
            threading.BoundedSemaphore(app.config["SOCKET_HANDLER_SLOTS"]),
        )
    return slots  # type: ignore[no-any-return]


@contextmanager
def handler_slot() -> Iterator[None]:
    """Hold one of the process's socket handler slots (see the module docstring)."""
    slots = _slots_of(current_app)
    with slots:
        yield


def refusal() -> dict[str, Any] | None:
    """The error ack for a caller who may not send events now, else None."""
    if not current_user.is_authenticated:
        return error_ack(NotAuthenticated("not_authenticated"))
    if not _within_rate(request.sid):  # type: ignore[attr-defined]
        return error_ack(TooManyRequests("event_rate_limited"))
    return None


def failure_ack(name: str, exc: Exception) -> dict[str, Any]:
    """The ack for an exception that is not a domain error; re-raised in tests if a bug."""
    db.session.rollback()
    if storage_full(exc):
        log.error("storage full during socket event %s: %s", name, exc)
        return error_ack(InsufficientStorage())
    if isinstance(exc, DATABASE_UNAVAILABLE):
        log.warning("database unavailable during socket event %s: %s", name, exc)
        return error_ack(Unavailable("service_unavailable"))
    log.error("socket event %s failed", name, exc_info=exc)
    if current_app.testing and current_app.config.get("PROPAGATE_UNEXPECTED", True):
        raise exc
    return error_ack(DomainError("internal_error"))


def socket_handler(
    model: type[Strict] | None = None,
) -> Callable[[Callable[..., dict[str, Any] | None]], Callable[..., dict[str, Any]]]:
    """Wrap an event handler: slot, auth, rate limit, payload model, error ack, commit."""

    def decorate(fn: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
        @wraps(fn)
        def wrapper(data: Any = None, *_extra: Any) -> dict[str, Any]:
            with handler_slot():
                try:
                    refused = refusal()
                    if refused is not None:
                        return refused
                    result = fn(parse_model(model, data)) if model is not None else fn()
                    db.session.commit()
                except DomainError as err:
                    db.session.rollback()
                    return error_ack(err)
                except Exception as exc:
                    return failure_ack(fn.__name__, exc)
                return {"ok": True, **(result or {})}

        return wrapper

    return decorate
