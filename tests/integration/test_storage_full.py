"""A full disk: 507 `storage_full` in words a secretary understands, and nothing half-written.

The storage directory (and, in one test, the SQLite database) lives on a small tmpfs that
the tests really fill (tests/small_disk.py), so ENOSPC comes from the kernel at whichever
write meets it: a chunk of the upload, the rename into originals/, the worker writing the
sanitised PDF or a rendered page, SQLite appending to its journal, Werkzeug spooling a
request body.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from server import storage
from server.audit.models import AuditEntry
from server.documents.models import Document
from server.extensions import db
from server.voting.housekeeping import EXTENSION_KEY as HOUSEKEEPER
from tests.conftest import Api, build_app
from tests.factories import photo_pdf
from tests.integration.documents_helpers import item_ids, settle, upload, wait_for
from tests.small_disk import SmallDisk, small_disk

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / "disk", size_mb=16) as mounted:
        yield mounted


def _close(app: Flask) -> None:
    keeper = app.extensions.get(HOUSEKEEPER)
    if keeper is not None:
        keeper.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url: str, disk: SmallDisk) -> Iterator[Flask]:
    """The application with STORAGE_DIR on the small disk (its database on the usual one)."""
    app = build_app(database_url, disk.root / "storage")
    yield app
    settle()
    _close(app)


def recorded(app: Flask) -> tuple[int, int]:
    """(documents, audit entries) in the database."""
    with app.app_context():
        documents = db.session.scalar(sa.select(sa.func.count()).select_from(Document))
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        db.session.rollback()
        return int(documents or 0), int(entries or 0)


def assert_storage_full(response, lang: str = "vi") -> None:
    assert response.status_code == 507, response.json
    error = response.json["error"]
    assert error["code"] == "storage_full"
    start = "Máy chủ hết chỗ lưu trữ" if lang == "vi" else "The server's storage is full"
    assert error["message"].startswith(start), error


def test_an_upload_that_finds_the_disk_full_is_507_and_leaves_nothing(
    app, login, demo_meeting_id, disk
):
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    pdf = photo_pdf()  # 1.3 MB
    before = recorded(app)
    listed = secretary.get(f"/api/meetings/{demo_meeting_id}/documents").json["documents"]

    disk.fill(leave=256 * 1024)
    assert_storage_full(upload(secretary, item, pdf, title="Ảnh hiện trường"))
    assert_storage_full(upload(secretary, item, pdf, headers=ENGLISH), lang="en")
    # No partial file (storage/tmp is empty), no row, no audit entry, nothing listed.
    assert disk.files() == []
    assert recorded(app) == before
    assert secretary.get(f"/api/meetings/{demo_meeting_id}/documents").json["documents"] == listed

    # Space freed: the same upload goes through, nothing left behind stands in its way.
    disk.empty()
    accepted = upload(secretary, item, pdf, title="Ảnh hiện trường")
    assert accepted.status_code == 202, accepted.json
    ready = wait_for(secretary, accepted.json["id"])
    assert ready["page_count"] == 1
    kept = {path.parts[1] for path in disk.files()}
    assert {"originals", "documents"} <= kept
    assert not [p for p in disk.files() if p.name.startswith(".tmp-") or p.parts[1] == "tmp"]


def test_an_upload_is_on_disk_before_its_row_commits(app, login, demo_meeting_id, monkeypatch):
    """The original's data and its name in originals/ are flushed before the transaction
    that records the document commits (a power cut then cannot keep the row without it)."""
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    timeline: list[tuple[str, Any]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        timeline.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def committing(session: orm.Session) -> None:
        held = {o.original_sha256 for o in session.identity_map.values() if isinstance(o, Document)}
        timeline.append(("commit", held))

    monkeypatch.setattr(os, "fsync", fsync)
    sa.event.listen(orm.Session, "before_commit", committing)
    pdf = photo_pdf()
    try:
        accepted = upload(secretary, item, pdf, title="Ảnh hiện trường")
    finally:
        sa.event.remove(orm.Session, "before_commit", committing)
    assert accepted.status_code == 202, accepted.json
    with app.app_context():
        sha = db.session.get(Document, accepted.json["id"]).original_sha256
        kept = storage.original_path(sha)
    commit = next(i for i, (kind, held) in enumerate(timeline) if kind == "commit" and sha in held)
    flushed = [path for kind, path in timeline[:commit] if kind == "fsync"]
    assert any(p.parent.name == "tmp" and p.name.startswith("upload-") for p in flushed)
    assert kept.parent in flushed
    assert kept.read_bytes() == pdf
    wait_for(secretary, accepted.json["id"])


def test_processing_that_finds_the_disk_full_fails_the_document_clearly(
    app, login, demo_meeting_id, disk
):
    """The upload fits, its sanitised copy does not: the document fails saying why, and no
    part of the sanitised file is left."""
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    pdf = photo_pdf()
    disk.fill(leave=len(pdf) + 64 * 1024)
    accepted = upload(secretary, item, pdf, title="Ảnh hiện trường")
    assert accepted.status_code == 202, accepted.json
    failed = wait_for(secretary, accepted.json["id"], status="failed")
    assert failed["error"]["code"] == "storage_full"
    assert failed["error"]["message"].startswith("Máy chủ hết chỗ lưu trữ")
    english = secretary.get(f"/api/documents/{failed['id']}", headers=ENGLISH).json
    assert english["error"]["message"].startswith("The server's storage is full")
    assert [path.parts[1] for path in disk.files()] == ["originals"]


def test_a_page_that_cannot_be_kept_is_507(app, login, demo_meeting_id, disk):
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    accepted = upload(secretary, item, photo_pdf(), title="Ảnh hiện trường")
    assert accepted.status_code == 202, accepted.json
    doc = wait_for(secretary, accepted.json["id"])
    settle()  # its thumbnails are made
    before = disk.files()

    disk.fill()
    path = f"/api/documents/{doc['id']}/pages/1/image?width=960"
    assert_storage_full(secretary.get(path, headers={"Accept": "image/webp"}))
    assert disk.files() == before  # no partial image in the cache

    disk.empty()
    image = secretary.get(path, headers={"Accept": "image/webp"})
    assert image.status_code == 200
    assert image.data[:4] == b"RIFF"


# Werkzeug leaves the temporary file of a multipart body it failed to parse to the garbage
# collector, which complains when it closes it: collected (and allowed) within this test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_request_body_spooled_onto_a_full_disk_is_507(
    app, login, demo_meeting_id, disk, monkeypatch
):
    """Werkzeug keeps a large multipart body in a temporary file before any of our code
    runs; a full disk there reaches the generic error handlers, which answer 507 too."""
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    spool = disk.root / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    disk.fill()
    before = recorded(app)
    assert_storage_full(upload(secretary, item, photo_pdf(), title="Ảnh hiện trường"))
    assert recorded(app) == before
    gc.collect()


def test_a_database_on_a_full_disk_is_507(sqlite_template: Path, disk: SmallDisk) -> None:
    """SQLite's journal meets the full disk at commit: the transaction is rolled back and the
    answer is the same 507 (PostgreSQL's disk_full, SQLSTATE 53100, is read the same way)."""
    database = disk.root / "council.db"
    shutil.copyfile(sqlite_template, database)
    app = build_app(f"sqlite:///{database}", disk.root / "storage")
    try:
        secretary = Api(app.test_client())
        assert secretary.login("secretary").status_code == 200
        meeting = secretary.get("/api/meetings").json["meetings"][0]["id"]
        agenda = f"/api/meetings/{meeting}/agenda"
        disk.fill()
        assert_storage_full(secretary.post(agenda, json={"title": "Nội dung bổ sung"}))
        assert_storage_full(
            secretary.post(agenda, json={"title": "Nội dung bổ sung"}, headers=ENGLISH), "en"
        )
        disk.empty()
        assert secretary.post(agenda, json={"title": "Nội dung bổ sung"}).status_code == 201
        titles = [i["title"] for i in secretary.get(f"/api/meetings/{meeting}").json["agenda"]]
        assert titles.count("Nội dung bổ sung") == 1
    finally:
        _close(app)
