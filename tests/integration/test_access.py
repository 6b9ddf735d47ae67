"""Access checks: roles belong to a council membership, come with the user, follow changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server.accounts.models import CouncilMembership, Role, User
from server.councils import access
from server.councils import services as councils
from server.errors import NotFound
from server.extensions import db
from server.meetings import access as meeting_access
from server.meetings.models import Meeting
from tests.factories import PASSWORD, make_council


def _membership_queries():
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        if "council_memberships" in statement:
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    return seen, lambda: sa.event.remove(db.engine, "before_cursor_execute", before)


def test_a_request_loads_the_users_memberships_with_the_user_and_checks_read_no_more(
    app, login, demo_meeting_id
):
    chair = login("chair")
    with app.app_context():
        item = db.session.scalar(
            sa.text("SELECT id FROM agenda_items WHERE meeting_id = :m ORDER BY id LIMIT 1"),
            {"m": demo_meeting_id},
        )
        seen, stop = _membership_queries()
        try:
            moved = chair.put(
                f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item}
            )
            assert moved.status_code == 200, moved.json
            # Loading the user (with its session) reads the memberships; the chair's move
            # (see the meeting, chair it) reads none more.
            assert len(seen) == 1, seen
            assert "user_sessions" in seen[0]
        finally:
            stop()


def test_changes_of_a_membership_in_the_session_take_effect_at_once(app):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "chair"))
        meeting = db.session.scalar(sa.select(Meeting).order_by(Meeting.id))
        first = access.membership(user, meeting.council_id)
        assert first is not None
        assert Role.CHAIR in first.roles
        meeting_access.require_chair_or_secretariat(user, meeting)

        first.active = False  # deactivated, not yet written
        assert access.membership(user, meeting.council_id) is None
        assert not access.is_staff_of(user, meeting.council_id)
        db.session.rollback()
        assert access.membership(user, meeting.council_id) is first

        first.role_chair = False  # the role taken, not yet written
        assert not access.is_staff_of(user, meeting.council_id)
        db.session.rollback()

        db.session.delete(first)  # removed: gone at once
        assert access.membership(user, meeting.council_id) is None
        db.session.rollback()
        assert db.session.scalar(
            sa.select(sa.func.count(CouncilMembership.id)).where(
                CouncilMembership.user_id == user.id
            )
        )


def test_a_staff_role_in_one_council_is_nothing_in_another(app, login, demo_meeting_id):
    """The chair of a commune council who is a guest of the province council may not open the
    province's votes, see its drafts or read its hall code: roles belong to the membership."""
    other = make_council(app, prefix="xa")
    with app.app_context():
        meeting = db.session.get(Meeting, demo_meeting_id)
        councils_user = db.session.scalar(
            sa.select(User).where(User.username == other["secretary"])
        )
        councils.set_membership(
            None, other["council_id"], councils_user.id, roles=["secretary", "chair"]
        )
        councils.set_membership(None, meeting.council_id, councils_user.id, roles=["guest"])
        db.session.commit()
        assert access.is_staff_of(councils_user, other["council_id"])
        assert not access.is_staff_of(councils_user, meeting.council_id)
        assert access.holds(councils_user, meeting.council_id, Role.GUEST)
    api = login(other["secretary"], PASSWORD)
    hall = api.get(f"/api/meetings/{demo_meeting_id}/hall-code")
    assert hall.status_code == 403
    state = api.get(f"/api/meetings/{demo_meeting_id}/state").json["state"]
    assert state["me"]["can_chair"] is False
    assert state["me"]["can_manage"] is False
    own = api.get(f"/api/meetings/{other['meeting_id']}/hall-code")
    assert own.status_code == 200


def test_a_meeting_of_a_council_the_user_left_does_not_exist_for_them(app):
    with app.app_context():
        chair = db.session.scalar(sa.select(User).where(User.username == "chair"))
        meeting = db.session.scalar(sa.select(Meeting).order_by(Meeting.id))
        meeting_id, council_id = meeting.id, meeting.council_id
        assert meeting_access.get_meeting_for(chair, meeting_id).id == meeting_id
        row = access.membership(chair, council_id)
        row.active = False
        db.session.flush()
        with pytest.raises(NotFound):
            meeting_access.get_meeting_for(chair, meeting_id)
        db.session.rollback()
        with pytest.raises(NotFound):  # a meeting that does not exist
            meeting_access.get_meeting_for(chair, 2**31 - 2)
