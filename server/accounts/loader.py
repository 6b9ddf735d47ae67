"""Flask-Login wiring: which session, and so which user, a request or socket event is.

The signed cookie carries the user id and a random session token. Every request and every
socket event looks the token's row up (with the user and their memberships, one
statement): an ended, expired or idle session, a deactivated user or a revoked device is
not logged in, at once, whatever the cookie says.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, g, session
from flask_login import login_user, logout_user

from server.accounts import services
from server.accounts.models import User, UserSession
from server.errors import Forbidden, NotAuthenticated
from server.extensions import db, login_manager

log = logging.getLogger(__name__)

#: Where the session token sits in the (signed) cookie.
TOKEN_KEY = "sid"  # noqa: S105 - the name of a cookie field, not a secret


def init_login(app: Flask) -> None:
    # "basic": a changed address marks the session non-fresh but keeps it (tablets roam).
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        token = session.get(TOKEN_KEY)
        if not token or not user_id.isdigit():
            return None
        found = services.session_of(str(token))
        if found is None:
            return None
        row, user = found
        if user.id != int(user_id):
            return None
        g.user_session = row
        if services.touch_due(row):
            g.touch_session = row.id
        return user

    @app.teardown_appcontext
    def touch(error: BaseException | None) -> None:
        """A session in use stays alive, read-only requests too: its last use is written in
        a transaction of its own once the request's is over (at most once a minute)."""
        session_id = g.pop("touch_session", None)
        if session_id is None or error is not None:
            return
        try:
            db.session.rollback()  # nothing of the request's own is written here
            services.touch_session(session_id)
            db.session.commit()
        except sa.exc.DBAPIError:
            db.session.rollback()
            log.warning("could not record the use of session %s", session_id, exc_info=True)

    @login_manager.unauthorized_handler
    def unauthorized() -> None:
        raise NotAuthenticated("not_authenticated")


def begin(user: User, token: str) -> None:
    """Log this browser in as `user` with a session token from `services.start_session`."""
    session.clear()
    session.permanent = True
    login_user(user)
    session[TOKEN_KEY] = token


def end() -> None:
    """Log this browser out: its session row is ended, not only its cookie."""
    token = session.get(TOKEN_KEY)
    if token:
        services.end_session(str(token))
    logout_user()
    session.clear()


def current_session() -> UserSession:
    """The logged-in request's session row (set when its user was loaded)."""
    row: UserSession | None = g.get("user_session")
    if row is None:
        raise NotAuthenticated("not_authenticated")
    return row


def require_own_device() -> None:
    """403 unless this session may cast a ballot: a password login, or a paired tablet its
    user has confirmed (a tablet paired with a token someone else issued may not vote for
    them until they confirm it with their own password)."""
    row = current_session()
    if row.device_id is None:
        return
    device = services.get_device(row.device_id)
    if device.confirmed_at is None:
        raise Forbidden("device_not_confirmed")
