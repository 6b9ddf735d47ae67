"""Who may do what in a council: the one place for these checks.

Roles belong to a council membership, never to the user alone: every staff check asks
"does this user hold this role in *this* council". A user reaches a council through an
active membership; the administrator (`users.is_admin`) reaches every council. The user's
memberships are loaded with the user on every request (server/accounts/loader.py), so these
checks read no rows. Checks about a council's meetings build on these in
server/meetings/access.py.
"""

from __future__ import annotations

from sqlalchemy.orm import object_session

from server.accounts.models import STAFF_ROLES, CouncilMembership, Role, User
from server.errors import Forbidden


def membership(user: User, council_id: int) -> CouncilMembership | None:
    """The user's active membership of the council (one deleted in this session is gone)."""
    found = user.membership(council_id)
    if found is None:
        return None
    session = object_session(found)
    return None if session is not None and found in session.deleted else found


def council_ids(user: User) -> list[int] | None:
    """The councils `user` reaches; None means all of them (admin)."""
    if user.is_admin:
        return None
    return [m.council_id for m in user.memberships if m.active]


def can_reach_council(user: User, council_id: int) -> bool:
    return user.is_admin or membership(user, council_id) is not None


def holds(user: User, council_id: int, *roles: Role) -> bool:
    """True when `user` holds one of `roles` in this council (an administrator always)."""
    if user.is_admin:
        return True
    found = membership(user, council_id)
    return found is not None and bool(found.roles & set(roles))


def is_staff_of(user: User, council_id: int, roles: frozenset[Role] = STAFF_ROLES) -> bool:
    """True when `user` runs this council in one of `roles` (an administrator always)."""
    return holds(user, council_id, *roles)


def member_of(user: User, council_id: int) -> CouncilMembership | None:
    """The user's membership if they are an elected member (delegate) of the council."""
    found = membership(user, council_id)
    return found if found is not None and found.is_member else None


def staff_councils(user: User, role: Role) -> list[int] | None:
    """The councils where `user` holds `role`; None means all of them (admin)."""
    if user.is_admin:
        return None
    return [m.council_id for m in user.memberships if m.active and role in m.roles]


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise Forbidden("admin_only")


def require_secretary_of(user: User, council_id: int) -> None:
    if not holds(user, council_id, Role.SECRETARY):
        raise Forbidden("forbidden")


def require_manager_of(actor: User, user: User) -> None:
    """Raise Forbidden unless `actor` may manage `user`'s account.

    The administrator manages everyone. A secretary manages the accounts of people whose
    every council (active or not) is one where the secretary holds the secretary role, and
    who are not administrators: councils sharing one deployment cannot touch each other's
    people, and a person in two councils is managed only by someone who runs both. An
    account attached to no council is the administrator's.
    """
    if actor.is_admin:
        return
    theirs = {m.council_id for m in user.memberships}
    if user.is_admin or not theirs:
        raise Forbidden("forbidden")
    if not all(holds(actor, c, Role.SECRETARY) for c in theirs):
        raise Forbidden("forbidden")
