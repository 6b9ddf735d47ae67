"""What happens when a transaction ends: the one after-commit registry.

A service that wants something done only if its transaction commits (send the events it
recorded, start a document's processing, arm a vote's timer) calls `after_commit(fn,
stage)`; a rollback drops it. Values a transaction caches for itself (the memberships an
access check found, the events waiting to be sent) live in `scoped(key)` and are forgotten
when the transaction ends either way.

After a commit the callbacks run in the order of their stage, and in the order they were
registered within a stage:

1. `Stage.EVENTS`: the committed events go to the sockets first, so tablets hear about a
   change before anything slower starts;
2. `Stage.WORK`: background work (vote timers and progress, document jobs, file clean-up)
   is started or handed over.

Scoped values are forgotten before any callback runs, so work started after a commit reads
the database afresh. A callback that fails is logged and does not stop the others: the
transaction is committed whatever they do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import IntEnum
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from server.extensions import db

log = logging.getLogger(__name__)

T = TypeVar("T")

_CALLBACKS = "transaction.after_commit"
_SCOPED = "transaction.scoped"


class Stage(IntEnum):
    EVENTS = 1
    WORK = 2


def after_commit(fn: Callable[[], None], stage: Stage = Stage.WORK) -> None:
    """Run `fn` once the current transaction has committed (never if it rolls back)."""
    callbacks: list[tuple[Stage, Callable[[], None]]] = db.session().info.setdefault(_CALLBACKS, [])
    callbacks.append((stage, fn))


def scoped(key: str, factory: Callable[[], T]) -> T:
    """A value kept for the current transaction only (made by `factory` on first use)."""
    values: dict[str, Any] = db.session().info.setdefault(_SCOPED, {})
    if key not in values:
        values[key] = factory()
    found: T = values[key]
    return found


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_SCOPED, None)
    callbacks: list[tuple[Stage, Callable[[], None]]] = session.info.pop(_CALLBACKS, [])
    for _, fn in sorted(callbacks, key=lambda entry: entry[0]):
        try:
            fn()
        except Exception:
            log.exception("work after a commit failed")


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_SCOPED, None)
    session.info.pop(_CALLBACKS, None)
