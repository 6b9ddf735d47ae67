"""The guard every Socket.IO event handler goes through.

Flask-Login's `login_required` does nothing on socket handlers; this checks the user on
every event (so a logged-out or revoked session stops working at its next event),
limits how fast one connection may send, validates the payload with a pydantic model
and turns domain errors into `{"ok": false, "error": {...}}` acks.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from flask_login import current_user
from pydantic import BaseModel

from server.api import parse_model
from server.errors import DomainError, NotAuthenticated, TooManyRequests
from server.extensions import db

_recent: dict[str, deque[float]] = {}
RATE_WINDOW_SECONDS = 10.0


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


def socket_handler(
    model: type[BaseModel] | None = None,
) -> Callable[[Callable[..., dict[str, Any] | None]], Callable[..., dict[str, Any]]]:
    """Wrap an event handler: auth, rate limit, payload model, error ack; commit on success."""

    def decorate(fn: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
        @wraps(fn)
        def wrapper(data: Any = None, *_extra: Any) -> dict[str, Any]:
            if not current_user.is_authenticated:
                return error_ack(NotAuthenticated("not_authenticated"))
            if not _within_rate(request.sid):  # type: ignore[attr-defined]
                return error_ack(TooManyRequests("event_rate_limited"))
            try:
                result = fn(parse_model(model, data)) if model is not None else fn()
                db.session.commit()
            except DomainError as err:
                db.session.rollback()
                return error_ack(err)
            return {"ok": True, **(result or {})}

        return wrapper

    return decorate
