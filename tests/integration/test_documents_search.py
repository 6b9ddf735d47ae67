"""Search across a session's documents, OCR of scans, and processing that survives a restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.db import utcnow
from server.documents import processing
from server.documents.models import Document, DocumentPage
from server.extensions import db
from server.pdf.compose import html_to_pdf
from server.pdf.spec import find_tessdata
from tests.conftest import service_missing
from tests.integration.documents_helpers import (
    item_ids,
    scanned_pdf,
    settle,
    upload,
    vietnamese_pdf,
    wait_for,
)


@pytest.fixture(autouse=True)
def _settle(app):
    yield
    settle()


def search(api, meeting_id, q, **params):
    response = api.get(f"/api/meetings/{meeting_id}/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.json
    return response.json["results"]


def test_search_without_diacritics_finds_them(login, demo_meeting_id):
    delegate = login("delegate01")
    results = search(delegate, demo_meeting_id, "ngan sach")
    assert results
    top = results[0]
    assert {"document_id", "title", "page", "snippet", "highlights", "rects", "score"} <= set(top)
    shown = [top["snippet"][s:e].lower() for s, e in top["highlights"]]
    assert "ngân" in shown
    assert "sách" in shown
    assert top["rects"]
    for x0, y0, x1, y1 in top["rects"]:
        assert x0 < x1
        assert y0 < y1
    # The boxes are those of the matched words on that page.
    text = delegate.get(f"/api/documents/{top['document_id']}/pages/{top['page']}/text").json
    boxes = {tuple(w[:4]): w[4] for w in text["words"]}
    matched = {boxes[tuple(r)].lower().strip(".,;:") for r in top["rects"]}
    assert matched <= {"ngân", "sách"}
    # Ranked: scores never increase.
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["đắk lắk", "dak lak", "ĐẮK LẮK", "Dak Lak"])
def test_d_and_dj_match(login, demo_meeting_id, query):
    results = search(login("delegate01"), demo_meeting_id, query)
    assert results
    top = results[0]
    shown = {top["snippet"][s:e] for s, e in top["highlights"]}
    assert shown & {"Đắk", "ĐẮK", "Lắk", "LẮK"}


def test_search_scope_and_errors(login, demo_meeting_id):
    secretary = login("secretary")
    delegate = login("delegate01")
    item = item_ids(secretary, demo_meeting_id)[2]
    draft = upload(
        secretary, item, vietnamese_pdf(1, marker="Quỹ phát triển đất Kơ Pa Zêta"), title="Nháp"
    ).json
    wait_for(secretary, draft["id"])
    # Unpublished content is found by the secretariat only.
    assert {r["document_id"] for r in search(secretary, demo_meeting_id, "zêta")} == {draft["id"]}
    assert search(delegate, demo_meeting_id, "zêta") == []
    # One document only.
    some = search(delegate, demo_meeting_id, "ngân sách")[0]["document_id"]
    scoped = search(delegate, demo_meeting_id, "ngân sách", document_id=some)
    assert {r["document_id"] for r in scoped} == {some}
    assert (
        delegate.get(
            f"/api/meetings/{demo_meeting_id}/search",
            query_string={"q": "x", "document_id": draft["id"]},
        ).status_code
        == 404
    )
    empty = delegate.get(f"/api/meetings/{demo_meeting_id}/search", query_string={"q": "…!"})
    assert empty.status_code == 422
    assert empty.json["error"]["code"] == "search_query_empty"
    assert delegate.get(f"/api/meetings/{demo_meeting_id}/search").status_code == 422
    limited = search(delegate, demo_meeting_id, "nghị quyết", limit=2)
    assert len(limited) == 2


def test_prefix_of_the_last_word(login, demo_meeting_id):
    results = search(login("delegate01"), demo_meeting_id, "giải phóng mặt b")
    assert results
    shown = [results[0]["snippet"][s:e].lower() for s, e in results[0]["highlights"]]
    assert "bằng" in shown


def test_scanned_document_is_recognised_and_searchable(app, login, demo_meeting_id):
    if find_tessdata("vie") is None:
        service_missing("Tesseract with the Vietnamese model (tesseract-ocr-vie) not installed")
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[3]
    body = "<h1>Biên bản khảo sát</h1>" + "".join(
        "<p>Đoàn giám sát đã khảo sát công trình cấp nước sinh hoạt tại xã Ea Súp; "
        "nhân dân phản ánh thiếu nước vào mùa khô.</p>"
        for _ in range(6)
    )
    response = upload(secretary, item, scanned_pdf(html_to_pdf(body, title="x")), title="Biên bản")
    doc = wait_for(secretary, response.json["id"], timeout=180)
    assert doc["searchable"] is True
    assert doc["pages"][0]["ocr"] is True
    text = secretary.get(f"/api/documents/{doc['id']}/pages/1/text").json
    assert text["ocr"] is True
    assert "cấp nước sinh hoạt" in " ".join(w[4] for w in text["words"])
    results = search(secretary, demo_meeting_id, "cap nuoc sinh hoat ea sup")
    assert results
    assert results[0]["document_id"] == doc["id"]


def test_without_tesseract_a_scan_displays_but_is_not_searchable(app, login, demo_meeting_id):
    app.config["OCR_LANGUAGE"] = "khong-co-ngon-ngu-nay"
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[3]
    response = upload(secretary, item, scanned_pdf(vietnamese_pdf(1)), title="Bản quét")
    doc = wait_for(secretary, response.json["id"])
    assert doc["searchable"] is False
    assert "document_not_searchable" in [w["code"] for w in doc["warnings"]]
    assert doc["pages"][0]["has_text"] is False
    image = secretary.get(f"/api/documents/{doc['id']}/pages/1/image?width=480")
    assert image.status_code == 200
    text = secretary.get(f"/api/documents/{doc['id']}/pages/1/text").json
    assert text["searchable"] is False
    assert text["words"] == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _interrupted(app, doc_id: int, claimed_by: str, heartbeat_age: timedelta, attempts=1):
    """Put a processed document back as its server left it when it died mid-way."""
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        processing.remove_pages(doc.id)
        doc.status = "processing"
        doc.stage = "pages"
        doc.progress_done = 1
        doc.claimed_by = claimed_by
        doc.heartbeat_at = utcnow() - heartbeat_age
        doc.attempts = attempts
        db.session.commit()


def test_processing_resumes_after_the_server_died(app, login, demo_meeting_id):
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    docs = []
    for n in range(4):
        response = upload(secretary, item, vietnamese_pdf(2, marker=f"Tài liệu {n}"), title=f"T{n}")
        docs.append(wait_for(secretary, response.json["id"]))
    host = socket.gethostname()
    # Its process on this host is gone: resumed at once.
    _interrupted(app, docs[0]["id"], f"{host}:{_dead_pid()}:a1b2", timedelta(seconds=1))
    # Another host that stopped writing long ago: resumed.
    _interrupted(app, docs[1]["id"], "may-chu-khac:4242:c3d4", timedelta(minutes=10))
    # Another host still at work: left alone.
    _interrupted(app, docs[2]["id"], "may-chu-khac:4243:e5f6", timedelta(seconds=5))
    # Interrupted too often: given up, with a message.
    _interrupted(app, docs[3]["id"], f"{host}:{_dead_pid()}:a1b2", timedelta(hours=1), attempts=3)

    with app.app_context():
        claimed = processing.claim_stale(app)
        # A second sweep (another server process) finds nothing left to take.
        assert processing.claim_stale(app) == []
    assert sorted(claimed) == sorted([docs[0]["id"], docs[1]["id"]])
    for doc in docs[:2]:
        done = wait_for(secretary, doc["id"])
        assert done["page_count"] == doc["page_count"]
        assert done["progress"]["done"] == done["page_count"]
    assert secretary.get(f"/api/documents/{docs[2]['id']}").json["status"] == "processing"
    failed = secretary.get(f"/api/documents/{docs[3]['id']}").json
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "document_processing_interrupted"
    with app.app_context():
        pages = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(DocumentPage)
            .where(DocumentPage.document_id == docs[0]["id"])
        )
        assert pages == docs[0]["page_count"]
        assert db.session.get(Document, docs[0]["id"]).attempts == 2
    assert os.getpid()


def test_processing_that_fails_says_so_and_never_stays_processing(app, login, demo_meeting_id):
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    response = upload(secretary, item, vietnamese_pdf(1, marker="Tệp gốc bị mất"), title="Mất")
    doc = wait_for(secretary, response.json["id"])
    with app.app_context():
        from server import storage

        row = db.session.get(Document, doc["id"])
        storage.original_path(row.original_sha256).unlink()
    _interrupted(app, doc["id"], f"{socket.gethostname()}:{_dead_pid()}:x", timedelta(seconds=1))
    with app.app_context():
        assert processing.claim_stale(app) == [doc["id"]]
    failed = wait_for(secretary, doc["id"], status="failed")
    assert failed["error"]["code"] == "document_processing_failed"
    assert len(failed["error"]["message"]) > 20
