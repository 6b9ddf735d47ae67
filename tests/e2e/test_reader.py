"""The tablet's document reader: pages, zoom, thumbnails, outline, search, follow the chair,
reading receipts; annotations (highlight, pen, note, eraser, undo, my notes, export); and
annotations made offline replayed on reconnect."""

from __future__ import annotations

import re
from pathlib import Path
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
    expect(documents.locator(".doc-group-title").first).to_be_visible()  # by agenda item
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


def page_box(page: Any, number: int) -> dict[str, float]:
    return page.locator(f'.page-sheet[data-page="{number}"]').bounding_box()


def to_screen(box: dict[str, float], point: tuple[float, float]) -> tuple[float, float]:
    scale = box["width"] / 595.0
    return box["x"] + point[0] * scale, box["y"] + point[1] * scale


def drag(page: Any, start: tuple[float, float], end: tuple[float, float], steps: int = 4) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=steps)
    page.mouse.up()


def wait_sent(page: Any) -> None:
    page.wait_for_function(
        "() => window.councilReader && window.councilReader.pending() === 0", timeout=30_000
    )


def server_annotations(server: LiveServer, document_id: int) -> list[dict[str, Any]]:
    device = Tablet(server.url, "delegate01")
    answer = device.api("GET", f"/api/documents/{document_id}/annotations?since=0&limit=1000")
    assert answer.status_code == 200, answer.text
    return answer.json()["annotations"]


def test_annotations_highlight_pen_note_eraser_undo_and_export(open_page: Any, server: LiveServer):
    meeting_id, docs = meeting_and_documents(server)
    economy = next(d for d in docs if d["title"] == ECONOMY)
    text = Tablet(server.url, "delegate01").api(
        "GET", f"/api/documents/{economy['id']}/pages/1/text"
    )
    words = text.json()["words"]
    delegate = open_page("delegate")
    login(delegate, "delegate01")
    expect(delegate.get_by_role("heading", name="Các kỳ họp")).to_be_visible()
    open_reader(delegate, meeting_id, economy["id"])
    box = page_box(delegate, 1)

    # Highlight: drag from one word to a later one on the same page.
    delegate.get_by_role("button", name="Tô sáng").click()
    first = next(i for i, w in enumerate(words) if w[4] == "BÁO")
    a, b = words[first], words[first + 3]
    delegate.wait_for_timeout(300)  # the page's words arrive
    box = page_box(delegate, 1)
    drag(
        delegate,
        to_screen(box, ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2)),
        to_screen(box, ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)),
    )
    expect(delegate.locator('.mark[data-kind="highlight"]')).to_have_count(1)

    # Pen in red.
    delegate.get_by_role("button", name="Bút").click()
    delegate.get_by_role("button", name="Đỏ").click()
    box = page_box(delegate, 1)
    drag(delegate, to_screen(box, (100, 230)), to_screen(box, (300, 245)), steps=8)
    expect(delegate.locator('.mark[data-kind="ink"]')).to_have_count(1)
    expect(delegate.locator('.mark[data-kind="ink"] path')).to_have_attribute("stroke", "#c62828")

    # A sticky note whose text is shown as text, never run.
    delegate.get_by_role("button", name="Ghi chú", exact=True).click()
    delegate.mouse.click(*to_screen(box, (540, 60)))
    delegate.get_by_label("Nội dung ghi chú").fill("<b>Cần làm rõ</b> nguồn vốn")
    delegate.get_by_role("button", name="Lưu ghi chú").click()
    expect(delegate.locator('.mark[data-kind="note"]')).to_have_count(1)

    # The eraser takes the ink away; undo brings it back.
    delegate.get_by_role("button", name="Tẩy").click()
    box = page_box(delegate, 1)
    delegate.mouse.click(*to_screen(box, (200, 237.5)))
    expect(delegate.locator('.mark[data-kind="ink"]')).to_have_count(0)
    delegate.get_by_role("button", name="Hoàn tác").click()
    expect(delegate.locator('.mark[data-kind="ink"]')).to_have_count(1)
    screenshots(delegate, "tablet-reader-annotations")
    check_accessibility(delegate, "reader with annotations")

    # Reading the note back.
    delegate.get_by_role("button", name="Đọc", exact=True).click()
    delegate.locator('.mark[data-kind="note"]').click()
    expect(delegate.locator(".note-text")).to_have_text("<b>Cần làm rõ</b> nguồn vốn")
    delegate.locator(".dialog .btn-primary").click()

    # All of it is on the server, once each.
    wait_sent(delegate)
    stored = server_annotations(server, economy["id"])
    live = [x for x in stored if not x["deleted"]]
    assert sorted(x["kind"] for x in live) == ["highlight", "ink", "note"]
    assert len([x for x in stored if x["deleted"]]) == 1
    highlight = next(x for x in live if x["kind"] == "highlight")
    assert highlight["quote"].startswith("BÁO")
    assert len(highlight["geometry"]["rects"]) >= 1
    note = next(x for x in live if x["kind"] == "note")
    assert note["text"] == "<b>Cần làm rõ</b> nguồn vốn"

    # My notes across the session.
    delegate.get_by_role("button", name="Ghi chú của tôi").click()
    expect(delegate.locator(".notes-group .result")).to_have_count(3)
    screenshots(delegate, "tablet-reader-my-notes")
    check_accessibility(delegate, "my notes")

    # My annotated copy.
    with delegate.expect_download() as download:
        delegate.get_by_role("link", name="Tải bản có ghi chú").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/Highlight" in data
    assert b"/Ink" in data


def test_offline_annotations_queue_and_replay(open_page: Any, server: LiveServer):
    meeting_id, docs = meeting_and_documents(server)
    economy = next(d for d in docs if d["title"] == ECONOMY)
    delegate = open_page("delegate", viewport={"width": 800, "height": 1280})
    login(delegate, "delegate01")
    expect(delegate.get_by_role("heading", name="Các kỳ họp")).to_be_visible()
    open_reader(delegate, meeting_id, economy["id"])
    box = page_box(delegate, 1)

    delegate.watch.outage = True  # the socket's reconnection attempts fail meanwhile
    delegate.context.set_offline(True)
    expect(delegate.locator(".banner-offline").first).to_be_visible()
    box = page_box(delegate, 1)
    delegate.get_by_role("button", name="Bút").click()
    points = [(30 + 45 * col, 30 + 38 * row) for row in range(15) for col in range(12)]
    for x, y in points:  # 180 strokes
        drag(delegate, to_screen(box, (x, y)), to_screen(box, (x + 25, y + 12)), steps=2)
    delegate.get_by_role("button", name="Tẩy").click()
    for x, y in points[:20]:  # 20 erased: 200 changes in all
        delegate.mouse.click(*to_screen(box, (x + 12.5, y + 6)))
    expect(delegate.locator('.mark[data-kind="ink"]')).to_have_count(160)
    banner = delegate.locator(".reader-queue")
    expect(banner).to_contain_text("200 thay đổi ghi chú được giữ trên máy này")
    screenshots(delegate, "tablet-reader-offline")
    assert delegate.evaluate("window.councilReader.pending()") == 200
    assert server_annotations(server, economy["id"]) == []

    ids = set(delegate.evaluate("window.councilReader.ids()"))
    delegate.context.set_offline(False)
    wait_sent(delegate)
    expect(banner).to_have_count(0)

    stored = server_annotations(server, economy["id"])
    assert len(stored) == 180 == len({x["id"] for x in stored})
    live = {x["id"] for x in stored if not x["deleted"]}
    assert live == ids
    assert len(live) == 160
    assert all(x["version"] == 2 for x in stored if x["deleted"])
    assert all(x["kind"] == "ink" for x in stored)

    # The author's second tablet shows exactly the 160 strokes left, none of the erased ones.
    second = open_page("second tablet")
    login(second, "delegate01")
    expect(second.get_by_role("heading", name="Các kỳ họp")).to_be_visible()
    open_reader(second, meeting_id, economy["id"])
    expect(second.locator('.mark[data-kind="ink"]')).to_have_count(160)
    assert set(second.evaluate("window.councilReader.ids()")) == ids


def test_download_for_offline_reading(open_page: Any, server: LiveServer):
    _, docs = meeting_and_documents(server)
    readable = [d for d in docs if d["kind"] != "link" and not d["confidential"]]
    target = readable[-1]
    delegate = open_page("delegate")
    login(delegate, "delegate01")
    delegate.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    delegate.get_by_role("button", name="Tải tài liệu để đọc khi mất mạng").click()
    expect(delegate.get_by_text(f"Đã tải xong {len(readable)} tài liệu")).to_be_visible(
        timeout=60_000
    )
    screenshots(delegate, "tablet-session-documents-offline")
    check_accessibility(delegate, "session documents")

    # No network: a document never opened on this tablet reads from what was kept.
    delegate.watch.outage = True  # the socket's reconnection attempts fail meanwhile
    delegate.context.set_offline(True)
    expect(delegate.locator(".banner-offline").first).to_be_visible()
    delegate.get_by_role("button", name=re.compile(re.escape(target["title"]))).first.click()
    total = target["page_count"]
    expect(delegate.locator(".reader-page-of")).to_have_text(f"Trang 1 / {total}")
    expect(delegate.locator('.page-sheet[data-page="1"]')).to_have_class(re.compile("is-loaded"))
    delegate.get_by_role("button", name="Các trang").click()
    delegate.get_by_role("button", name=f"Đến trang {total}").click()
    expect(delegate.locator(f'.page-sheet[data-page="{total}"]')).to_have_class(
        re.compile("is-loaded")
    )
    delegate.context.set_offline(False)
