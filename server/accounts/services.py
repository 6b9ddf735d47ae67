"""Accounts: authentication and its throttle, sessions, users, pairing tokens and devices.

These functions change rows; who may ask for each change is decided by their callers
(server/councils/people.py for the secretariat's administration of people).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from server.accounts.models import (
    STAFF_ROLES,
    Device,
    LoginThrottle,
    PairingToken,
    User,
    UserSession,
)
from server.accounts.passwords import hash_password, verify_password
from server.db import upsert_insert, utcnow
from server.errors import Conflict, Forbidden, NotAuthenticated, NotFound, TooManyRequests
from server.events.decisions import decide
from server.extensions import db

PAIRING_TOKEN_DAYS = 30


def normalize_username(username: str) -> str:
    return unicodedata.normalize("NFC", username).strip().lower()


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


def is_staff_anywhere(user: User) -> bool:
    """An administrator, or a secretary or chair of some council (shorter sessions)."""
    return user.is_admin or any(m.active and m.roles & STAFF_ROLES for m in user.memberships)


# --- The login throttle --------------------------------------------------------------
#
# Failed logins are counted per key in a sliding window. Past a key's free failures, every
# further failure makes the next attempt wait: 1 s, 2 s, 4 s ... up to the key's cap. There
# is no lock: a password guesser from the hall Wi-Fi slows down their own attempts on one
# account (the "pair" key, account and address together) far more than anyone else's, so
# the chair on their own tablet is delayed at most by the account key's short cap; and
# staff can clear an account's delays at once (`unlock`).


@dataclass(frozen=True)
class ThrottleKey:
    key: str
    free: int
    cap_seconds: int


def _throttle_keys(username: str, address: str | None) -> list[ThrottleKey]:
    cfg = current_app.config
    account = normalize_username(username)
    keys = [ThrottleKey(f"account:{account}", cfg["LOGIN_FREE_FAILURES_PER_ACCOUNT"], 60)]
    if address:
        keys.append(ThrottleKey(f"pair:{account}|{address}", cfg["LOGIN_FREE_FAILURES"], 300))
        keys.append(ThrottleKey(f"address:{address}", cfg["LOGIN_FREE_FAILURES_PER_ADDRESS"], 300))
    return keys


def _delay(failures: int, key: ThrottleKey) -> int:
    """Seconds the next attempt waits after `failures` failures of this key: none before its
    free failures are used up, then 1 s, 2 s, 4 s ... up to the cap."""
    over = failures - key.free
    return 0 if over < 0 else min(key.cap_seconds, 2**over)


def _check_throttle(keys: list[ThrottleKey]) -> None:
    now = utcnow()
    rows = db.session.scalars(
        sa.select(LoginThrottle).where(LoginThrottle.key.in_([k.key for k in keys]))
    ).all()
    waits = [
        (row.next_allowed_at - now).total_seconds()
        for row in rows
        if row.next_allowed_at is not None and row.next_allowed_at > now
    ]
    if waits:
        seconds = max(1, math.ceil(max(waits)))
        raise TooManyRequests("login_throttled", data={"seconds": seconds}, seconds=seconds)


def _record_failure(keys: list[ThrottleKey]) -> None:
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    now = utcnow()
    insert = upsert_insert(db.session)
    table = LoginThrottle.__table__
    for key in keys:
        stmt = insert(table).values(key=key.key, failures=1, window_started_at=now)
        expired = table.c.window_started_at < now - window
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": sa.case((expired, 1), else_=table.c.failures + 1),
                "window_started_at": sa.case((expired, now), else_=table.c.window_started_at),
            },
        ).returning(table.c.failures)
        failures = int(db.session.execute(stmt).scalar_one())
        wait = _delay(failures, key)
        db.session.execute(
            sa.update(LoginThrottle)
            .where(LoginThrottle.key == key.key)
            .values(next_allowed_at=now + timedelta(seconds=wait) if wait else None)
        )


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
    clear_throttle(user.username, address)
    user.last_login_at = utcnow()
    return user


def check_password(user: User, password: str, address: str | None) -> None:
    """The user's own password again (confirming a device), throttled like a login."""
    keys = _throttle_keys(user.username, address)
    _check_throttle(keys)
    if not verify_password(user.password_hash, password):
        _record_failure(keys)
        db.session.commit()
        raise NotAuthenticated("invalid_password")
    clear_throttle(user.username, address)


def clear_throttle(username: str, address: str | None = None) -> int:
    """Forget an account's failed logins: from one address, or from everywhere."""
    account = normalize_username(username)
    condition: sa.ColumnElement[bool]
    if address:
        condition = LoginThrottle.key.in_([f"account:{account}", f"pair:{account}|{address}"])
    else:
        condition = sa.or_(
            LoginThrottle.key == f"account:{account}",
            LoginThrottle.key.like(f"pair:{account}|%"),
        )
    result = db.session.execute(sa.delete(LoginThrottle).where(condition))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- Sessions ----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, device: Device | None = None) -> tuple[str, UserSession]:
    """A new session for `user`: the token for the cookie (never stored) and its row.

    Staff sessions end sooner: after SESSION_IDLE_STAFF_SECONDS without a request and at
    most SESSION_LIFETIME_STAFF_SECONDS after login; a paired tablet keeps its session for
    SESSION_LIFETIME_DEVICE_SECONDS.
    """
    cfg = current_app.config
    if is_staff_anywhere(user):
        idle, lifetime = cfg["SESSION_IDLE_STAFF_SECONDS"], cfg["SESSION_LIFETIME_STAFF_SECONDS"]
    elif device is not None:
        idle, lifetime = cfg["SESSION_IDLE_SECONDS"], cfg["SESSION_LIFETIME_DEVICE_SECONDS"]
    else:
        idle, lifetime = cfg["SESSION_IDLE_SECONDS"], cfg["SESSION_LIFETIME_SECONDS"]
    now = utcnow()
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=_token_hash(token),
        user_id=user.id,
        device_id=device.id if device is not None else None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(seconds=lifetime),
        idle_seconds=idle,
    )
    db.session.add(row)
    db.session.flush()
    return token, row


#: A request's session with its user and the user's memberships, in one statement.
_SESSION_WITH_USER = (
    sa.select(UserSession, User)
    .join(User, User.id == UserSession.user_id)
    .options(sa.orm.joinedload(User.memberships))
    .where(UserSession.token_hash == sa.bindparam("token_hash"))
)

#: How often a session notes that it was used (a write), at most.
TOUCH_SECONDS = 60


def session_of(token: str) -> tuple[UserSession, User] | None:
    """The live session this token opens, with its user; None when ended or expired."""
    found = (
        db.session.execute(_SESSION_WITH_USER, {"token_hash": _token_hash(token)}).unique().first()
    )
    if found is None:
        return None
    row, user = found
    now = utcnow()
    idle_until = row.last_seen_at + timedelta(seconds=row.idle_seconds)
    if row.revoked_at is not None or row.expires_at <= now or idle_until <= now:
        return None
    if not user.active:
        return None
    return row, user


def touch_due(row: UserSession) -> bool:
    """Whether the session's last use is worth recording again (at most once a minute)."""
    return (utcnow() - row.last_seen_at).total_seconds() >= TOUCH_SECONDS


def touch_session(session_id: int) -> None:
    """Record that a session was used now (its idle time starts again)."""
    db.session.execute(
        sa.update(UserSession).where(UserSession.id == session_id).values(last_seen_at=utcnow())
    )


def end_session(token: str) -> None:
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def end_sessions(user_id: int, *, keep: int | None = None, device_id: int | None = None) -> int:
    """End every live session of a user (but `keep`), or of one of their devices."""
    condition = [UserSession.user_id == user_id, UserSession.revoked_at.is_(None)]
    if keep is not None:
        condition.append(UserSession.id != keep)
    if device_id is not None:
        condition.append(UserSession.device_id == device_id)
    result = db.session.execute(
        sa.update(UserSession)
        .where(*condition)
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- Users --------------------------------------------------------------------------


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def create_user(
    username: str,
    full_name: str,
    *,
    password: str | None = None,
    position: str | None = None,
    is_admin: bool = False,
    is_demo: bool = False,
) -> User:
    """A new user; the username must be free. Places in councils are given apart."""
    username = normalize_username(username)
    if find_user(username) is not None:
        raise Conflict("username_taken", username=username)
    user = User(
        username=username,
        full_name=_clean(full_name),
        position=_clean(position) if position else None,
        password_hash=hash_password(password) if password else None,
        is_admin=is_admin,
        is_demo=is_demo,
        memberships=[],
    )
    db.session.add(user)
    db.session.flush()
    return user


def change_user(
    user: User,
    *,
    full_name: str | None = None,
    position: str | None = None,
    active: bool | None = None,
    language: str | None = None,
) -> dict[str, object]:
    """Change a user's details (the caller has checked who may); None leaves one as it is.
    Deactivating an account ends its sessions. Returns what changed, for the audit log."""
    changed: dict[str, object] = {}
    if full_name is not None and _clean(full_name) != user.full_name:
        user.full_name = changed["full_name"] = _clean(full_name)
    if position is not None and (_clean(position) or None) != user.position:
        user.position = _clean(position) or None
        changed["position"] = user.position
    if active is not None and active != user.active:
        user.active = changed["active"] = active
        if not active:
            end_sessions(user.id)
    if language is not None and language != user.language:
        user.language = changed["language"] = language
    return changed


def set_password(user: User, password: str, *, keep_session: int | None = None) -> None:
    """Set a new password and end every other session of the user."""
    user.password_hash = hash_password(password)
    end_sessions(user.id, keep=keep_session)


# --- Pairing tokens and devices ------------------------------------------------------


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
    """Use a pairing token once: a new device for its user (recorded, with who issued the
    token). The device is confirmed at once only when its user issued the token themselves."""
    row = db.session.scalar(
        sa.select(PairingToken).where(PairingToken.token_hash == _token_hash(token))
    )
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise NotAuthenticated("pairing_token_invalid")
    user = get_user(row.user_id)
    if not user.active:
        raise Forbidden("account_disabled")
    device = Device(
        user_id=user.id,
        label=_clean(label) or "Máy tính bảng",
        last_seen_at=now,
        confirmed_at=now if row.created_by_id == user.id else None,
    )
    db.session.add(device)
    db.session.flush()
    row.used_at = now
    row.device_id = device.id
    user.last_login_at = now
    decide(
        "device.paired",
        actor_id=user.id,
        subject=f"user:{user.id}",
        data={
            "device_id": device.id,
            "token_issued_by": row.created_by_id,
            "confirmed": device.confirmed_at is not None,
        },
    )
    return user, device


def confirm_device(user: User, device_id: int | None, password: str, address: str | None) -> None:
    """The user confirms, with their own password (checked and throttled as a login), that
    this paired device is theirs: from then on it may cast their ballots (recorded). A
    session of a password login (no device) needs nothing."""
    if device_id is None:
        return
    check_password(user, password, address)
    device = get_device(device_id)
    if device.confirmed_at is None:
        device.confirmed_at = utcnow()
        decide(
            "device.confirmed",
            actor_id=user.id,
            subject=f"user:{user.id}",
            data={"device_id": device.id},
        )


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


def revoke(device: Device) -> bool:
    """End a device's sessions for good (a lost or returned tablet); False if it already was."""
    if device.revoked_at is not None:
        return False
    device.revoked_at = utcnow()
    end_sessions(device.user_id, device_id=device.id)
    return True


def last_seen(device_id: int, when: datetime) -> None:
    db.session.execute(sa.update(Device).where(Device.id == device_id).values(last_seen_at=when))
