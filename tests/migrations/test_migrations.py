"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.extensions import db
from tests.conftest import build_app

# Tables (and their indexes) written by migrations only (full-text search), unknown to the models.
UNMODELLED = ("page_fts", "sqlite_")


def _diff(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    return [
        d
        for d in diff
        if not (d[0] in ("remove_table", "remove_index") and d[1].name.startswith(UNMODELLED))
    ]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_app(request, tmp_path):
    if request.param == "sqlite":
        yield build_app(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "storage")
        return
    server = request.getfixturevalue("postgres_server")
    name = f"m_{uuid.uuid4().hex[:10]}"
    server.create_database(name)
    app = build_app(server.url(name), tmp_path / "storage")
    yield app
    with app.app_context():
        db.engine.dispose()
    server.drop_database(name)


def test_upgrade_from_empty_matches_models(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
    assert _diff(empty_app) == []


def test_downgrade_to_base_and_upgrade_again(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        flask_migrate.upgrade()
    assert _diff(empty_app) == []


def test_audit_entries_are_append_only(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
        from server.audit import service as audit

        audit.record("test.action", actor_id=None, data={"n": 1})
        db.session.commit()
        for statement in (
            "UPDATE audit_entries SET action = 'forged'",
            "DELETE FROM audit_entries",
        ):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
