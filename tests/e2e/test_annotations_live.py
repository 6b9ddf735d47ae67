"""Annotations kept in step across a delegate's devices in the reader: changes made on one
tablet appear on the other without a reload (the open document and "my notes"), a note's
words edited in a dialog (and a conflicting edit from another device resolved by the
delegate), and annotations of an earlier version shown on the new one."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, login, screenshots
from tests.e2e.test_reader import (
    ECONOMY,
    drag,
    meeting_and_documents,
    open_reader,
    page_box,
    server_annotations,
    to_screen,
    wait_sent,
)
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser


def tablet(open_page: Any, name: str, meeting_id: int, document_id: int) -> Any:
    """delegate01 on one more device, reading the document, its socket live."""
    page = open_page(name)
    login(page, "delegate01")
    expect(page.get_by_role("heading", name="Các kỳ họp")).to_be_visible()
    open_reader(page, meeting_id, document_id)
    page.wait_for_function(
        "() => window.councilSync && window.councilSync.status === 'online'", timeout=15_000
    )
    return page


def words_of(server: LiveServer, document_id: int, page: int = 1) -> list[list[Any]]:
    device = Tablet(server.url, "delegate01")
    return device.api("GET", f"/api/documents/{document_id}/pages/{page}/text").json()["words"]


def highlight_words(page: Any, words: list[list[Any]], first: int, last: int) -> None:
    page.get_by_role("button", name="Tô sáng").click()
    page.wait_for_timeout(300)  # the page's words arrive
    a, b = words[first], words[last]
    box = page_box(page, 1)
    drag(
        page,
        to_screen(box, ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2)),
        to_screen(box, ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)),
    )


def add_note(page: Any, point: tuple[float, float], text: str) -> None:
    page.get_by_role("button", name="Ghi chú", exact=True).click()
    page.mouse.click(*to_screen(page_box(page, 1), point))
    page.get_by_label("Nội dung ghi chú").fill(text)
    page.get_by_role("button", name="Lưu ghi chú").click()


def edit_note(page: Any, text: str) -> None:
    page.get_by_role("button", name="Đọc", exact=True).click()
    page.locator('.mark[data-kind="note"]').click()
    page.get_by_role("button", name="Sửa").click()
    page.get_by_label("Nội dung ghi chú").fill(text)
    page.get_by_role("button", name="Lưu thay đổi").click()


def note_label(page: Any) -> str:
    return page.locator('.mark[data-kind="note"]').get_attribute("aria-label") or ""


def test_changes_on_one_tablet_appear_on_the_other(open_page: Any, server: LiveServer):
    meeting_id, docs = meeting_and_documents(server)
    economy = next(d for d in docs if d["title"] == ECONOMY)
    other = next(d for d in docs if d["id"] != economy["id"] and d["kind"] != "link")
    words = words_of(server, economy["id"])
    first = next(i for i, w in enumerate(words) if w[4] == "BÁO")

    a = tablet(open_page, "tablet A", meeting_id, economy["id"])
    b = tablet(open_page, "tablet B", meeting_id, economy["id"])
    b.get_by_role("button", name="Ghi chú của tôi").click()
    expect(b.get_by_text("Bạn chưa có ghi chú nào")).to_be_visible()

    # A highlight, a pen stroke and a note made on A appear on B, once each.
    highlight_words(a, words, first, first + 3)
    a.get_by_role("button", name="Bút").click()
    box = page_box(a, 1)
    drag(a, to_screen(box, (100, 230)), to_screen(box, (300, 245)), steps=8)
    add_note(a, (540, 60), "Cần làm rõ nguồn vốn")
    wait_sent(a)
    expect(b.locator('.mark[data-kind="highlight"]')).to_have_count(1)
    expect(b.locator('.mark[data-kind="ink"]')).to_have_count(1)
    expect(b.locator('.mark[data-kind="note"]')).to_have_count(1)
    expect(b.locator(".notes-group .result")).to_have_count(3)
    assert sorted(a.evaluate("window.councilReader.ids()")) == sorted(
        b.evaluate("window.councilReader.ids()")
    )

    # An edit of the note's words on A: B shows the new words (the mark and the list).
    edit_note(a, "Cần làm rõ nguồn vốn đối ứng năm 2027")
    expect(a.locator(".dialog[open]")).to_have_count(0)
    wait_sent(a)
    expect(b.locator(".notes-group .result").filter(has_text="đối ứng năm 2027")).to_have_count(1)
    assert "đối ứng năm 2027" in note_label(b)

    # The eraser on A takes the stroke away on B.
    a.get_by_role("button", name="Tẩy").click()
    a.mouse.click(*to_screen(page_box(a, 1), (200, 237.5)))
    expect(a.locator('.mark[data-kind="ink"]')).to_have_count(0)
    wait_sent(a)
    expect(b.locator('.mark[data-kind="ink"]')).to_have_count(0)
    expect(b.locator(".notes-group .result")).to_have_count(2)

    # A third device (the delegate's laptop, over the API) notes another document: B's list
    # of notes, for the whole session, shows it without reloading.
    laptop = Tablet(server.url, "delegate01")
    made = laptop.api(
        "POST",
        f"/api/documents/{other['id']}/annotations",
        json={
            "id": str(uuid.uuid4()),
            "page": 1,
            "kind": "note",
            "geometry": {"point": [60, 60]},
            "text": "Ghi chú từ máy tính xách tay",
        },
    )
    assert made.status_code == 201, made.text
    expect(b.locator(".notes-group").filter(has_text="Ghi chú từ máy tính xách tay")).to_have_count(1)
    expect(b.locator(".notes-group h3").filter(has_text=other["title"])).to_have_count(1)
    # ... and its deletion.
    gone = laptop.api("DELETE", f"/api/annotations/{made.json()['id']}")
    assert gone.status_code == 200
    expect(b.locator(".notes-group .result").filter(has_text="máy tính xách tay")).to_have_count(0)
    screenshots(b, "tablet-reader-live-annotations")
    check_accessibility(b, "reader, annotations from another device")

    # Nothing was duplicated on the server by the echoes.
    stored = server_annotations(server, economy["id"])
    assert len(stored) == 3 == len({x["id"] for x in stored})
    assert sorted(x["kind"] for x in stored if not x["deleted"]) == ["highlight", "note"]
