"""Safe defaults: a key nobody else knows, bodies refused unread, production that refuses to
serve unsafely, HTTPS headers."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from server import create_app
from server.extensions import db
from server.startup import check_deployment, production_problems
from tests.conftest import app_config

#: The key this project's source carried until it generated one per install: anyone could
#: sign an administrator's cookie with it.
OLD_BUILT_IN_KEY = "insecure-development-key-change-me"


def _fresh_app(tmp_path: Path, **extra) -> Flask:
    config = app_config(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "storage", **extra)
    config.pop("SECRET_KEY")
    config["SECRET_KEY_FILE"] = str(tmp_path / "instance" / "secret_key")
    return create_app(config)


def test_a_default_install_makes_its_own_key_readable_by_its_user_only(tmp_path):
    app = _fresh_app(tmp_path)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = app.config["SECRET_KEY"]
    assert len(key) >= 48
    assert key != OLD_BUILT_IN_KEY
    # The same instance keeps its key across restarts; another install has another.
    assert _fresh_app(tmp_path).config["SECRET_KEY"] == key
    other = tmp_path / "other"
    other.mkdir()
    assert _fresh_app(other).config["SECRET_KEY"] != key


def test_a_cookie_forged_with_the_old_built_in_key_is_refused(sqlite_app):
    """Sign an administrator's session with the key the source used to ship: not logged in."""
    forger = Flask("forger")
    forger.secret_key = OLD_BUILT_IN_KEY
    forger.config["SESSION_COOKIE_NAME"] = sqlite_app.config["SESSION_COOKIE_NAME"]
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    assert serializer is not None
    with sqlite_app.app_context():
        admin_id = db.session.scalar(sa.text("SELECT id FROM users WHERE username = 'admin'"))
    forged = serializer.dumps({"_user_id": str(admin_id), "_fresh": True, "sid": "x" * 43})
    client = sqlite_app.test_client()
    client.set_cookie(sqlite_app.config["SESSION_COOKIE_NAME"], forged)
    assert client.get("/api/me").json["user"] is None
    assert client.get("/api/users").status_code == 401


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def test_a_30_mb_login_is_refused_before_it_is_read(sqlite_app):
    size = 30 * 1024 * 1024
    body = CountingStream(b"{" + b" " * (size - 2) + b"}")
    answer = sqlite_app.test_client().post(
        "/api/auth/login",
        input_stream=body,
        content_type="application/json",
        headers={"Content-Length": str(size)},
    )
    assert answer.status_code == 413
    assert answer.json["error"]["code"] == "body_too_large"
    assert "64 KB" in answer.json["error"]["message"]
    assert body.taken == 0, "not one byte of it was read"


def test_every_route_reads_at_most_64_kb_but_uploads_and_drawings(login, demo_meeting_id):
    secretary = login("secretary")
    big = {"title": "x" * (70 * 1024)}
    for method, path in (
        (secretary.patch, f"/api/meetings/{demo_meeting_id}"),
        (secretary.post, f"/api/meetings/{demo_meeting_id}/agenda"),
        (secretary.post, "/api/auth/login"),
    ):
        answer = method(path, json=big)
        assert answer.status_code == 413, path
    # An upload is read up to its own limit (a 70 KB link form is far below it).
    item = secretary.get(f"/api/meetings/{demo_meeting_id}").json["agenda"][1]["id"]
    link = secretary.post(
        f"/api/agenda/{item}/documents",
        data={"kind": "link", "url": "https://vbpl.vn/", "title": "Văn bản " + "x" * 200},
    )
    assert link.status_code == 202


def test_production_lists_every_unsafe_setting_and_refuses_to_start(sqlite_app):
    sqlite_app.config.update(
        DEPLOYMENT="production",
        SESSION_COOKIE_SECURE=False,
        HSTS_SECONDS=0,
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    problems = production_problems(sqlite_app)
    assert any("SESSION_COOKIE_SECURE" in p for p in problems)
    assert any("HSTS_SECONDS" in p for p in problems)
    assert any("REDIS_URL has no password" in p for p in problems)
    assert any("demo accounts" in p for p in problems)
    with pytest.raises(SystemExit, match="Refusing to start in production"):
        check_deployment(sqlite_app)
    with sqlite_app.app_context():
        db.session.execute(sa.text("DELETE FROM users WHERE is_demo"))
        db.session.commit()
    sqlite_app.config.update(
        SESSION_COOKIE_SECURE=True,
        HSTS_SECONDS=31536000,
        REDIS_URL="redis://:a-long-redis-password@127.0.0.1:6379/0",
    )
    assert production_problems(sqlite_app) == []
    check_deployment(sqlite_app)


@pytest.mark.postgres
def test_production_refuses_postgresql_that_acknowledges_before_it_is_durable(
    postgres_server, postgres_template, tmp_path
):
    name = "prod_async"
    postgres_server.create_database(name, template=postgres_template)
    try:
        app = create_app(
            app_config(
                postgres_server.url(name),
                tmp_path / "storage",
                DEPLOYMENT="demo",
                SESSION_COOKIE_SECURE=True,
                HSTS_SECONDS=31536000,
            )
        )
        with app.app_context():
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"ALTER DATABASE {name} SET synchronous_commit = off")
            db.engine.dispose()
            assert any("synchronous_commit is 'off'" in p for p in production_problems(app))
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"ALTER DATABASE {name} SET synchronous_commit = on")
            db.engine.dispose()
            assert not any("synchronous_commit" in p for p in production_problems(app))
            db.engine.dispose()
    finally:
        postgres_server.drop_database(name)


def test_hsts_is_sent_over_https_once_set(sqlite_app):
    sqlite_app.config["HSTS_SECONDS"] = 31536000
    client = sqlite_app.test_client()
    secure = client.get("/healthz", base_url="https://hall.local")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = client.get("/healthz")
    assert "Strict-Transport-Security" not in plain.headers
