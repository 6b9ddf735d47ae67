"""Work a process does beside requests while votes run: closing on time, progress, scrubbing.

One `Housekeeper` per application runs a small loop as a background task (a greenlet under
gevent, a thread in tests):

- **Closing on time.** A vote with a duration gets a deadline when it opens (in the process
  that opened it) and whenever a process sweeps the database for open votes (at start, through
  the `@on_serve` hook, and every few seconds after). At the deadline the loop closes the
  vote with `services.close_if_due`, which locks the motion row and does nothing when the vote
  is no longer open, so two processes (or the chair and a timer) never both close it.
- **Progress.** `castVote` marks its motion; the loop publishes `vote.progress` (counts only)
  at most every VOTE_PROGRESS_SECONDS per motion, so 500 ballots in a second cost a few
  broadcasts instead of 500.
- **Scrubbing.** After a secret vote closes, the write-ahead log (SQLite) or the dead row
  versions (PostgreSQL) that still held ballots beside voters are cleared.

In a serving process the loop runs for the life of the process; elsewhere (tests, CLI) it
starts on demand and stops when there is nothing left to do. The work itself is the voting
services' (`Tasks`, given when voting creates the housekeeper): this module knows when to
run it, not how.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import Flask

from server.db import utcnow
from server.extensions import db, socketio

log = logging.getLogger(__name__)

EXTENSION_KEY = "voting.housekeeper"


@dataclass(frozen=True)
class Tasks:
    """The work the housekeeper runs, each in an app context of its own."""

    #: Close a vote whose time ran out: True when done (or no longer open), else its deadline.
    close_if_due: Callable[[int], bool | datetime]
    #: Publish `vote.progress` for these motions.
    publish_progress: Callable[[Sequence[int]], None]
    #: Clear what storage keeps of deleted linked ballots.
    scrub: Callable[[], None]
    #: Every open vote that closes by itself, with its deadline.
    open_deadlines: Callable[[], dict[int, datetime]]
    #: Destroy the ballot keys of secret votes no longer open.
    forget_keys: Callable[[], None]


class Housekeeper:
    def __init__(self, app: Flask, tasks: Tasks, *, permanent: bool = False) -> None:
        self.app = app
        self.tasks = tasks
        self.permanent = permanent
        self._lock = threading.Lock()
        self._deadlines: dict[int, datetime] = {}
        self._dirty: set[int] = set()
        self._last_progress: dict[int, float] = {}
        self._scrub = False
        #: When a failed scrub is tried again (monotonic seconds), and how many failed.
        self._scrub_at = 0.0
        self._scrub_failures = 0
        self._running = False
        self._last_sweep = 0.0
        self._failures: dict[int, int] = {}
        self._stopped = False
        self._task: object | None = None

    # --- Requests from services (after their transaction committed) ---------------------

    def arm(self, motion_id: int, closes_at: datetime) -> None:
        with self._lock:
            self._deadlines[motion_id] = closes_at
        self._ensure_running()

    def disarm(self, motion_id: int) -> None:
        with self._lock:
            self._deadlines.pop(motion_id, None)
            self._dirty.discard(motion_id)

    def mark_progress(self, motion_id: int) -> None:
        with self._lock:
            self._dirty.add(motion_id)
        self._ensure_running()

    def request_scrub(self) -> None:
        with self._lock:
            self._scrub = True
        self._ensure_running()

    def deadlines(self) -> dict[int, datetime]:
        with self._lock:
            return dict(self._deadlines)

    # --- The loop ------------------------------------------------------------------------

    def start(self) -> None:
        self._ensure_running()

    def stop(self, timeout: float = 10.0) -> None:
        """Forget every pending task and wait for the loop to end (an application going away:
        a loop left running would reach for a database that is gone)."""
        with self._lock:
            self._stopped = True
            self._deadlines.clear()
            self._dirty.clear()
            self._scrub = False
            task = self._task
        join = getattr(task, "join", None)
        if join is not None:
            join(timeout)

    def _ensure_running(self) -> None:
        with self._lock:
            if self._running or self._stopped:
                return
            self._running = True
            self._task = socketio.start_background_task(self._run)

    def _run(self) -> None:
        tick = float(self.app.config.get("VOTE_TICK_SECONDS", 0.1))
        while True:
            with self._lock:
                if self._stopped:
                    self._running = False
                    return
            try:
                if not self._step():
                    return
            except Exception:
                log.exception("voting housekeeping step failed")
            socketio.sleep(tick)

    def _step(self) -> bool:
        """One round; False when the loop may stop (nothing to do, not permanent)."""
        config = self.app.config
        now = utcnow()
        monotonic = time.monotonic()
        every = float(config.get("VOTE_PROGRESS_SECONDS", 0.5))
        with self._lock:
            due = [m for m, at in self._deadlines.items() if at <= now]
            progress = [
                m for m in self._dirty if monotonic - self._last_progress.get(m, 0.0) >= every
            ]
            for m in progress:
                self._dirty.discard(m)
                self._last_progress[m] = monotonic
            scrub = self._scrub and monotonic >= self._scrub_at
            if scrub:
                self._scrub = False
            sweep = self.permanent and (
                monotonic - self._last_sweep >= float(config.get("VOTE_SWEEP_SECONDS", 5.0))
            )
            if sweep:
                self._last_sweep = monotonic
        for motion_id in due:
            self._close(motion_id)
        if progress:
            self._in_app(lambda: self.tasks.publish_progress(progress), "progress")
        if scrub:
            self._scrubbed(self._in_app(self.tasks.scrub, "scrub", commit=False) is not None)
        if sweep:
            self.sweep()
        with self._lock:
            idle = not (self._deadlines or self._dirty or self._scrub)
            if idle and not self.permanent:
                self._running = False
                return False
        return True

    def _scrubbed(self, done: bool) -> None:
        """A failed scrub is tried again, less often each time (up to every 5 minutes)."""
        with self._lock:
            if done:
                self._scrub_failures = 0
                return
            self._scrub_failures += 1
            self._scrub = True
            self._scrub_at = time.monotonic() + min(300.0, 5.0 * 2**self._scrub_failures)

    def sweep(self) -> None:
        """Take the deadlines of every open vote from the database (opened by any process),
        and destroy the ballot keys of secret votes no longer open."""

        def load() -> None:
            found = self.tasks.open_deadlines()
            with self._lock:
                for motion_id in list(self._deadlines):
                    if motion_id not in found:
                        del self._deadlines[motion_id]
                self._deadlines.update(found)

        self._in_app(load, "sweep", commit=False)
        self._in_app(self.tasks.forget_keys, "forgetting ballot keys", commit=False)

    def _close(self, motion_id: int) -> None:
        closed = self._in_app(lambda: self.tasks.close_if_due(motion_id), f"close {motion_id}")
        if isinstance(closed, datetime):
            # Not due yet after all (the deadline moved): wait for the one in the database.
            with self._lock:
                self._deadlines[motion_id] = closed
            return
        if closed is None:
            # Failed (database away?): try again on later rounds, then give up to the sweep.
            failures = self._failures.get(motion_id, 0) + 1
            self._failures[motion_id] = failures
            if failures < 50:
                return
        self._failures.pop(motion_id, None)
        with self._lock:
            self._deadlines.pop(motion_id, None)

    def _in_app(self, work: Callable[[], object], what: str, *, commit: bool = True) -> object:
        """Run `work` in an app context and commit; None (logged) when it failed."""
        with self.app.app_context():
            try:
                result = work()
                if commit:
                    db.session.commit()
                return True if result is None else result
            except Exception:
                db.session.rollback()
                log.exception("voting housekeeping: %s failed", what)
                return None
            finally:
                db.session.remove()


def housekeeper(app: Flask, tasks: Tasks) -> Housekeeper:
    """The application's housekeeper (created on first use, with the voting services' tasks)."""
    found: Housekeeper | None = app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = Housekeeper(app, tasks)
        app.extensions[EXTENSION_KEY] = found
    return found


def serve(keeper: Housekeeper) -> None:
    """Serving process: re-arm the timers of votes that are open, then keep sweeping."""
    keeper.permanent = True
    keeper.sweep()
    keeper.start()
