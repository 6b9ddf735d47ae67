"""Login, logout, the current user, user administration and devices."""

from __future__ import annotations

from typing import Any

from flask import request, session
from flask_login import current_user, login_user, logout_user

from server.accounts import bp, services
from server.accounts.models import Device, User
from server.accounts.schemas import (
    DeviceListOut,
    DeviceOut,
    LoginIn,
    LogoutOut,
    PairIn,
    PairingTokenOut,
    PasswordIn,
    SessionOut,
    UserAdminOut,
    UserCreateIn,
    UserListOut,
    UserUpdateIn,
)
from server.api import csrf_token, operation
from server.extensions import db

TAG = "accounts"


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "position": user.position,
        "roles": user.roles,
        "language": user.language,
    }


def user_admin_json(user: User) -> dict[str, Any]:
    return user_json(user) | {
        "active": user.active,
        "is_demo": user.is_demo,
        "last_login_at": user.last_login_at,
    }


def device_json(device: Device) -> dict[str, Any]:
    return {
        "id": device.id,
        "user_id": device.user_id,
        "label": device.label,
        "created_at": device.created_at,
        "last_seen_at": device.last_seen_at,
        "revoked_at": device.revoked_at,
    }


def _start_session(user: User, device_id: int | None) -> dict[str, Any]:
    session.clear()
    session.permanent = True
    login_user(user)
    if device_id is not None:
        session["device_id"] = device_id
    return {"user": user_json(user), "csrf_token": csrf_token()}


@bp.post("/auth/login")
@operation(
    "login",
    "Log in with username and password",
    tag=TAG,
    body=LoginIn,
    response=SessionOut,
    public=True,
    csrf=False,
    description="JSON only. Sets the session cookie and returns the CSRF token. "
    "Wrong credentials: 401; too many failures for the account or address: 429.",
)
def login(body: LoginIn) -> dict[str, Any]:
    user = services.authenticate(body.username, body.password, request.remote_addr)
    db.session.commit()
    return _start_session(user, None)


@bp.post("/auth/pair")
@operation(
    "pairDevice",
    "Log a tablet in with a one-time pairing token (QR card)",
    tag=TAG,
    body=PairIn,
    response=SessionOut,
    public=True,
    csrf=False,
)
def pair_device(body: PairIn) -> dict[str, Any]:
    user, device = services.pair_device(body.token, body.label)
    db.session.commit()
    return _start_session(user, device.id)


@bp.post("/auth/logout")
@operation("logout", "Log out this device", tag=TAG, response=LogoutOut)
def logout() -> dict[str, Any]:
    logout_user()
    session.clear()
    return {"ok": True}


@bp.get("/me")
@operation(
    "getCurrentUser",
    "The logged-in user and the session's CSRF token",
    tag=TAG,
    response=SessionOut,
)
def get_current_user() -> dict[str, Any]:
    return {"user": user_json(current_user), "csrf_token": csrf_token()}


@bp.get("/users")
@operation("listUsers", "All users (secretariat)", tag=TAG, response=UserListOut)
def list_users() -> dict[str, Any]:
    return {"users": [user_admin_json(u) for u in services.list_users(current_user)]}


@bp.post("/users")
@operation(
    "createUser",
    "Create a user (secretariat)",
    tag=TAG,
    body=UserCreateIn,
    response=UserAdminOut,
    status=201,
)
def create_user(body: UserCreateIn) -> dict[str, Any]:
    user = services.admin_create_user(
        current_user,
        body.username,
        body.full_name,
        body.roles,
        password=body.password,
        position=body.position,
    )
    db.session.commit()
    return user_admin_json(user)


@bp.patch("/users/<int:user_id>")
@operation(
    "updateUser", "Change a user's details", tag=TAG, body=UserUpdateIn, response=UserAdminOut
)
def update_user(user_id: int, body: UserUpdateIn) -> dict[str, Any]:
    user = services.update_user(current_user, user_id, **body.model_dump(exclude_unset=True))
    db.session.commit()
    return user_admin_json(user)


@bp.post("/users/<int:user_id>/password")
@operation(
    "setUserPassword",
    "Set a user's password (logs out their other sessions)",
    tag=TAG,
    body=PasswordIn,
    response=UserAdminOut,
)
def set_password(user_id: int, body: PasswordIn) -> dict[str, Any]:
    user = services.admin_set_password(current_user, user_id, body.password)
    db.session.commit()
    if user.id == current_user.id:
        login_user(user)  # keep this session, with the new session version
    return user_admin_json(user)


@bp.post("/users/<int:user_id>/pairing-tokens")
@operation(
    "createPairingToken",
    "A one-time QR pairing token for a user's tablet",
    tag=TAG,
    response=PairingTokenOut,
    status=201,
)
def create_pairing_token(user_id: int) -> dict[str, Any]:
    token, row = services.create_pairing_token(current_user, user_id)
    db.session.commit()
    return {"token": token, "user_id": row.user_id, "expires_at": row.expires_at}


@bp.get("/users/<int:user_id>/devices")
@operation("listDevices", "A user's paired devices", tag=TAG, response=DeviceListOut)
def list_devices(user_id: int) -> dict[str, Any]:
    return {"devices": [device_json(d) for d in services.list_devices(current_user, user_id)]}


@bp.post("/devices/<int:device_id>/revoke")
@operation(
    "revokeDevice", "Revoke a paired device: its session ends at once", tag=TAG, response=DeviceOut
)
def revoke_device(device_id: int) -> dict[str, Any]:
    device = services.revoke_device(current_user, device_id)
    db.session.commit()
    return device_json(device)
