"""create_app(): the Flask + Socket.IO application factory."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event
from sqlalchemy.pool import QueuePool
from werkzeug.middleware.proxy_fix import ProxyFix

from server import config as settings
from server.db import SQLITE_BUSY_SECONDS
from server.extensions import db, login_manager, migrate, socketio

log = logging.getLogger(__name__)


class IsoJSONProvider(DefaultJSONProvider):
    """JSON with ISO 8601 dates (Flask's default writes RFC 822 dates), compact even in debug
    mode: answers padded to one length (a ballot's) must keep it in every mode."""

    compact = True

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, datetime | date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application. `config` overrides settings read from the environment.

    `ASYNC_MODE` ("threading" unless the entry point says otherwise) is passed to
    Flask-SocketIO; only server/wsgi.py imports gevent or eventlet.
    """
    instance = os.environ.get("INSTANCE_DIR", str(settings.INSTANCE_DIR))
    app = Flask(__name__, instance_path=instance, static_folder=None)
    from server.api import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter
    app.config.update(settings.defaults())
    app.config.update(settings.from_environment())
    app.config.setdefault("ASYNC_MODE", "threading")
    if config:
        app.config.update(config)
    app.json = IsoJSONProvider(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key_from(Path(app.config["SECRET_KEY_FILE"]))
    # Every request body is small unless its operation says otherwise (api.operation's
    # max_body: the two upload routes, the annotation routes): 413 before it is read.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    _check_production_settings(app)

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    _configure_database(app)
    db.init_app(app)
    # Runs before Flask-SQLAlchemy's own teardown (they run in reverse order).
    app.teardown_appcontext(_release_session)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"))
    _install_sqlite_pragmas(app)

    from server.accounts.loader import init_login

    login_manager.init_app(app)
    init_login(app)

    # The socket handlers must be declared before the first init_app: Flask-SocketIO keeps
    # handlers declared before it in a list it gives every server it makes (one per app,
    # and the tests make many); a handler declared later reaches only the server of then.
    from server.realtime import events as _socket_handlers  # noqa: F401
    from server.realtime.cluster import client_manager

    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        # With REDIS_URL: the Redis message queue on Flask-SocketIO's channel
        # "flask-socketio" (server/realtime/queue.py). Always passed, even as None, so
        # an app built after another in the same process does not inherit its queue.
        client_manager=client_manager(app),
        # Same origin only (the default); stated to make it visible.
        cors_allowed_origins=None,
        max_http_buffer_size=1_000_000,
        ping_interval=10,
        ping_timeout=10,
    )
    from server.realtime.transport import cap_websocket_messages

    cap_websocket_messages(socketio.server)

    _register_features(app)
    return app


def secret_key_from(path: Path) -> str:
    """The key kept in `path`, made there once (random, readable by this user only)."""
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 32:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process of this instance made it first: take theirs.
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key + "\n")
        out.flush()
        os.fsync(out.fileno())
    return key


def _check_production_settings(app: Flask) -> None:
    if app.config["DEPLOYMENT"] == "production" and len(app.config["SECRET_KEY"]) < 32:
        raise RuntimeError(
            "Refusing to start in production with a short SECRET_KEY: set SECRET_KEY to a "
            "random value of at least 32 characters, or leave it unset to use a generated one."
        )


def _configure_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options: dict[str, Any] = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if uri.startswith("sqlite"):
        database = sa.engine.make_url(uri).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        options.setdefault("connect_args", {"timeout": SQLITE_BUSY_SECONDS})
        if app.config["ASYNC_MODE"] != "threading":
            # One connection, shared in turn: greenlets wait for it cooperatively instead of
            # blocking the whole process inside SQLite's busy handler.
            options.update(poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=60)
    else:
        if uri.startswith("postgresql://"):
            uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
            app.config["SQLALCHEMY_DATABASE_URI"] = uri
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 20)
        options.setdefault("pool_timeout", 10)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _release_session(_error: BaseException | None) -> None:
    """End the request's session; a database gone mid-request (a restart: the rollback fails)
    loses the connection, not the answer already made (a clean 503, not a bare 500)."""
    try:
        db.session.remove()
    except sa.exc.DBAPIError:
        log.warning("the database connection was lost while a request ended", exc_info=True)
        try:
            db.session().invalidate()
        finally:
            db.session.registry.clear()


def _install_sqlite_pragmas(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Transactions are begun explicitly below; the driver must not begin its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed ballot survives a power cut, not only a killed process.
        cursor.execute("PRAGMA synchronous=FULL")
        # Deleted content (a secret ballot's link to its voter) is overwritten on disk.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # Take the write lock up front: two deferred transactions that both write would
        # otherwise fail with "database is locked" instead of waiting their turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _register_features(app: Flask) -> None:
    """Every feature's routes, socket handlers, state sections, messages and commands.

    The one place that knows them all: packages import nothing by themselves, so a pure
    module can be imported without Flask, and the order here is the order of registration
    (of the state's sections, for one).
    """
    from server import api, observability, web
    from server.accounts import cli as accounts_cli
    from server.accounts import messages as _accounts_messages  # noqa: F401
    from server.accounts import routes as accounts_routes
    from server.annotations import messages as _annotations_messages  # noqa: F401
    from server.annotations import routes as annotations_routes
    from server.councils import routes as councils_routes
    from server.councils.cli import councils_cli
    from server.demo.cli import seed_demo_command
    from server.documents import messages as _documents_messages  # noqa: F401
    from server.documents import routes as documents_routes
    from server.documents import sections as _documents_sections  # noqa: F401
    from server.meetings import messages as _meetings_messages  # noqa: F401
    from server.meetings import routes as meetings_routes
    from server.meetings import sections as _meetings_sections  # noqa: F401
    from server.minutes import messages as _minutes_messages  # noqa: F401
    from server.minutes import routes as minutes_routes
    from server.ops import metrics as _ops_metrics  # noqa: F401 (registers scrape-time gauges)
    from server.ops.audit_cli import audit_cli
    from server.ops.cli import backup_cli, session_cli
    from server.ops.tls_cli import tls_cli
    from server.realtime import cluster as _realtime_cluster  # noqa: F401
    from server.realtime import messages as _realtime_messages  # noqa: F401
    from server.realtime import presence as _realtime_presence  # noqa: F401
    from server.realtime import routes as realtime_routes
    from server.voting import messages as _voting_messages  # noqa: F401
    from server.voting import routes as voting_routes
    from server.voting import sections as _voting_sections  # noqa: F401

    app.register_blueprint(api.bp)
    app.register_blueprint(accounts_routes.bp)
    app.register_blueprint(councils_routes.bp)
    app.register_blueprint(meetings_routes.bp)
    app.register_blueprint(realtime_routes.bp)
    app.register_blueprint(documents_routes.bp)
    app.register_blueprint(annotations_routes.bp)
    app.register_blueprint(voting_routes.bp)
    app.register_blueprint(minutes_routes.bp)
    web.init_app(app)
    observability.init_app(app)

    app.cli.add_command(accounts_cli.users_cli)
    app.cli.add_command(councils_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_cli)
    app.cli.add_command(session_cli)
    app.cli.add_command(tls_cli)
