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
