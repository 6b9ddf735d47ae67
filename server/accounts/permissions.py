"""Global role checks. Checks that depend on a council live in server.meetings.access."""

from __future__ import annotations

from server.accounts.models import Role, User
from server.errors import Forbidden


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
    from server.meetings.access import council_ids, is_staff_of

    theirs = council_ids(user) or []
    if not all(is_staff_of(actor, c, frozenset({Role.SECRETARY})) for c in theirs):
        raise Forbidden("forbidden")
