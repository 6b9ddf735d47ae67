"""Checks a serving process makes before it accepts anyone."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from server.accounts.models import User
from server.extensions import db


def check_deployment(app: Flask) -> None:
    """Refuse to serve a production deployment that still has demo accounts."""
    if app.config["DEPLOYMENT"] != "production":
        return
    with app.app_context():
        demo = db.session.scalar(sa.select(sa.func.count()).where(User.is_demo.is_(True)))
    if demo:
        raise SystemExit(
            f"Refusing to start in production: {demo} demo accounts exist. "
            "Remove them (or use a fresh database) before serving real sessions."
        )
