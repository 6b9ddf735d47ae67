"""Who may see and do what in a council's meetings: the one place for these checks.

Built on the council's checks (server/councils/access.py). Failing to *see* something
answers 404, so ids of other councils' meetings reveal nothing; failing to *act* on
something visible answers 403.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.accounts.models import STAFF_ROLES, CouncilMembership, Role, User
from server.councils import access as councils
from server.errors import Forbidden, NotFound
from server.extensions import db
from server.meetings.models import Attendance, Meeting


def is_staff(user: User, meeting: Meeting, *roles: Role) -> bool:
    """True when `user` runs this meeting in one of `roles` (default: any staff role)."""
    return councils.is_staff_of(
        user, meeting.council_id, frozenset(roles) if roles else STAFF_ROLES
    )


def member_of(user: User, meeting: Meeting) -> CouncilMembership | None:
    """The user's membership if they are an elected member of the meeting's council."""
    return councils.member_of(user, meeting.council_id)


def can_see_meeting(user: User, meeting: Meeting) -> bool:
    if not councils.can_reach_council(user, meeting.council_id):
        return False
    return meeting.status != "draft" or is_staff(user, meeting)


def with_voter(
    select: sa.Select[Any], meeting_id: sa.ColumnExpressionArgument[int]
) -> sa.Select[Any]:
    """`select` joined to the meeting `meeting_id` names, with three columns added: the
    meeting's status and council, and the attendance state of the asking user (bound as
    `user_id`; None where they never checked in). For a statement built once that gates a
    ballot in one round trip (the user's memberships came with the user)."""
    joined = select.add_columns(Meeting.status, Meeting.council_id).join(
        Meeting, Meeting.id == meeting_id
    )
    return joined.add_columns(Attendance.state).outerjoin(
        Attendance,
        sa.and_(Attendance.meeting_id == Meeting.id, Attendance.user_id == sa.bindparam("user_id")),
    )


def get_meeting_for(user: User, meeting_id: int) -> Meeting:
    """The meeting if `user` may see it, else 404."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_see_meeting(user, meeting):
        raise NotFound("meeting_not_found")
    return meeting


def require_staff(user: User, meeting: Meeting, *roles: Role) -> None:
    """403 unless `user` runs this meeting in one of `roles` (default: any staff role)."""
    if not is_staff(user, meeting, *roles):
        raise Forbidden("forbidden")


def require_secretariat(user: User, meeting: Meeting) -> None:
    require_staff(user, meeting, Role.SECRETARY)


def require_chair_or_secretariat(user: User, meeting: Meeting) -> None:
    require_staff(user, meeting, Role.CHAIR, Role.SECRETARY)


def require_member(user: User, meeting: Meeting) -> CouncilMembership:
    row = member_of(user, meeting)
    if row is None:
        raise Forbidden("not_a_member")
    return row
