"""Who may do what in a council: the one place for these checks.

A user reaches a council through an active membership (members are the elected
delegates; secretaries, chairs, guests and displays are attached without voting).
Admins reach every council. Checks about a council's meetings build on these in
server/meetings/access.py.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.accounts.models import STAFF_ROLES, Role, User
from server.councils.models import CouncilMembership
from server.errors import Forbidden
from server.extensions import db
from server.transaction import scoped


def _found() -> dict[tuple[int, int], CouncilMembership]:
    """Memberships found in this transaction, by (user, council)."""
    return scoped("access.memberships", dict)


def remember(user: User, found: CouncilMembership) -> None:
    """Keep a membership read with something else (a meeting) for this transaction's checks."""
    _found()[(user.id, found.council_id)] = found


def _joined(council_id: sa.ColumnExpressionArgument[int]) -> sa.ColumnElement[bool]:
    return sa.and_(
        CouncilMembership.council_id == council_id,
        CouncilMembership.user_id == sa.bindparam("user_id"),
        CouncilMembership.active.is_(True),
    )


def with_membership(
    select: sa.Select[Any], council_id: sa.ColumnExpressionArgument[int]
) -> sa.Select[Any]:
    """`select` with the asking user's (bound as `user_id`) active membership of the council
    `council_id` names added as an entity (None where there is none): for statements built
    once that read something and its reader's membership in one round trip. Pass what is
    found to `remember`."""
    return select.add_columns(CouncilMembership).outerjoin(CouncilMembership, _joined(council_id))


def with_is_member(
    select: sa.Select[Any], council_id: sa.ColumnExpressionArgument[int]
) -> sa.Select[Any]:
    """As `with_membership`, adding only the membership's `is_member` (None: no membership)."""
    return select.add_columns(CouncilMembership.is_member).outerjoin(
        CouncilMembership, _joined(council_id)
    )


def membership(user: User, council_id: int) -> CouncilMembership | None:
    """The user's active membership of the council.

    A request often checks access twice (may see the meeting, then may act on it): the row
    found first in a transaction (here, or with the meeting by `remember`) is reused, as
    long as it is still active in this session.
    """
    session = db.session()
    key = (user.id, council_id)
    row = _found().get(key)
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
        _found()[key] = row
    return row


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


def member_of(user: User, council_id: int) -> CouncilMembership | None:
    """The user's membership if they are an elected member (delegate) of the council."""
    row = membership(user, council_id)
    if row is None or not row.is_member or not user.has_role(Role.DELEGATE):
        return None
    return row


def require_role(user: User, *roles: Role) -> None:
    """Raise Forbidden unless `user` holds one of `roles` (admin always passes)."""
    if not user.has_role(Role.ADMIN, *roles):
        raise Forbidden("forbidden")


def require_admin(user: User) -> None:
    require_role(user)


def require_manager_of(actor: User, user: User) -> None:
    """Raise Forbidden unless `actor` may manage `user`'s account.

    Admins manage everyone. A secretary manages non-admin users whose councils are all
    councils the secretary runs (and users not yet attached to any council), so that
    councils sharing one deployment cannot touch each other's accounts.
    """
    if actor.has_role(Role.ADMIN):
        return
    if not actor.has_role(Role.SECRETARY) or user.has_role(Role.ADMIN):
        raise Forbidden("forbidden")
    theirs = council_ids(user) or []
    if not all(is_staff_of(actor, c, frozenset({Role.SECRETARY})) for c in theirs):
        raise Forbidden("forbidden")
