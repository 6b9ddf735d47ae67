"""The tablet's document reader: pages, zoom, thumbnails, outline, search, follow the chair,
reading receipts; annotations (highlight, pen, note, eraser, undo, my notes, export); and
annotations made offline replayed on reconnect."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, login, screenshots
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser

ECONOMY = "Báo cáo tình hình kinh tế - xã hội năm 2026, kế hoạch năm 2027"


def meeting_and_documents(server: LiveServer, username: str = "delegate01") -> tuple[int, list]:
    tablet = Tablet(server.url, username)
    meeting_id = tablet.api("GET", "/api/meetings").json()["meetings"][0]["id"]
    docs = tablet.api("GET", f"/api/meetings/{meeting_id}/documents").json()["documents"]
    return meeting_id, docs


def open_reader(page: Any, meeting_id: int, document_id: int) -> None:
    page.evaluate(f"location.hash = '#/m/{meeting_id}/documents/{document_id}'")
    expect(page.locator(".page-sheet").first).to_be_visible()
    expect(page.locator(".page-sheet").first).to_have_class(re.compile("is-loaded"))


def image_width(page: Any, number: int) -> int:
    src = page.locator(f'.page-sheet[data-page="{number}"] img.page-img').first.get_attribute("src")
    return int(parse_qs(urlparse(src).query)["width"][0])


def test_reader_pages_zoom_panels_search_and_follow(open_page: Any, server: LiveServer):
    meeting_id, docs = meeting_and_documents(server)
    economy = next(d for d in docs if d["title"] == ECONOMY)
    delegate = open_page("delegate")
    login(delegate, "delegate01")
    delegate.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()

    # The session lists documents under their agenda items; each opens in the reader.
    documents = delegate.locator("#documents-title").locator("xpath=..").locator("xpath=..")
    expect(documents.locator(".doc-group-title").first).to_be_visible()
    expect(documents).to_contain_text(ECONOMY)
    delegate.get_by_role("button", name=re.compile(re.escape(ECONOMY))).first.click()
    expect(delegate.locator(".page-sheet").first).to_have_class(re.compile("is-loaded"))
    total = economy["page_count"]
    expect(delegate.locator(".reader-page-of")).to_have_text(f"Trang 1 / {total}")
    sheets = delegate.locator(".page-sheet")
    expect(sheets).to_have_count(total)

    # Every sheet has the page's proportions before its image arrives; far pages wait.
    sizes = delegate.evaluate(
        "[...document.querySelectorAll('.page-sheet')].map(e => [e.offsetWidth, e.offsetHeight])"
    )
    assert all(abs(h / w - 842 / 595) < 0.02 for w, h in sizes), sizes
    first = image_width(delegate, 1)
    assert first in (480, 960, 1536, 2048)
    screenshots(delegate, "tablet-reader")
    check_accessibility(delegate, "reader")

    # Zoom in: a sharper bucket is fetched.
    delegate.get_by_role("button", name="Phóng to").click()
    delegate.get_by_role("button", name="Phóng to").click()
    expect(delegate.locator(".reader-zoom")).to_have_text("150%")
    delegate.wait_for_function(
        "() => [...document.querySelectorAll('.page-sheet[data-page=\"1\"] img.page-img')]"
        ".some(i => !i.classList.contains('is-next') && /width=(1536|2048)/.test(i.src))"
    )
    # Double tap (double click) returns to the page width.
    delegate.locator(".reader-scroll").dblclick()
    expect(delegate.locator(".reader-zoom")).to_have_text("100%")

    # Thumbnails jump to a page.
    delegate.get_by_role("button", name="Các trang").click()
    expect(delegate.locator(".thumb")).to_have_count(total)
    delegate.get_by_role("button", name=f"Đến trang {total}").click()
    expect(delegate.locator(".reader-page-of")).to_have_text(f"Trang {total} / {total}")
    expect(delegate.locator(f'.page-sheet[data-page="{total}"]')).to_have_class(
        re.compile("is-loaded")
    )
    screenshots(delegate, "tablet-reader-thumbnails")
    check_accessibility(delegate, "reader thumbnails")

    # The outline, when the document has one.
    detail = Tablet(server.url, "delegate01").api("GET", f"/api/documents/{economy['id']}").json()
    if detail["outline"]:
        delegate.get_by_role("button", name="Mục lục").click()
        entry = detail["outline"][-1]
        delegate.locator(".outline-link").last.click()
        expect(delegate.locator(".reader-page-of")).to_contain_text(f"Trang {entry['page']} /")

    # Search the document: the result jumps to the page with the words boxed.
    delegate.get_by_role("button", name="Tìm kiếm").click()
    delegate.get_by_label("Từ cần tìm").fill("ngan sach")
    delegate.get_by_role("button", name="Tìm", exact=True).click()
    results = delegate.locator(".results .result")
    expect(results.first).to_be_visible()
    expect(results.first.locator("mark").first).to_be_visible()
    results.first.click()
    expect(delegate.locator(".search-hit").first).to_be_visible()
    screenshots(delegate, "tablet-reader-search")
    check_accessibility(delegate, "reader search")

    # Across the session: a result in another document opens that document.
    delegate.get_by_text("Cả kỳ họp").click()
    delegate.get_by_role("button", name="Tìm", exact=True).click()
    other = (
        delegate.locator(".results .result")
        .filter(has=delegate.locator("strong"))
        .filter(has_not_text=ECONOMY)
        .first
    )
    expect(other).to_be_visible()
    other.click()
    expect(delegate.locator(".search-hit").first).to_be_visible()
    expect(delegate.locator(".topbar-title")).not_to_have_text(ECONOMY)

    # Reading receipts: the document opened is no longer "new" in the session.
    reads = Tablet(server.url, "secretary").api("GET", f"/api/documents/{economy['id']}/reads")
    assert any(r["full_name"] for r in reads.json()["reads"])

    # Follow the chair: the chair shows a page of a document; the tablet opens it.
    chair = Tablet(server.url, "chair")
    answer = chair.api(
        "PUT", f"/api/meetings/{meeting_id}/follow", json={"document_id": economy["id"], "page": 2}
    )
    assert answer.status_code == 200, answer.text
    expect(delegate.locator(".topbar-title")).to_have_text(ECONOMY)
    expect(delegate.locator(".reader-page-of")).to_have_text(f"Trang 2 / {total}")
    follow = delegate.get_by_role("button", name="Theo chủ tọa")
    expect(follow).to_have_attribute("aria-pressed", "true")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "false")
    chair.api(
        "PUT", f"/api/meetings/{meeting_id}/follow", json={"document_id": economy["id"], "page": 1}
    )
    expect(delegate.get_by_text("Chủ tọa đang ở trang 1")).to_be_visible()
    expect(delegate.locator(".reader-page-of")).to_have_text(f"Trang 2 / {total}")

    # English.
    delegate.get_by_role("button", name="English").click()
    expect(delegate.get_by_role("button", name="Follow the chair")).to_be_visible()
    delegate.get_by_role("button", name="Tiếng Việt").click()
