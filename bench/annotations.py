"""Annotations: listing 5,000 of one delegate's annotations on one document, syncing 200
offline changes, exporting a 300-page document with 1,000 annotations.

The embedded default (SQLite, one process), driven through Flask's test client: the
figures are the server's own work for each request (routing, checks, database, JSON, the
PDF worker), without a network. Each figure has a baseline measured in the same run:
listing an empty set, 200 trivial authenticated requests, exporting with no annotation.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask_migrate
from flask import Flask

from bench.common import Figure, at_most, median, percentile
from server import create_app, rendering
from server.annotations.models import Annotation, AnnotationCursor
from server.db import utcnow
from server.documents import processing
from server.documents.models import Document, DocumentPage
from server.extensions import db
from server.pdf.compose import long_report
from tests.factories import PASSWORD, make_council

NAME = "annotations"
LIST_SIZE = 5_000
SYNC_CHANGES = 200
EXPORT_PAGES = 300
EXPORT_ANNOTATIONS = 1_000


def _app(workdir: Path) -> Flask:
    return create_app(
        {
            "DEPLOYMENT": "demo",
            "SECRET_KEY": "bench-secret-key-0123456789-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
            "STORAGE_DIR": str(workdir / "storage"),
            "REDIS_URL": None,
            "ASYNC_MODE": "threading",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_KIB": 1024,
            "ARGON2_PARALLELISM": 1,
            "PDF_WORKERS": 2,
        }
    )


class Client:
    def __init__(self, app: Flask, username: str) -> None:
        self.client = app.test_client()
        answer = self.client.post(
            "/api/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.json
        self.csrf = answer.json["csrf_token"]

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf} if method != "GET" else {}
        return self.client.open(path, method=method, headers=headers, **kwargs)


def _setup(app: Flask) -> dict[str, Any]:
    """A council, a session, a secretary and four delegates (bench01..bench04)."""
    with app.app_context():
        flask_migrate.upgrade()
    return make_council(app, "Hội đồng nhân dân tỉnh (đo hiệu năng)", members=4, prefix="bench")


def _upload(app: Flask, world: dict[str, Any], pdf: bytes) -> int:
    """Upload through the API, let the workers process it, publish; the document id."""
    import io

    secretary = Client(app, world["secretary"])
    answer = secretary.call(
        "POST",
        f"/api/agenda/{world['item_id']}/documents",
        data={"file": (io.BytesIO(pdf), "du-toan.pdf"), "title": "Dự toán", "kind": "main"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 202, answer.json
    doc_id = int(answer.json["id"])
    assert processing.wait_idle(900), "processing did not finish"
    doc = secretary.call("GET", f"/api/documents/{doc_id}").json
    assert doc["status"] == "ready", doc
    assert secretary.call("POST", f"/api/documents/{doc_id}/publish").status_code == 200
    return doc_id


def _insert(app: Flask, user_id: int, doc_id: int, count: int, rng: random.Random) -> None:
    """`count` annotations of every kind, written straight to the tables."""
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc is not None
        pages = {
            p.number: p
            for p in db.session.query(DocumentPage).filter(DocumentPage.document_id == doc_id)
        }
        numbers = sorted(pages)
        now = utcnow()
        cursor = db.session.get(AnnotationCursor, user_id)
        seq = cursor.last_seq if cursor else 0
        rows = []
        for n in range(count):
            page = pages[numbers[n % len(numbers)]]
            kind = ("highlight", "underline", "note", "ink", "strikeout", "textbox")[n % 6]
            words = json.loads(page.words or "[]") or [[50, 50, 90, 62, "x"]]
            word = words[rng.randrange(len(words))]
            if kind in ("highlight", "underline", "strikeout"):
                geometry: dict[str, Any] = {
                    "rects": [word[:4], [word[0], word[3] + 2, word[2], word[3] + 14]]
                }
            elif kind == "note":
                geometry = {"point": [word[0], word[1]]}
            elif kind == "textbox":
                geometry = {"rect": [60, 60, 260, 120]}
            else:
                geometry = {
                    "strokes": [[[100 + i * 3, 200 + (i % 7) * 2] for i in range(40)]],
                    "width": 2,
                }
            seq += 1
            rows.append(
                Annotation(
                    id=uuid.uuid4(),
                    user_id=user_id,
                    document_id=doc_id,
                    meeting_id=doc.meeting_id,
                    page=page.number,
                    kind=kind,
                    geometry=geometry,
                    color="#ffd400",
                    text=f"Ghi chú số {n}: cần làm rõ số liệu" if n % 3 == 0 else None,
                    quote=str(word[4]) if kind in ("highlight", "underline", "strikeout") else None,
                    anchor={},
                    points=40 if kind == "ink" else 0,
                    version=1,
                    seq=seq,
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.add_all(rows)
        if cursor is None:
            db.session.add(AnnotationCursor(user_id=user_id, last_seq=seq))
        else:
            cursor.last_seq = seq
        db.session.commit()


def _time(fn: Callable[[], Any], runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def _offline_queue(doc_id: int, words: list[list[Any]], rng: random.Random) -> list[tuple]:
    """200 changes as a tablet queues them offline: 120 creates, 50 updates, 30 deletes."""
    queue: list[tuple] = []
    versions: dict[str, int] = {}
    ids = []
    for n in range(120):
        annotation_id = str(uuid.uuid4())
        word = words[n % len(words)]
        body = {
            "id": annotation_id,
            "page": 1,
            "kind": "highlight" if n % 2 else "note",
            "geometry": {"rects": [word[:4]]} if n % 2 else {"point": [word[0], word[1]]},
            "text": f"Ghi chú {n}",
        }
        queue.append(("POST", f"/api/documents/{doc_id}/annotations", body))
        versions[annotation_id] = 1
        ids.append(annotation_id)
    for n in range(50):
        target = rng.choice(ids[:60])
        queue.append(
            (
                "PATCH",
                f"/api/annotations/{target}",
                {"version": versions[target], "text": f"Sửa {n}"},
            )
        )
        versions[target] += 1
    for target in rng.sample(ids[60:], 30):
        queue.append(("DELETE", f"/api/annotations/{target}", None))
    return queue


def _as_change(doc_id: int, method: str, url: str, body: dict[str, Any] | None) -> dict:
    """A queued request as an item of a syncAnnotations batch."""
    if method == "POST":
        return {"op": "create", "document_id": doc_id, "annotation": body}
    annotation_id = url.rsplit("/", 1)[1]
    if method == "PATCH":
        return {"op": "update", "id": annotation_id, **(body or {})}
    return {"op": "delete", "id": annotation_id}


def run(workdir: Path) -> list[Figure]:
    app = _app(workdir)
    world = _setup(app)
    rng = random.Random(6)
    lister, _, exporter, _ = world["delegates"]
    doc_id = _upload(app, world, long_report(EXPORT_PAGES, seed=4, title="Dự toán"))
    with app.app_context():
        page_count = db.session.get(Document, doc_id).page_count
        words = json.loads(
            db.session.query(DocumentPage).filter_by(document_id=doc_id, number=1).one().words
        )
    figures: list[Figure] = []

    # 1. Listing 5,000 annotations of one delegate on one document.
    _insert(app, lister, doc_id, LIST_SIZE, rng)
    client = Client(app, "bench01")
    nobody = Client(app, "bench04")
    path = f"/api/documents/{doc_id}/annotations"

    def listing(c: Client = client) -> None:
        answer = c.call("GET", path)
        assert answer.status_code == 200

    full = _time(listing, 30)
    count = len(client.call("GET", path).json["annotations"])
    assert count == LIST_SIZE, count
    bare = _time(lambda: listing(nobody), 30)
    value = median(full) * 1000
    figures.append(
        Figure(
            NAME,
            f"list {LIST_SIZE:,} annotations (median)",
            value,
            "ms",
            target="< 100 ms",
            met=at_most(value, 100),
            baseline=median(bare) * 1000,
            baseline_label="same request, no annotations",
            ratio=median(full) / median(bare),
            notes=f"p95 {percentile(full, 95) * 1000:.1f} ms; "
            f"{len(client.call('GET', path).data) / 1e6:.1f} MB of JSON",
        )
    )
    cursor = client.call("GET", path).json["cursor"]
    nothing_new = _time(lambda: client.call("GET", f"{path}?since={cursor}"), 30)
    figures.append(
        Figure(
            NAME,
            "catch-up check with nothing new (since=cursor, median)",
            median(nothing_new) * 1000,
            "ms",
            baseline=median(bare) * 1000,
            baseline_label="list of an empty set",
            ratio=median(nothing_new) / median(bare),
            notes=f"beside {LIST_SIZE:,} annotations",
        )
    )

    # 2. Syncing 200 offline changes: in one batch (syncAnnotations), and one request each.
    syncing = Client(app, "bench02")
    trivial = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(SYNC_CHANGES):
            syncing.call("GET", "/api/me")
        trivial.append(time.perf_counter() - started)
    batched = []
    for _ in range(5):
        changes = [_as_change(doc_id, *item) for item in _offline_queue(doc_id, words, rng)]
        started = time.perf_counter()
        answer = syncing.call("POST", "/api/annotations/batch", json={"changes": changes})
        batched.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.json
        assert all(r["status"] in (200, 201) for r in answer.json["results"])
    value = median(batched)
    figures.append(
        Figure(
            NAME,
            f"sync {SYNC_CHANGES} offline changes in one batch (median of 5)",
            value,
            "s",
            target="< 2 s",
            met=at_most(value, 2.0),
            baseline=median(trivial),
            baseline_label=f"{SYNC_CHANGES} × getCurrentUser",
            ratio=value / median(trivial),
            notes="120 creates, 50 updates, 30 deletes; syncAnnotations, one commit",
        )
    )
    rounds = []
    for _ in range(5):
        queue = _offline_queue(doc_id, words, rng)
        started = time.perf_counter()
        for method, url, body in queue:
            answer = syncing.call(method, url, json=body)
            assert answer.status_code in (200, 201), answer.json
        rounds.append(time.perf_counter() - started)
    value = median(rounds)
    figures.append(
        Figure(
            NAME,
            f"sync {SYNC_CHANGES} offline changes, one request each (median of 5)",
            value,
            "s",
            target="< 2 s",
            met=at_most(value, 2.0),
            baseline=median(trivial),
            baseline_label=f"{SYNC_CHANGES} × getCurrentUser",
            ratio=value / median(trivial),
            notes=f"{value / SYNC_CHANGES * 1000:.1f} ms per change, each its own commit "
            "(SQLite, synchronous=FULL)",
        )
    )

    # 3. Exporting a 300-page document with 1,000 annotations.
    _insert(app, exporter, doc_id, EXPORT_ANNOTATIONS, rng)
    exporting = Client(app, "bench03")
    export_path = f"/api/documents/{doc_id}/annotated.pdf"

    def export(c: Client = exporting) -> None:
        answer = c.call("GET", export_path)
        assert answer.status_code == 200, answer.json

    annotated = _time(export, 5, warmup=1)
    plain = _time(lambda: export(nobody), 5, warmup=1)
    value = median(annotated)
    figures.append(
        Figure(
            NAME,
            f"export {page_count} pages with {EXPORT_ANNOTATIONS:,} annotations (median of 5)",
            value,
            "s",
            target="< 3 s",
            met=at_most(value, 3.0),
            baseline=median(plain),
            baseline_label="same export, no annotations",
            ratio=value / median(plain),
            notes=f"p95 {percentile(annotated, 95):.2f} s; in a PDF worker process",
        )
    )
    rendering.pool(app).shutdown()
    return figures
