"""Documents on the real entry point (gevent, eventlet): processing in worker processes keeps
the server responsive, and a document cut short by a killed server is finished after restart.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from server.pdf.compose import long_report
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return long_report(300, title="Báo cáo tổng hợp ý kiến cử tri")


def _upload(tablet: Tablet, item_id: int, data: bytes, title: str) -> dict:
    response = tablet.api(
        "POST",
        f"/api/agenda/{item_id}/documents",
        files={"file": ("bao-cao.pdf", data, "application/pdf")},
        data={"title": title, "kind": "main"},
        timeout=120,
    )
    assert response.status_code == 202, response.text
    return response.json()


def _wait_ready(tablet: Tablet, document_id: int, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        doc = tablet.api("GET", f"/api/documents/{document_id}").json()
        if doc["status"] == "ready":
            return doc
        assert doc["status"] == "processing", doc
        time.sleep(0.2)
    raise AssertionError(f"document {document_id} not ready after {timeout} s")


def _meeting_and_item(tablet: Tablet) -> tuple[int, int]:
    meeting_id = tablet.api("GET", "/api/meetings").json()["meetings"][0]["id"]
    agenda = tablet.api("GET", f"/api/meetings/{meeting_id}").json()["agenda"]
    return meeting_id, next(i["id"] for i in agenda if not i["has_children"])


@pytest.mark.parametrize("async_mode", ["gevent", "eventlet"])
def test_processing_does_not_freeze_the_server(live_sqlite: LiveServer, long_pdf, async_mode):
    live_sqlite.async_mode = async_mode
    live_sqlite.start()
    secretary = Tablet(live_sqlite.url, "secretary")
    try:
        meeting_id, item_id = _meeting_and_item(secretary)
        secretary.connect()
        assert secretary.join(meeting_id)["ok"]
        probes: list[tuple[float, float]] = []  # (sent, answered)
        stop = threading.Event()

        def probe() -> None:
            while not stop.is_set():
                started = time.monotonic()
                requests.get(f"{live_sqlite.url}/healthz", timeout=60).raise_for_status()
                probes.append((started, time.monotonic()))
                time.sleep(0.02)

        prober = threading.Thread(target=probe)
        prober.start()
        try:
            doc = _upload(secretary, item_id, long_pdf, "Báo cáo 300 trang")
            accepted = time.monotonic()
            ready = _wait_ready(secretary, doc["id"])
            done = time.monotonic()
        finally:
            stop.set()
            prober.join()
        assert ready["page_count"] == 300
        assert ready["searchable"] is True
        progress = [d for n, d in secretary.received if n == "document.processing"]
        assert len(progress) >= 3
        assert progress[-1]["done"] == 300
        assert secretary.wait_for("document.ready")["document"]["id"] == doc["id"]
        # The event loop answered all along: PyMuPDF ran in the workers. Had it run in the
        # loop, one request would have waited about as long as the whole processing; with
        # workers, requests keep being answered throughout (the bound is relative to the
        # processing time, so a slow, shared machine does not make the test fail).
        window = done - accepted
        during = [(a, b) for a, b in probes if a >= accepted and b <= done]
        assert len(during) >= 10, (len(during), window)
        longest = max(b - a for a, b in probes)
        assert longest < window / 3, (longest, window)

        image = secretary.api(
            "GET",
            f"/api/documents/{doc['id']}/pages/150/image?width=1536",
            headers={"Accept": "image/webp"},
        )
        assert image.status_code == 200
        # A black-and-white page: a small grey PNG, even to a client that takes WebP.
        assert image.headers["Content-Type"] == "image/png"
        cached = secretary.api(
            "GET",
            f"/api/documents/{doc['id']}/pages/150/image?width=1536",
            headers={"Accept": "image/webp", "If-None-Match": image.headers["ETag"]},
        )
        assert cached.status_code == 304
        hits = secretary.api(
            "GET", f"/api/meetings/{meeting_id}/search", params={"q": "kien nghi cua cu tri"}
        ).json()["results"]
        assert any(h["document_id"] == doc["id"] for h in hits)
    finally:
        secretary.close()


def test_a_document_cut_short_by_a_killed_server_is_finished_after_restart(
    live_sqlite: LiveServer, long_pdf
):
    live_sqlite.extra_env["PDF_WORKERS"] = "2"
    live_sqlite.start()
    secretary = Tablet(live_sqlite.url, "secretary")
    meeting_id, item_id = _meeting_and_item(secretary)
    secretary.connect()
    assert secretary.join(meeting_id)["ok"]
    doc = _upload(secretary, item_id, long_pdf, "Báo cáo bị gián đoạn")
    secretary.wait_for("document.processing", lambda d: 0 < d["done"] < d["total"], timeout=60)
    secretary.close()
    live_sqlite.kill()

    live_sqlite.start()
    again = Tablet(live_sqlite.url, "secretary")
    try:
        ready = _wait_ready(again, doc["id"])
        assert ready["page_count"] == 300
        assert ready["progress"] == {"done": 300, "total": 300}
        text = again.api("GET", f"/api/documents/{doc['id']}/pages/300/text").json()
        assert text["words"]
    finally:
        again.close()
