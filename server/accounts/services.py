"""Accounts: authentication, the login throttle, users, pairing tokens and devices."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from server.accounts.models import Device, LoginThrottle, PairingToken, Role, User, UserRole
from server.accounts.passwords import hash_password, verify_password
from server.db import upsert_insert, utcnow
from server.errors import Conflict, Forbidden, NotAuthenticated, NotFound, TooManyRequests
from server.extensions import db

PAIRING_TOKEN_DAYS = 30


def normalize_username(username: str) -> str:
    return username.strip().lower()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found")
    return user


def find_user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def full_names(user_ids: set[int]) -> dict[int, str]:
    """The full names of these users, by id (unknown ids are left out)."""
    if not user_ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(user_ids)))
    return {int(uid): str(name) for uid, name in rows}


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == normalize_username(username)))


# --- Login and its throttle ---------------------------------------------------------


def _throttle_keys(username: str, address: str | None) -> list[tuple[str, int]]:
    cfg = current_app.config
    keys = [(f"account:{normalize_username(username)}", cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"])]
    if address:
        keys.append((f"address:{address}", cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]))
    return keys


def _check_throttle(keys: list[tuple[str, int]]) -> None:
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    now = utcnow()
    rows = db.session.scalars(
        sa.select(LoginThrottle).where(LoginThrottle.key.in_([k for k, _ in keys]))
    ).all()
    limits = dict(keys)
    for row in rows:
        ends = row.window_started_at + window
        if row.failures >= limits[row.key] and ends > now:
            minutes = max(1, math.ceil((ends - now).total_seconds() / 60))
            raise TooManyRequests("login_throttled", minutes=minutes)


def _record_failure(keys: list[tuple[str, int]]) -> None:
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    now = utcnow()
    insert = upsert_insert(db.session)
    table = LoginThrottle.__table__
    for key, _ in keys:
        stmt = insert(table).values(key=key, failures=1, window_started_at=now)
        expired = table.c.window_started_at < now - window
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": sa.case((expired, 1), else_=table.c.failures + 1),
                "window_started_at": sa.case((expired, now), else_=table.c.window_started_at),
            },
        )
        db.session.execute(stmt)


def authenticate(username: str, password: str, address: str | None) -> User:
    """The user with these credentials, or NotAuthenticated / TooManyRequests.

    A failed attempt is committed here, because the request that made it fails.
    """
    keys = _throttle_keys(username, address)
    _check_throttle(keys)
    user = find_user(username)
    if not verify_password(user.password_hash if user else None, password):
        _record_failure(keys)
        db.session.commit()
        raise NotAuthenticated("invalid_credentials")
    assert user is not None
    if not user.active:
        raise Forbidden("account_disabled")
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == keys[0][0]))
    user.last_login_at = utcnow()
    return user


# --- Users --------------------------------------------------------------------------


def _set_roles(user: User, roles: Iterable[Role | str]) -> None:
    wanted = {Role(r) for r in roles}
    user.role_rows = [r for r in user.role_rows if r.role in wanted]
    have = {r.role for r in user.role_rows}
    user.role_rows.extend(UserRole(role=str(r)) for r in sorted(wanted) if r not in have)


def create_user(
    username: str,
    full_name: str,
    roles: Iterable[Role | str],
    *,
    password: str | None = None,
    position: str | None = None,
    is_demo: bool = False,
) -> User:
    """A new user; the username must be free."""
    username = normalize_username(username)
    if find_user(username) is not None:
        raise Conflict("username_taken", username=username)
    user = User(
        username=username,
        full_name=full_name.strip(),
        position=position,
        password_hash=hash_password(password) if password else None,
        is_demo=is_demo,
    )
    _set_roles(user, roles)
    db.session.add(user)
    db.session.flush()
    return user


def change_user(
    user: User,
    *,
    full_name: str | None = None,
    position: str | None = None,
    roles: Iterable[Role | str] | None = None,
    active: bool | None = None,
    language: str | None = None,
) -> User:
    """Change a user's details (the caller has checked who may); None leaves one as it is.

    Deactivating an account logs it out everywhere.
    """
    if full_name is not None:
        user.full_name = full_name.strip()
    if position is not None:
        user.position = position
    if roles is not None:
        _set_roles(user, roles)
    if active is not None and active != user.active:
        user.active = active
        user.session_version += 1
    if language is not None:
        user.language = language
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password and log the user out of every other session."""
    user.password_hash = hash_password(password)
    user.session_version += 1


# --- Pairing tokens and devices ------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_pairing_token(user: User, created_by: User) -> tuple[str, PairingToken]:
    """A one-time token that logs a device in as `user`; shown once, stored hashed."""
    token = secrets.token_urlsafe(24)
    row = PairingToken(
        user_id=user.id,
        token_hash=_token_hash(token),
        created_by_id=created_by.id,
        expires_at=utcnow() + timedelta(days=PAIRING_TOKEN_DAYS),
    )
    db.session.add(row)
    db.session.flush()
    return token, row


def pair_device(token: str, label: str) -> tuple[User, Device]:
    """Use a pairing token once: a new device for its user."""
    row = db.session.scalar(
        sa.select(PairingToken).where(PairingToken.token_hash == _token_hash(token))
    )
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise NotAuthenticated("pairing_token_invalid")
    user = get_user(row.user_id)
    if not user.active:
        raise Forbidden("account_disabled")
    device = Device(user_id=user.id, label=label.strip() or "Máy tính bảng", last_seen_at=now)
    db.session.add(device)
    db.session.flush()
    row.used_at = now
    row.device_id = device.id
    user.last_login_at = now
    return user, device


def devices_of(user_id: int) -> list[Device]:
    return list(
        db.session.scalars(
            sa.select(Device).where(Device.user_id == user_id).order_by(Device.created_at)
        )
    )


def get_device(device_id: int) -> Device:
    device = db.session.get(Device, device_id)
    if device is None:
        raise NotFound("device_not_found")
    return device


def revoke(device: Device) -> Device:
    """End a device's session for good (a lost or returned tablet)."""
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    return device


def device_is_valid(device_id: int) -> bool:
    device = db.session.get(Device, device_id)
    return device is not None and device.revoked_at is None
