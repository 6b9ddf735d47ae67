"""Login, pairing a tablet, confirming it, logout and the current user.

People are administered in server/councils (people.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, after_this_request, request
from flask_login import current_user

from server.accounts import loader, services
from server.accounts.models import User
from server.accounts.schemas import (
    ConfirmDeviceIn,
    DeviceConfirmedOut,
    LoginIn,
    LogoutOut,
    PairIn,
    SessionOut,
    UserOut,
)
from server.api import csrf_token, operation
from server.extensions import db

bp = Blueprint("accounts", __name__, url_prefix="/api")

TAG = "accounts"


def user_out(user: User) -> UserOut:
    return UserOut.model_validate(user)


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
    "Wrong credentials: 401. After several failures, each further attempt of the account "
    "from this address (and, much later, from anywhere) must wait a growing delay: 429 says "
    "how long; there is no lock.",
)
def login(body: LoginIn) -> SessionOut:
    user = services.authenticate(body.username, body.password, request.remote_addr)
    token, _ = services.start_session(user)
    db.session.commit()
    loader.begin(user, token)
    return SessionOut(user=user_out(user), csrf_token=csrf_token())


@bp.post("/auth/pair")
@operation(
    "pairDevice",
    "Log a tablet in with a one-time pairing token (QR card)",
    tag=TAG,
    body=PairIn,
    response=SessionOut,
    public=True,
    csrf=False,
    description="A tablet paired with a token someone else issued may read and annotate at "
    "once, but casts no ballot until its user confirms it with their own password "
    "(`confirmDevice`).",
)
def pair_device(body: PairIn) -> SessionOut:
    user, device = services.pair_device(body.token, body.label)
    token, _ = services.start_session(user, device=device)
    db.session.commit()
    loader.begin(user, token)
    return SessionOut(
        user=user_out(user),
        csrf_token=csrf_token(),
        device_confirmed=device.confirmed_at is not None,
    )


@bp.post("/auth/device/confirm")
@operation(
    "confirmDevice",
    "Confirm this paired tablet with your own password (before voting on it)",
    tag=TAG,
    body=ConfirmDeviceIn,
    response=DeviceConfirmedOut,
    description="For a session of a paired tablet. The password is checked and throttled as "
    "a login is. A password login needs no confirmation.",
)
def confirm_device(body: ConfirmDeviceIn) -> DeviceConfirmedOut:
    row = loader.current_session()
    services.confirm_device(current_user, row.device_id, body.password, request.remote_addr)
    db.session.commit()
    return DeviceConfirmedOut(confirmed=True)


@bp.post("/auth/logout")
@operation(
    "logout", "Log out this device (its session ends on the server)", tag=TAG, response=LogoutOut
)
def logout() -> LogoutOut:
    loader.end()
    db.session.commit()
    after_this_request(_clear_browser_cache)
    return LogoutOut(ok=True)


def _clear_browser_cache(response: Response) -> Response:
    """The browser forgets what it cached for this user (HTTPS only: browsers ignore it over
    plain HTTP); the web client also empties its own caches."""
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.get("/me")
@operation(
    "getCurrentUser",
    "The logged-in user (null for a visitor) and the session's CSRF token",
    tag=TAG,
    response=SessionOut,
    public=True,
    description="Answers 200 to everyone: `user` is null when nobody is logged in, so a "
    "page asking who is there logs no error. `device_confirmed` is false on a paired tablet "
    "its user has not confirmed yet.",
)
def get_current_user() -> SessionOut:
    if not current_user.is_authenticated:
        return SessionOut(user=None, csrf_token=csrf_token())
    row = loader.current_session()
    confirmed = row.device_id is None or services.get_device(row.device_id).confirmed_at is not None
    return SessionOut(
        user=user_out(current_user), csrf_token=csrf_token(), device_confirmed=confirmed
    )
