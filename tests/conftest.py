"""Fixtures: a fresh app per test on SQLite and on a real PostgreSQL server.

Each test gets its own database, cloned from a template that was migrated (never
created from the models) and seeded with the demo council once per session. Services
that are not installed skip their tests by name; with REQUIRE_SERVICES=1 (set by CI)
a missing service fails instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from server import create_app
from server.db import utcnow
from server.demo.seed import seed_demo
from server.extensions import db, socketio
from server.voting.housekeeping import EXTENSION_KEY as HOUSEKEEPER
from tests.services import PostgresServer, RedisServer, start_postgres, start_redis

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

TEST_SECRET = "test-secret-key-for-the-test-suite-only-0123456789"
#: One audit signing key for the whole run (the seeded templates' entries are signed with it,
#: and so are those of the server processes the system tests start).
TEST_AUDIT_KEY = os.environ.setdefault(
    "AUDIT_KEY_FILE", str(Path(tempfile.mkdtemp(prefix="council-audit-")) / "audit_signing.key")
)


def service_missing(reason: str) -> None:
    """Skip (or, under REQUIRE_SERVICES=1, fail) a test whose service is not installed."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}; REQUIRE_SERVICES=1 demands the real server", pytrace=False)
    pytest.skip(reason)


def app_config(database_url: str, storage: Path, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DEPLOYMENT": "demo",
        "SECRET_KEY": TEST_SECRET,
        "AUDIT_KEY_FILE": TEST_AUDIT_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "STORAGE_DIR": str(storage),
        "BALLOT_KEYS_DIR": str(storage.parent / "ballot-keys"),
        "REDIS_URL": None,
        "ASYNC_MODE": "threading",
        # Cheap hashing keeps the suite fast; production parameters are in config.py.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 1024,
        "ARGON2_PARALLELISM": 1,
        "PDF_WORKERS": 1,
        **extra,
    }


def build_app(database_url: str, storage: Path, **extra: Any) -> Flask:
    return create_app(app_config(database_url, storage, **extra))


#: Storage directories of the seeded templates ("sqlite", "postgres"): the demo documents'
#: files, which every test's own storage starts from.
TEMPLATE_STORAGE: dict[str, Path] = {}


def migrate_and_seed(app: Flask) -> None:
    with app.app_context():
        flask_migrate.upgrade()
        seed_demo(utcnow())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


# --- Real servers -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = start_postgres(Path(tempfile.mkdtemp(prefix="council-pg-")))
    except FileNotFoundError as exc:
        service_missing(f"PostgreSQL not available: {exc}")
    yield server
    server.remove()


def _throwaway_redis() -> Iterator[RedisServer]:
    try:
        server = start_redis(Path(tempfile.mkdtemp(prefix="council-redis-")))
    except FileNotFoundError as exc:
        service_missing(f"Redis not available: {exc}")
    yield server
    server.remove()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    yield from _throwaway_redis()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A Redis server of the test's own, for tests that stop and start it."""
    yield from _throwaway_redis()


# --- Databases --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sqlite-template")
    path = root / "template.db"
    migrate_and_seed(build_app(f"sqlite:///{path}", root / "storage"))
    TEMPLATE_STORAGE["sqlite"] = root / "storage"
    return path


@pytest.fixture(scope="session")
def postgres_template(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> str:
    name = "council_template"
    postgres_server.create_database(name)
    storage = tmp_path_factory.mktemp("pg-template")
    migrate_and_seed(build_app(postgres_server.url(name), storage))
    TEMPLATE_STORAGE["postgres"] = storage
    return name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own for this test, migrated and seeded with the demo council."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"t_{uuid.uuid4().hex[:12]}"
    server.create_database(name, template=template_name)
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    storage = tmp_path / "storage"
    template = TEMPLATE_STORAGE.get("sqlite" if database_url.startswith("sqlite") else "postgres")
    if template is not None and template.is_dir():
        # Hard links: files are written once under their hash and never changed in place.
        shutil.copytree(template, storage, copy_function=os.link)
    app = build_app(database_url, storage)
    yield app
    keeper = app.extensions.get(HOUSEKEEPER)
    if keeper is not None:
        keeper.stop()  # before its database goes
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- Clients ----------------------------------------------------------------------------


class Api:
    """A test client that logs in and sends the CSRF token on state-changing requests."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf: str | None = None
        self.user: dict[str, Any] | None = None

    def login(self, username: str, password: str = "demo") -> Any:
        response = self.client.post(
            "/api/auth/login", json={"username": username, "password": password}
        )
        if response.status_code == 200:
            self.csrf = response.json["csrf_token"]
            self.user = response.json["user"]
        return response

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers.setdefault("X-CSRF-Token", self.csrf)
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api(app: Flask) -> Api:
    """An anonymous API client; call .login(name)."""
    return Api(app.test_client())


@pytest.fixture
def login(app: Flask) -> Any:
    """login("delegate01") -> an Api logged in as that demo account, with its own cookies."""

    def _login(username: str, password: str = "demo") -> Api:
        client = Api(app.test_client())
        response = client.login(username, password)
        assert response.status_code == 200, response.json
        return client

    return _login


@pytest.fixture
def socket_for(app: Flask) -> Any:
    """socket_for(api) -> a Socket.IO test client sharing that Api's login cookie."""
    clients: list[SocketIOTestClient] = []

    def _connect(user_api: Api) -> SocketIOTestClient:
        sio = socketio.test_client(app, flask_test_client=user_api.client)
        clients.append(sio)
        return sio

    yield _connect
    for sio in clients:
        if sio.is_connected():
            sio.disconnect()


@pytest.fixture
def demo_meeting_id(app: Flask) -> int:
    from server.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.query(Meeting).order_by(Meeting.id).first()
        assert meeting is not None
        return int(meeting.id)
