"""Votes with a duration close by themselves, once, even when several processes try."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.db import utcnow
from server.events.models import MeetingEvent
from server.extensions import db
from server.voting import services as voting
from server.voting.housekeeping import Housekeeper
from server.voting.models import Motion
from tests.integration.test_voting import Hall, wait_for_event


@pytest.fixture
def hall(app, login, demo_meeting_id) -> Hall:
    return Hall(app, login, demo_meeting_id)


def _move_deadline(app, motion_id: int, closes_at: datetime) -> None:
    """Let time pass: the vote's deadline comes sooner than its duration said."""
    with app.app_context():
        db.session.get(Motion, motion_id).closes_at = closes_at
        db.session.commit()


def test_vote_closes_itself_when_its_time_runs_out(hall, app, socket_for):
    hall.check_in(range(1, 41))
    tablet = socket_for(hall.delegate(40))
    tablet.emit("join", {"meeting_id": hall.meeting_id}, callback=True)
    tablet.get_received()
    motion = hall.opened(duration_seconds=60)
    opened_at = datetime.fromisoformat(motion["opened_at"])
    assert datetime.fromisoformat(motion["closes_at"]) == opened_at + timedelta(seconds=60)
    opened = wait_for_event(tablet, "vote.opened")[0]
    assert opened["motion"]["closes_at"] == motion["closes_at"]
    assert voting.keeper(app).deadlines()[motion["id"]] == opened_at + timedelta(seconds=60)
    hall.vote(1, motion["id"], choice="yes")
    hall.vote(2, motion["id"], choice="no")

    soon = utcnow() + timedelta(seconds=0.5)
    _move_deadline(app, motion["id"], soon)
    voting.keeper(app).arm(motion["id"], soon)
    closed = wait_for_event(tablet, "vote.closed", timeout=10)
    assert closed, "the vote closed by itself"
    assert closed[0]["result"]["yes"] == 1
    assert closed[0]["result"]["no"] == 1
    assert hall.motion_row(motion["id"])["status"] == "closed"
    late = hall.vote(3, motion["id"], choice="yes")
    assert (late.status_code, late.json["error"]["code"]) == (409, "vote_closed")
    assert motion["id"] not in voting.keeper(app).deadlines()
    with app.app_context():
        row = db.session.get(Motion, motion["id"])
        assert row.closed_by_id is None
        entry = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.subject == f"motion:{motion['id']}", AuditEntry.action == "vote.closed"
            )
        ).one()
        assert entry.actor_id is None
        assert entry.data["closed_by"] == "timer"
    # The chair's close after the timer: a clear 409.
    assert hall.close(motion["id"]).json["error"]["code"] == "vote_already_closed"


def test_no_ballot_after_the_deadline_even_before_the_timer_fires(hall, app):
    hall.check_in(range(1, 41))
    motion = hall.opened(duration_seconds=60)
    hall.vote(1, motion["id"], choice="yes")
    _move_deadline(app, motion["id"], utcnow() - timedelta(seconds=1))
    late = hall.vote(2, motion["id"], choice="yes")
    assert (late.status_code, late.json["error"]["code"]) == (409, "vote_closed")
    with app.app_context():
        assert voting.close_if_due(motion["id"]) is True
        db.session.commit()
    assert hall.delegate(1).get(f"/api/motions/{motion['id']}/result").json["result"]["yes"] == 1


def test_closing_on_time_happens_once_across_processes(hall, app):
    """Two processes' timers fire together: the row lock lets one close; the other finds
    the vote closed and does nothing."""
    hall.check_in(range(1, 41))
    motion = hall.opened(duration_seconds=60)
    for n in range(1, 11):
        hall.vote(n, motion["id"], choice="yes")
    _move_deadline(app, motion["id"], utcnow() - timedelta(seconds=1))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def timer() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                voting.close_if_due(motion["id"])
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=timer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    with app.app_context():
        closed_events = db.session.scalars(
            sa.select(MeetingEvent).where(MeetingEvent.name == "vote.closed")
        ).all()
        assert len(closed_events) == 1
        entries = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.subject == f"motion:{motion['id']}", AuditEntry.action == "vote.closed"
            )
        ).all()
        assert len(entries) == 1
        assert db.session.get(Motion, motion["id"]).result["yes"] == 10


def test_a_starting_process_rearms_open_votes(hall, app):
    """What the @on_serve hook does after a restart: find open votes and their deadlines."""
    hall.check_in(range(1, 41))
    motion = hall.opened(duration_seconds=600)
    fresh = Housekeeper(app, voting.TASKS)
    fresh.sweep()
    assert list(fresh.deadlines()) == [motion["id"]]
    assert fresh.deadlines()[motion["id"]] == datetime.fromisoformat(motion["closes_at"])
    hall.close(motion["id"])
    fresh.sweep()
    assert fresh.deadlines() == {}
