"""The secretariat's administration of people: accounts, passwords, pairing tokens, devices.

A secretary manages the accounts of its own councils' people (see
`access.require_manager_of`); the administrator manages everyone. The rows themselves are
changed by server/accounts/services.py; this module decides who may, and records every
change as a decision in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from server.accounts import services as accounts
from server.accounts.models import CouncilMembership, Device, PairingToken, Role, User
from server.councils import access, services
from server.errors import Forbidden, Invalid
from server.events.decisions import decide
from server.extensions import db


def create_user(
    actor: User,
    username: str,
    full_name: str,
    *,
    password: str | None = None,
    position: str | None = None,
    is_admin: bool = False,
    council_id: int | None = None,
    roles: Iterable[Role | str] = (),
    is_member: bool | None = None,
    seat: int | None = None,
    group_name: str | None = None,
) -> User:
    """A new account, attached to a council with its roles there when `council_id` is given.

    The council's secretary creates people into that council; an account attached to no
    council, or an administrator, is the administrator's to create.
    """
    if council_id is None or is_admin:
        access.require_admin(actor)
    else:
        access.require_secretary_of(actor, council_id)
    user = accounts.create_user(
        username, full_name, password=password, position=position, is_admin=is_admin
    )
    decide(
        "user.created",
        actor_id=actor.id,
        subject=f"user:{user.id}",
        data={"username": user.username, "full_name": user.full_name, "is_admin": is_admin},
    )
    if council_id is not None:
        services.set_membership(
            actor,
            council_id,
            user.id,
            roles=roles,
            is_member=is_member,
            seat=seat,
            group_name=group_name,
        )
    elif list(roles) or is_member:
        raise Invalid("roles_need_council")
    return user


def update_user(
    actor: User,
    user_id: int,
    *,
    full_name: str | None = None,
    position: str | None = None,
    active: bool | None = None,
    language: str | None = None,
) -> User:
    """Change a user's details; people may change their own language, staff the rest."""
    user = accounts.get_user(user_id)
    if actor.id != user.id or any(v is not None for v in (full_name, position, active)):
        access.require_manager_of(actor, user)
    changed = accounts.change_user(
        user, full_name=full_name, position=position, active=active, language=language
    )
    if set(changed) - {"language"}:
        decide("user.changed", actor_id=actor.id, subject=f"user:{user.id}", data=dict(changed))
    return user


def set_password(actor: User, user_id: int, password: str, *, keep_session: int | None) -> User:
    """Set a user's password (their own, or one the actor manages); the user's other
    sessions end. `keep_session`: the actor's own session, when they changed their own."""
    user = accounts.get_user(user_id)
    if actor.id != user.id:
        access.require_manager_of(actor, user)
    accounts.set_password(
        user, password, keep_session=keep_session if actor.id == user.id else None
    )
    decide(
        "password.changed" if actor.id == user.id else "password.set",
        actor_id=actor.id,
        subject=f"user:{user.id}",
    )
    return user


def unlock(actor: User, user_id: int) -> User:
    """Clear the delays failed logins put on a user's account (the secretariat, the admin)."""
    user = accounts.get_user(user_id)
    access.require_manager_of(actor, user)
    cleared = accounts.clear_throttle(user.username)
    decide("account.unlocked", actor_id=actor.id, subject=f"user:{user.id}", data={"keys": cleared})
    return user


def list_users(actor: User) -> list[tuple[User, list[CouncilMembership]]]:
    """The people the actor may manage, with their places in the councils the actor sees:
    everyone for the administrator; for a secretary, the people of their councils."""
    councils = access.staff_councils(actor, Role.SECRETARY)
    if councils is not None and not councils:
        raise Forbidden("forbidden")
    query = sa.select(User).order_by(User.username)
    if councils is not None:
        query = query.where(
            User.id.in_(
                sa.select(CouncilMembership.user_id).where(
                    CouncilMembership.council_id.in_(councils)
                )
            )
        )
    out = []
    for user in db.session.scalars(query):
        if _manages(actor, user):
            places = [m for m in user.memberships if councils is None or m.council_id in councils]
            out.append((user, places))
    return out


def _manages(actor: User, user: User) -> bool:
    try:
        access.require_manager_of(actor, user)
    except Forbidden:
        return False
    return True


def create_pairing_token(actor: User, user_id: int) -> tuple[str, PairingToken]:
    """A one-time token that logs a device in as `user_id`; shown once, stored hashed.

    A tablet paired with a token issued by someone else than its user cannot vote until
    its user confirms it with their own password.
    """
    user = accounts.get_user(user_id)
    access.require_manager_of(actor, user)
    if user.is_admin:
        raise Forbidden("forbidden")
    token, row = accounts.create_pairing_token(user, created_by=actor)
    decide(
        "pairing.issued",
        actor_id=actor.id,
        subject=f"user:{user.id}",
        data={"token_id": row.id, "for_user": user.id, "expires_at": row.expires_at.isoformat()},
    )
    return token, row


def list_devices(actor: User, user_id: int) -> list[Device]:
    user = accounts.get_user(user_id)
    if actor.id != user_id:
        access.require_manager_of(actor, user)
    return accounts.devices_of(user.id)


def revoke_device(actor: User, device_id: int) -> Device:
    """End a device's sessions for good (a lost or returned tablet)."""
    device = accounts.get_device(device_id)
    if actor.id != device.user_id:
        access.require_manager_of(actor, accounts.get_user(device.user_id))
    if accounts.revoke(device):
        decide(
            "device.revoked",
            actor_id=actor.id,
            subject=f"user:{device.user_id}",
            data={"device_id": device.id},
        )
    return device
