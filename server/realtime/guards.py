"""The guard every Socket.IO event handler goes through.

Flask-Login's `login_required` does nothing on socket handlers; this checks the user on
every event (so a logged-out or revoked session stops working at its next event),
limits how fast one connection may send, validates the payload with a pydantic model
and turns domain errors into `{"ok": false, "error": {...}}` acks. Anything unexpected
(a bug, the database gone) still gets an error ack: a client never waits for an answer
that will not come.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from flask_login import current_user
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError

from server.api import parse_model
from server.errors import DomainError, NotAuthenticated, TooManyRequests, Unavailable
from server.extensions import db

log = logging.getLogger(__name__)

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


def refusal() -> dict[str, Any] | None:
    """The error ack for a caller who may not send events now, else None."""
    if not current_user.is_authenticated:
        return error_ack(NotAuthenticated("not_authenticated"))
    if not _within_rate(request.sid):  # type: ignore[attr-defined]
        return error_ack(TooManyRequests("event_rate_limited"))
    return None


def socket_handler(
    model: type[BaseModel] | None = None,
) -> Callable[[Callable[..., dict[str, Any] | None]], Callable[..., dict[str, Any]]]:
    """Wrap an event handler: auth, rate limit, payload model, error ack; commit on success."""

    def decorate(fn: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
        @wraps(fn)
        def wrapper(data: Any = None, *_extra: Any) -> dict[str, Any]:
            refused = refusal()
            if refused is not None:
                return refused
            try:
                result = fn(parse_model(model, data)) if model is not None else fn()
                db.session.commit()
            except DomainError as err:
                db.session.rollback()
                return error_ack(err)
            except OperationalError as exc:
                db.session.rollback()
                log.warning("database unavailable during socket event %s: %s", fn.__name__, exc)
                return error_ack(Unavailable("service_unavailable"))
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", fn.__name__)
                if current_app.testing and current_app.config.get("PROPAGATE_UNEXPECTED", True):
                    raise
                return error_ack(DomainError("internal_error"))
            return {"ok": True, **(result or {})}

        return wrapper

    return decorate
