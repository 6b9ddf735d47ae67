"""Flask-Login wiring: which user a session cookie belongs to."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, session
from sqlalchemy.orm import joinedload

from server.accounts.models import User
from server.accounts.services import device_is_valid
from server.errors import NotAuthenticated
from server.extensions import db, login_manager

#: Every request loads its user, with the roles in the same statement; built once.
_USER_WITH_ROLES = (
    sa.select(User).options(joinedload(User.role_rows)).where(User.id == sa.bindparam("user_id"))
)


def init_login(app: Flask) -> None:
    # "basic": a changed address marks the session non-fresh but keeps it (tablets roam).
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(value: str) -> User | None:
        user_id, _, version = value.partition(".")
        if not user_id.isdigit():
            return None
        user = (
            db.session.execute(_USER_WITH_ROLES, {"user_id": int(user_id)})
            .unique()
            .scalar_one_or_none()
        )
        if user is None or not user.active or str(user.session_version) != version:
            return None
        device_id = session.get("device_id")
        if device_id is not None and not device_is_valid(int(device_id)):
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized() -> None:
        raise NotAuthenticated("not_authenticated")
