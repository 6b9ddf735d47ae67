"""The secretariat's administration of people: accounts, passwords, pairing tokens, devices.

A secretary manages the accounts of its own councils' people (see
`access.require_manager_of`); an administrator manages everyone. The rows themselves are
changed by server/accounts/services.py; this module decides who may.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from server.accounts import services as accounts
from server.accounts.models import Device, PairingToken, Role, User
from server.councils.access import require_admin, require_manager_of, require_role
from server.errors import Forbidden
from server.extensions import db


def create_user(
    actor: User,
    username: str,
    full_name: str,
    roles: Iterable[Role | str],
    *,
    password: str | None = None,
    position: str | None = None,
) -> User:
    require_role(actor, Role.SECRETARY)
    roles = list(roles)
    if Role.ADMIN in roles:
        require_admin(actor)
    return accounts.create_user(username, full_name, roles, password=password, position=position)


def update_user(
    actor: User,
    user_id: int,
    *,
    full_name: str | None = None,
    position: str | None = None,
    roles: Iterable[Role | str] | None = None,
    active: bool | None = None,
    language: str | None = None,
) -> User:
    """Change a user's details; people may change their own language, staff the rest."""
    user = accounts.get_user(user_id)
    if actor.id != user.id or any(v is not None for v in (full_name, position, roles, active)):
        require_manager_of(actor, user)
    if roles is not None:
        roles = list(roles)
        if (Role.ADMIN in set(roles)) != user.has_role(Role.ADMIN):
            require_admin(actor)  # only an admin gives or takes the admin role, even their own
    return accounts.change_user(
        user, full_name=full_name, position=position, roles=roles, active=active, language=language
    )


def set_password(actor: User, user_id: int, password: str) -> User:
    """Set a user's password (their own, or one the actor manages)."""
    user = accounts.get_user(user_id)
    if actor.id != user.id:
        require_manager_of(actor, user)
    accounts.set_password(user, password)
    return user


def list_users(actor: User) -> list[User]:
    """Users the secretariat may manage: all for an admin, else those of its own councils."""
    require_role(actor, Role.SECRETARY)
    users = db.session.scalars(sa.select(User).order_by(User.username))
    return [u for u in users if _manages(actor, u)]


def _manages(actor: User, user: User) -> bool:
    try:
        require_manager_of(actor, user)
    except Forbidden:
        return False
    return True


def create_pairing_token(actor: User, user_id: int) -> tuple[str, PairingToken]:
    """A one-time token that logs a device in as `user_id`; shown once, stored hashed."""
    user = accounts.get_user(user_id)
    require_manager_of(actor, user)
    if user.has_role(Role.ADMIN):
        raise Forbidden("forbidden")
    return accounts.create_pairing_token(user, created_by=actor)


def list_devices(actor: User, user_id: int) -> list[Device]:
    user = accounts.get_user(user_id)
    if actor.id != user_id:
        require_manager_of(actor, user)
    return accounts.devices_of(user.id)


def revoke_device(actor: User, device_id: int) -> Device:
    """End a device's session for good (a lost or returned tablet)."""
    device = accounts.get_device(device_id)
    if actor.id != device.user_id:
        require_manager_of(actor, accounts.get_user(device.user_id))
    return accounts.revoke(device)
