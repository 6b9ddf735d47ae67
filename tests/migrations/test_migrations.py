"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

import unicodedata
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


@pytest.mark.postgres
def test_folded_page_text_is_filled_in_for_pages_indexed_before(
    postgres_server, postgres_template, tmp_path
):
    """On PostgreSQL the search keeps each page's folded text; upgrading fills in old pages."""
    from server.documents.textfold import fold

    name = f"m_{uuid.uuid4().hex[:10]}"
    postgres_server.create_database(name, template=postgres_template)
    app = build_app(postgres_server.url(name), tmp_path / "storage")
    folded_pages = sa.text(
        "SELECT p.text, b.body FROM page_fts f JOIN document_pages p ON p.id = f.page_id "
        "LEFT JOIN page_fts_body b ON b.page_id = p.id"
    )
    try:
        with app.app_context():
            seeded = db.session.execute(folded_pages).all()
            assert len(seeded) > 10
            assert all(body == fold(text) for text, body in seeded)
            db.session.remove()
            flask_migrate.downgrade(revision="9b91e68696a6")
            assert "page_fts_body" not in sa.inspect(db.engine).get_table_names()
            flask_migrate.upgrade()
            filled = db.session.execute(folded_pages).all()
            assert len(filled) == len(seeded)
            assert all(body is not None and body == fold(text) for text, body in filled)
            assert any(body != text for text, body in filled)
            db.session.remove()
            db.engine.dispose()
    finally:
        postgres_server.drop_database(name)


def test_names_typed_in_nfd_before_are_made_nfc(empty_app):
    """Rows written before input was normalised are rewritten in NFC on upgrade."""
    from server.accounts import services as accounts
    from server.councils import services as councils

    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Sáu")
    with empty_app.app_context():
        flask_migrate.upgrade(revision="e3b9c04f71a2")
        user = accounts.create_user("sau", nfd, password=None)
        council = councils.create_council(None, unicodedata.normalize("NFD", "HĐND xã Ea Tu"))
        db.session.commit()
        ids = (user.id, council.id)
        db.session.remove()
        flask_migrate.upgrade()
        name = db.session.execute(
            sa.text("SELECT full_name FROM users WHERE id = :i"), {"i": ids[0]}
        )
        assert name.scalar() == "Nguyễn Văn Sáu"
        council_name = db.session.execute(
            sa.text("SELECT name FROM councils WHERE id = :i"), {"i": ids[1]}
        )
        assert council_name.scalar() == "HĐND xã Ea Tu"
        db.session.remove()
