"""Who may see and do what in a council's meetings: the one place for these checks.

A user reaches a council through an active membership (members are the elected
delegates; secretaries, chairs, guests and displays are attached without voting).
Admins reach every council. Failing to *see* something answers 404, so ids of other
councils' meetings reveal nothing; failing to *act* on something visible answers 403.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from server.accounts.models import STAFF_ROLES, Role, User
from server.errors import Forbidden, NotFound
from server.extensions import db
from server.meetings.models import CouncilMembership, Meeting

_MEMBERSHIPS = "access.memberships"


def _found(session: Session) -> dict[tuple[int, int], CouncilMembership]:
    found: dict[tuple[int, int], CouncilMembership] = session.info.setdefault(_MEMBERSHIPS, {})
    return found


def membership(user: User, council_id: int) -> CouncilMembership | None:
    """The user's active membership of the council.

    A request often checks access twice (may see the meeting, then may act on it): the row
    found first in a transaction (here or with the meeting, by `get_meeting_for`) is reused,
    as long as it is still active in this session.
    """
    session = db.session()
    key = (user.id, council_id)
    row = _found(session).get(key)
    if row is not None and row in session and row not in session.deleted and row.active:
        return row
    row = session.scalar(
        sa.select(CouncilMembership).where(
            CouncilMembership.council_id == council_id,
            CouncilMembership.user_id == user.id,
            CouncilMembership.active.is_(True),
        )
    )
    if row is not None:
        _found(session)[key] = row
    return row


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_memberships(session: Session) -> None:
    session.info.pop(_MEMBERSHIPS, None)


def council_ids(user: User) -> list[int] | None:
    """The councils `user` reaches; None means all of them (admin)."""
    if user.has_role(Role.ADMIN):
        return None
    return list(
        db.session.scalars(
            sa.select(CouncilMembership.council_id).where(
                CouncilMembership.user_id == user.id, CouncilMembership.active.is_(True)
            )
        )
    )


def can_reach_council(user: User, council_id: int) -> bool:
    return user.has_role(Role.ADMIN) or membership(user, council_id) is not None


def is_staff_of(user: User, council_id: int, roles: frozenset[Role] = STAFF_ROLES) -> bool:
    """True when `user` holds one of `roles` and reaches the council (admin always)."""
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(*roles) and membership(user, council_id) is not None


def can_see_meeting(user: User, meeting: Meeting) -> bool:
    if not can_reach_council(user, meeting.council_id):
        return False
    return meeting.status != "draft" or is_staff_of(user, meeting.council_id)


#: The join from a meeting to the active membership of its council held by the user bound
#: as `user_id`, for statements built once that read both.
JOIN_USERS_MEMBERSHIP = sa.and_(
    CouncilMembership.council_id == Meeting.council_id,
    CouncilMembership.user_id == sa.bindparam("user_id"),
    CouncilMembership.active.is_(True),
)

#: A meeting with the asking user's active membership of its council, in one statement.
_MEETING_WITH_MEMBERSHIP = (
    sa.select(Meeting, CouncilMembership)
    .outerjoin(CouncilMembership, JOIN_USERS_MEMBERSHIP)
    .where(Meeting.id == sa.bindparam("meeting_id"))
)


def get_meeting_for(user: User, meeting_id: int) -> Meeting:
    """The meeting if `user` may see it, else 404. The user's membership comes with it and
    serves the checks that follow in the same transaction."""
    row = db.session.execute(
        _MEETING_WITH_MEMBERSHIP, {"meeting_id": meeting_id, "user_id": user.id}
    ).first()
    if row is None:
        raise NotFound("meeting_not_found")
    meeting, found = row
    if found is not None:
        _found(db.session())[(user.id, meeting.council_id)] = found
    if not can_see_meeting(user, meeting):
        raise NotFound("meeting_not_found")
    return meeting


def require_staff(user: User, meeting: Meeting, *roles: Role) -> None:
    """403 unless `user` runs this meeting in one of `roles` (default: any staff role)."""
    wanted = frozenset(roles) if roles else STAFF_ROLES
    if not is_staff_of(user, meeting.council_id, wanted):
        raise Forbidden("forbidden")


def require_secretariat(user: User, meeting: Meeting) -> None:
    require_staff(user, meeting, Role.SECRETARY)


def require_chair_or_secretariat(user: User, meeting: Meeting) -> None:
    require_staff(user, meeting, Role.CHAIR, Role.SECRETARY)


def member_of(user: User, council_id: int) -> CouncilMembership | None:
    """The user's membership if they are an elected member (delegate) of the council."""
    row = membership(user, council_id)
    if row is None or not row.is_member or not user.has_role(Role.DELEGATE):
        return None
    return row


def require_member(user: User, meeting: Meeting) -> CouncilMembership:
    row = member_of(user, meeting.council_id)
    if row is None:
        raise Forbidden("not_a_member")
    return row
