"""Access checks reuse a membership within a transaction, and still follow its changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.councils import access
from server.councils.models import CouncilMembership
from server.errors import NotFound
from server.extensions import db
from server.meetings import access as meeting_access
from server.meetings.models import Meeting


def _membership_queries(app):
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        if "council_memberships" in statement:
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    return seen, lambda: sa.event.remove(db.engine, "before_cursor_execute", before)


def test_membership_is_read_once_per_transaction_and_follows_changes(app):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "chair"))
        meeting = db.session.scalar(sa.select(Meeting).order_by(Meeting.id))
        seen, stop = _membership_queries(app)
        try:
            first = access.membership(user, meeting.council_id)
            assert first is not None
            meeting_access.require_chair_or_secretariat(user, meeting)
            assert access.membership(user, meeting.council_id) is first
            assert len(seen) == 1

            # Deactivated in this session, not yet written: no longer a member.
            first.active = False
            assert access.membership(user, meeting.council_id) is None
            assert not access.is_staff_of(user, meeting.council_id)
            db.session.rollback()

            # A new transaction reads it again (active again after the rollback).
            before = len(seen)
            assert access.membership(user, meeting.council_id) is first
            assert len(seen) == before + 1

            # Removed in this session: gone at once.
            db.session.delete(first)
            assert access.membership(user, meeting.council_id) is None
            db.session.rollback()
            assert db.session.scalar(
                sa.select(sa.func.count(CouncilMembership.id)).where(
                    CouncilMembership.user_id == user.id
                )
            )
        finally:
            stop()


def test_a_meeting_comes_with_the_users_membership_and_still_hides_other_councils(app):
    with app.app_context():
        chair = db.session.scalar(sa.select(User).where(User.username == "chair"))
        meeting = db.session.scalar(sa.select(Meeting).order_by(Meeting.id))
        meeting_id, council_id = meeting.id, meeting.council_id
        db.session.rollback()
        seen, stop = _membership_queries(app)
        try:
            found = meeting_access.get_meeting_for(chair, meeting_id)
            assert found.id == meeting_id
            meeting_access.require_chair_or_secretariat(chair, found)
            assert access.membership(chair, council_id) is not None
            assert len(seen) == 1  # the meeting's own statement; none after it
            db.session.rollback()

            # Without a membership of that council, the meeting does not exist for them.
            row = access.membership(chair, council_id)
            row.active = False
            db.session.flush()
            with pytest.raises(NotFound):
                meeting_access.get_meeting_for(chair, meeting_id)
            db.session.rollback()
            with pytest.raises(NotFound):  # a meeting that does not exist
                meeting_access.get_meeting_for(chair, 2**31 - 2)
        finally:
            stop()
