"""Annotations kept in step across a delegate's devices in the reader: changes made on one
tablet appear on the other without a reload (the open document and "my notes"), a note's
words edited in a dialog (and a conflicting edit from another device resolved by the
delegate), and annotations of an earlier version shown on the new one."""

from __future__ import annotations

import re
import time
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
    expect(b.locator(".notes-group").filter(has_text="Ghi chú từ máy tính xách tay")).to_have_count(
        1
    )
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

    # A text box from the laptop: drawn with its words on B, and its words edited there.
    made = laptop.api(
        "POST",
        f"/api/documents/{economy['id']}/annotations",
        json={
            "id": str(uuid.uuid4()),
            "page": 1,
            "kind": "textbox",
            "geometry": {"rect": [60, 600, 300, 640]},
            "text": "Số liệu GRDP",
        },
    )
    assert made.status_code == 201, made.text
    textbox = b.locator('.mark[data-kind="textbox"]')
    expect(textbox).to_contain_text("Số liệu GRDP")
    b.get_by_role("button", name="Đọc", exact=True).click()
    textbox.click()
    b.get_by_role("button", name="Sửa").click()
    b.get_by_label("Nội dung ghi chú").fill("Số liệu GRDP cần đối chiếu")
    b.get_by_role("button", name="Lưu thay đổi").click()
    wait_sent(b)
    expect(a.locator('.mark[data-kind="textbox"]')).to_contain_text("cần đối chiếu")
    changed = laptop.api("GET", f"/api/documents/{economy['id']}/annotations").json()
    box_now = next(x for x in changed["annotations"] if x["kind"] == "textbox")
    assert box_now["text"] == "Số liệu GRDP cần đối chiếu"
    assert box_now["version"] == 2

    # B is offline while A deletes the note: back online, B learns of it (it missed the
    # notice; it asks for the changes since its cursor).
    b.watch.outage = True
    b.context.set_offline(True)
    expect(b.locator(".banner-offline").first).to_be_visible()
    a.get_by_role("button", name="Đọc", exact=True).click()
    a.locator('.mark[data-kind="note"]').click()
    a.get_by_role("button", name="Xóa ghi chú").click()
    wait_sent(a)
    b.wait_for_timeout(500)
    expect(b.locator('.mark[data-kind="note"]')).to_have_count(1)
    b.context.set_offline(False)
    expect(b.locator('.mark[data-kind="note"]')).to_have_count(0)
    expect(b.locator(".notes-group .result")).to_have_count(2)


# --- A new version of a document ---------------------------------------------------------

FILLER = "<p>" + "Nội dung bổ sung của phiên bản mới về cải cách hành chính. " * 12 + "</p>"
MOVED = "Giao Ủy ban nhân dân tỉnh tổ chức thực hiện"
REMOVED = "Nghị quyết có hiệu lực kể từ ngày ký ban hành."


def draft(amount: str, *, extra: str = "", last: bool = True) -> bytes:
    from server.pdf.compose import html_to_pdf

    body = (
        "<h1>Dự thảo Nghị quyết về dự toán ngân sách năm 2027</h1>"
        + extra
        + f"<p>Điều 1. Phê duyệt tổng thu ngân sách địa phương {amount} tỷ đồng.</p>"
        + f"<p>Điều 2. {MOVED} Nghị quyết này.</p>"
        + "<p>Điều 3. Thường trực Hội đồng nhân dân tỉnh giám sát việc thực hiện.</p>"
        + (f"<p>Điều 9. {REMOVED}</p>" if last else "")
    )
    return html_to_pdf(body, title="Dự thảo")


def ready(staff: Tablet, document_id: int) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        doc = staff.api("GET", f"/api/documents/{document_id}").json()
        if doc["status"] == "ready":
            return doc
        assert doc["status"] == "processing", doc
        time.sleep(0.2)
    raise AssertionError(f"document {document_id} not ready")


def publish(staff: Tablet, document_id: int) -> None:
    answer = staff.api("POST", f"/api/documents/{document_id}/publish")
    assert answer.status_code == 200, answer.text


def phrase_boxes(words: list[list[Any]], phrase: str) -> tuple[int, int]:
    wanted = phrase.split()
    texts = [w[4] for w in words]
    for start in range(len(texts)):
        if texts[start : start + len(wanted)] == wanted:
            return start, start + len(wanted) - 1
    raise AssertionError(f"{phrase!r} is not on the page")


def find_phrase(server: LiveServer, document_id: int, pages: int, phrase: str) -> tuple[int, list]:
    for number in range(1, pages + 1):
        words = words_of(server, document_id, number)
        try:
            first, last = phrase_boxes(words, phrase)
        except AssertionError:
            continue
        return number, words[first : last + 1]
    raise AssertionError(f"{phrase!r} is on no page")


def test_annotations_of_the_previous_version_on_the_new_one(open_page: Any, server: LiveServer):
    meeting_id, _ = meeting_and_documents(server)
    secretary = Tablet(server.url, "secretary")
    agenda = secretary.api("GET", f"/api/meetings/{meeting_id}").json()["agenda"]
    item = next(i["id"] for i in agenda if not i["has_children"])
    v1 = secretary.api(
        "POST",
        f"/api/agenda/{item}/documents",
        data={"title": "Dự thảo Nghị quyết dự toán ngân sách 2027"},
        files={"file": ("du-thao.pdf", draft("12.345"), "application/pdf")},
    )
    assert v1.status_code == 202, v1.text
    v1_id = v1.json()["id"]
    ready(secretary, v1_id)
    publish(secretary, v1_id)

    # On version 1: a highlight on Article 2, one on Article 9 (gone from version 2), a note.
    words = words_of(server, v1_id)
    delegate = tablet(open_page, "delegate", meeting_id, v1_id)
    highlight_words(delegate, words, *phrase_boxes(words, MOVED))
    expect(delegate.locator('.mark[data-kind="highlight"]')).to_have_count(1)
    highlight_words(delegate, words, *phrase_boxes(words, REMOVED))
    expect(delegate.locator('.mark[data-kind="highlight"]')).to_have_count(2)
    add_note(delegate, (500, 80), "Hỏi lại Sở Tài chính về số liệu")
    wait_sent(delegate)

    # Version 2: a new passage first (the articles move down), Article 9 gone.
    v2 = secretary.api(
        "POST",
        f"/api/documents/{v1_id}/versions",
        files={
            "file": ("du-thao-v2.pdf", draft("12.400", extra=FILLER, last=False), "application/pdf")
        },
    )
    assert v2.status_code == 202, v2.text
    v2_doc = ready(secretary, v2.json()["id"])
    assert v2_doc["version"] == 2
    publish(secretary, v2_doc["id"])
    page, boxes = find_phrase(server, v2_doc["id"], v2_doc["page_count"], MOVED)

    open_reader(delegate, meeting_id, v2_doc["id"])
    carried = delegate.locator('.mark-carried[data-kind="highlight"]')
    expect(carried).to_have_count(1)
    expect(carried).to_have_attribute("data-from-version", "1")
    expect(delegate.locator('.mark-carried[data-kind="note"]')).to_have_count(1)
    expect(delegate.locator('.mark[data-kind="highlight"]')).to_have_count(0)
    # Drawn at the words of version 2: one box per line of the passage, covering its words.
    sheet = carried.locator("xpath=ancestor::div[contains(@class,'page-sheet')]")
    expect(sheet).to_have_attribute("data-page", str(page))
    rects = carried.locator(".mark-highlight").evaluate_all(
        "els => els.map(e => ['x','y','width','height'].map(k => Number(e.getAttribute(k))))"
    )
    assert rects
    x0, y0 = min(r[0] for r in rects), min(r[1] for r in rects)
    x1 = max(r[0] + r[2] for r in rects)
    y1 = max(r[1] + r[3] for r in rects)
    for w in boxes:
        assert x0 - 0.5 <= w[0]
        assert w[2] <= x1 + 0.5
        assert y0 - 0.5 <= w[1]
        assert w[3] <= y1 + 0.5
    v1_rect = server_annotations(server, v1_id)
    v1_box = next(a for a in v1_rect if a["quote"] and a["quote"].startswith("Giao"))
    assert v1_box["geometry"]["rects"][0][1] != rects[0][1]  # it did move
    legend = delegate.locator(".carried-legend")
    expect(legend).to_contain_text("từ phiên bản 1")
    expect(legend).to_contain_text("1 ghi chú không tìm thấy vị trí trên phiên bản mới")

    # My notes list the one that could not be placed, with its words.
    delegate.get_by_role("button", name="Ghi chú của tôi").click()
    lost = delegate.locator(".notes-unplaced-item")
    expect(lost).to_have_count(1)
    expect(lost).to_contain_text("không tìm thấy vị trí trên phiên bản mới")
    expect(lost).to_contain_text(REMOVED)
    delegate.locator(".page-sheet").nth(page - 1).scroll_into_view_if_needed()
    screenshots(delegate, "tablet-reader-carried-over")
    check_accessibility(delegate, "reader, notes carried over from version 1")

    # Keep the highlight on version 2: a copy of its own, no longer drawn as carried over.
    delegate.get_by_role("button", name="Ghi chú của tôi").click()
    carried.click()
    dialog = delegate.locator(".dialog[open]")
    expect(dialog).to_contain_text("phiên bản 1")
    screenshots(delegate, "tablet-reader-carried-dialog")
    dialog.get_by_role("button", name="Giữ trên phiên bản này").click()
    expect(delegate.locator('.mark[data-kind="highlight"]')).to_have_count(1)
    expect(carried).to_have_count(0)
    wait_sent(delegate)
    kept = [a for a in server_annotations(server, v2_doc["id"]) if not a["deleted"]]
    assert [a["kind"] for a in kept] == ["highlight"]
    assert kept[0]["quote"] == MOVED
    assert len(server_annotations(server, v1_id)) == 3  # the originals stay on version 1
    # Opened again, the kept copy is shown once, not also as carried over.
    delegate.reload()
    expect(delegate.locator(".page-sheet").first).to_have_class(re.compile("is-loaded"))
    expect(delegate.locator('.mark[data-kind="highlight"]')).to_have_count(1)
    expect(delegate.locator('.mark-carried[data-kind="highlight"]')).to_have_count(0)
    expect(delegate.locator('.mark-carried[data-kind="note"]')).to_have_count(1)

    # The note deleted on version 1 from another device: no longer carried over, live.
    delegate.wait_for_function(
        "() => window.councilSync && window.councilSync.status === 'online'", timeout=15_000
    )
    v1_note = next(a for a in server_annotations(server, v1_id) if a["kind"] == "note")
    laptop = Tablet(server.url, "delegate01")
    assert laptop.api("DELETE", f"/api/annotations/{v1_note['id']}").status_code == 200
    expect(delegate.locator('.mark-carried[data-kind="note"]')).to_have_count(0)


# --- Editing a note's words --------------------------------------------------------------


def open_note_editor(page: Any) -> None:
    page.get_by_role("button", name="Đọc", exact=True).click()
    page.locator('.mark[data-kind="note"]').click()
    page.get_by_role("button", name="Sửa").click()


def stored_note(server: LiveServer, document_id: int) -> dict[str, Any]:
    notes = [a for a in server_annotations(server, document_id) if a["kind"] == "note"]
    live = [a for a in notes if not a["deleted"]]
    assert len(live) == 1, notes
    return live[0]


def test_edit_a_note_offline_and_resolve_an_edit_from_another_tablet(
    open_page: Any, server: LiveServer
):
    meeting_id, docs = meeting_and_documents(server)
    economy = next(d for d in docs if d["title"] == ECONOMY)
    a = tablet(open_page, "tablet A", meeting_id, economy["id"])
    b = tablet(open_page, "tablet B", meeting_id, economy["id"])
    add_note(a, (540, 60), "Nguồn vốn?")
    wait_sent(a)
    expect(b.locator('.mark[data-kind="note"]')).to_have_count(1)

    # The edit dialog: the words as they are, in a labelled box, large type.
    open_note_editor(a)
    box = a.get_by_label("Nội dung ghi chú")
    expect(box).to_have_value("Nguồn vốn?")
    assert float(box.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    box.fill("Nguồn vốn đối ứng lấy từ đâu?")
    screenshots(a, "tablet-reader-note-edit")
    check_accessibility(a, "editing a note")
    a.get_by_role("button", name="Lưu thay đổi").click()
    wait_sent(a)
    assert stored_note(server, economy["id"])["text"] == "Nguồn vốn đối ứng lấy từ đâu?"
    assert stored_note(server, economy["id"])["version"] == 2

    # Offline: the edit waits in the queue and goes when the tablet is back.
    a.watch.outage = True
    a.context.set_offline(True)
    expect(a.locator(".banner-offline").first).to_be_visible()
    edit_note(a, "Nguồn vốn đối ứng: hỏi Sở Tài chính")
    expect(a.locator(".reader-queue")).to_contain_text("1 thay đổi")
    assert stored_note(server, economy["id"])["version"] == 2
    a.context.set_offline(False)
    wait_sent(a)
    assert stored_note(server, economy["id"])["text"] == "Nguồn vốn đối ứng: hỏi Sở Tài chính"
    expect(b.locator(".mark-note")).to_have_attribute("aria-label", re.compile("hỏi Sở Tài chính"))

    # A conflict: A opens the note to edit it; meanwhile B changes it.
    a.wait_for_function(
        "() => window.councilSync && window.councilSync.status === 'online'", timeout=15_000
    )
    open_note_editor(a)
    a.get_by_label("Nội dung ghi chú").fill("Bản của máy A")
    edit_note(b, "Bản của máy B")
    wait_sent(b)
    a.get_by_role("button", name="Lưu thay đổi").click()
    conflict = a.locator(".conflict-dialog")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict-mine-text")).to_have_text("Bản của máy A")
    expect(conflict.locator(".conflict-theirs-text")).to_have_text("Bản của máy B")
    screenshots(a, "tablet-reader-note-conflict")
    check_accessibility(a, "an edit that conflicts with another device's")
    # Nothing was lost meanwhile: the server keeps B's words until A chooses.
    assert stored_note(server, economy["id"])["text"] == "Bản của máy B"
    conflict.get_by_role("button", name="Giữ nội dung của tôi").click()
    expect(conflict).to_be_hidden()
    wait_sent(a)
    note = stored_note(server, economy["id"])
    assert note["text"] == "Bản của máy A"
    expect(b.locator(".mark-note")).to_have_attribute("aria-label", re.compile("máy A"))

    # Again, and this time A takes B's words.
    open_note_editor(a)
    a.get_by_label("Nội dung ghi chú").fill("Lần hai của máy A")
    edit_note(b, "Lần hai của máy B")
    wait_sent(b)
    a.get_by_role("button", name="Lưu thay đổi").click()
    expect(conflict).to_be_visible()
    conflict.get_by_role("button", name="Dùng nội dung trên thiết bị khác").click()
    expect(conflict).to_be_hidden()
    expect(a.locator(".mark-note")).to_have_attribute("aria-label", re.compile("Lần hai của máy B"))
    wait_sent(a)
    assert stored_note(server, economy["id"])["text"] == "Lần hai của máy B"

    # B deletes the note while A edits it: A may keep its words as a note again.
    open_note_editor(a)
    a.get_by_label("Nội dung ghi chú").fill("Máy A vẫn cần ghi chú này")
    b.locator(".mark-note").click()
    b.get_by_role("button", name="Xóa ghi chú").click()
    wait_sent(b)
    expect(
        a.locator(".dialog[open]").get_by_text("vừa được xóa trên một thiết bị khác")
    ).to_be_visible()
    expect(a.get_by_label("Nội dung ghi chú")).to_have_value("Máy A vẫn cần ghi chú này")
    a.get_by_role("button", name="Giữ lại thành ghi chú mới").click()
    expect(a.locator('.mark[data-kind="note"]')).to_have_count(1)
    wait_sent(a)
    again = stored_note(server, economy["id"])
    assert again["text"] == "Máy A vẫn cần ghi chú này"
    assert again["id"] != note["id"]
    expect(b.locator(".mark-note")).to_have_attribute("aria-label", re.compile("vẫn cần"))

    # Offline, A edits the note; B deletes it. Back online, A is asked, and keeps its words.
    a.context.set_offline(True)
    expect(a.locator(".banner-offline").first).to_be_visible()
    edit_note(a, "Sửa khi mất mạng")
    b.locator(".mark-note").click()
    b.get_by_role("button", name="Xóa ghi chú").click()
    wait_sent(b)
    # The deletion must be on the server before A is back, or A's edit would come first.
    deadline = time.monotonic() + 10
    while not all(n["deleted"] for n in server_annotations(server, economy["id"])):
        assert time.monotonic() < deadline, "the deletion never reached the server"
        time.sleep(0.1)
    a.context.set_offline(False)
    conflict = a.locator(".conflict-dialog")
    expect(conflict).to_contain_text("Ghi chú đã bị xóa trên thiết bị khác")
    expect(conflict.locator(".conflict-mine-text")).to_have_text("Sửa khi mất mạng")
    conflict.get_by_role("button", name="Giữ nội dung của tôi").click()
    expect(conflict).to_be_hidden()
    expect(a.locator('.mark[data-kind="note"]')).to_have_count(1)
    wait_sent(a)
    last = stored_note(server, economy["id"])
    assert last["text"] == "Sửa khi mất mạng"
    assert last["id"] != again["id"]
    expect(b.locator(".mark-note")).to_have_attribute("aria-label", re.compile("mất mạng"))
