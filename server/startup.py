"""Checks a serving process makes before it accepts anyone.

A production deployment refuses to start while it is not safe to serve a council: demo
accounts present, cookies that travel over plain HTTP, no HSTS, PostgreSQL acknowledging
commits before they are durable (a ballot acknowledged and then lost), or a Redis message
queue anyone who reaches it can publish into (a forged `vote.closed` on every tablet).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask

from server.accounts.models import User
from server.extensions import db


def production_problems(app: Flask) -> list[str]:
    """What stops `app` from serving in production, in words an operator can act on."""
    config = app.config
    problems = []
    if not config["SESSION_COOKIE_SECURE"]:
        problems.append(
            "SESSION_COOKIE_SECURE is not 1: session cookies would travel over plain HTTP. "
            "Serve HTTPS (TLS_CERT_FILE and TLS_KEY_FILE, or a proxy) and set it to 1."
        )
    if int(config["HSTS_SECONDS"]) <= 0:
        problems.append(
            "HSTS_SECONDS is not set: browsers would accept a downgrade to plain HTTP. "
            "Set it (for example 31536000) once HTTPS works."
        )
    redis_url = config["REDIS_URL"]
    if redis_url and not urlsplit(redis_url).password:
        problems.append(
            "REDIS_URL has no password: anyone who reaches Redis could send every tablet "
            "a forged event. Set requirepass on the Redis server and put it in REDIS_URL."
        )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                durable = conn.exec_driver_sql("SHOW synchronous_commit").scalar()
            # on, local, remote_write, remote_apply: each waits for at least the local flush.
            if durable == "off":
                problems.append(
                    "PostgreSQL synchronous_commit is 'off': an acknowledged ballot could be "
                    "lost in a crash. Set synchronous_commit = on."
                )
        demo = db.session.scalar(sa.select(sa.func.count()).where(User.is_demo.is_(True)))
        db.session.remove()
    if demo:
        problems.append(
            f"{demo} demo accounts exist. Remove them (or use a fresh database) before "
            "serving real sessions."
        )
    return problems


def check_deployment(app: Flask) -> None:
    """Refuse to serve a production deployment that is not safe (see the module docstring)."""
    if app.config["DEPLOYMENT"] != "production":
        return
    problems = production_problems(app)
    if problems:
        raise SystemExit(
            "Refusing to start in production:\n" + "\n".join(f"- {p}" for p in problems)
        )
