"""Login, pairing a tablet, logout and the current user (people are administered in councils)."""

from __future__ import annotations

from flask import Blueprint, request, session
from flask_login import current_user, login_user, logout_user

from server.accounts import services
from server.accounts.models import User
from server.accounts.schemas import LoginIn, LogoutOut, PairIn, SessionOut, UserOut
from server.api import csrf_token, operation
from server.extensions import db

bp = Blueprint("accounts", __name__, url_prefix="/api")

TAG = "accounts"


def user_out(user: User) -> UserOut:
    return UserOut.model_validate(user)


def _start_session(user: User, device_id: int | None) -> SessionOut:
    session.clear()
    session.permanent = True
    login_user(user)
    if device_id is not None:
        session["device_id"] = device_id
    return SessionOut(user=user_out(user), csrf_token=csrf_token())


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
def login(body: LoginIn) -> SessionOut:
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
def pair_device(body: PairIn) -> SessionOut:
    user, device = services.pair_device(body.token, body.label)
    db.session.commit()
    return _start_session(user, device.id)


@bp.post("/auth/logout")
@operation("logout", "Log out this device", tag=TAG, response=LogoutOut)
def logout() -> LogoutOut:
    logout_user()
    session.clear()
    return LogoutOut(ok=True)


@bp.get("/me")
@operation(
    "getCurrentUser",
    "The logged-in user and the session's CSRF token",
    tag=TAG,
    response=SessionOut,
)
def get_current_user() -> SessionOut:
    return SessionOut(user=user_out(current_user), csrf_token=csrf_token())
