"""Comments (góp ý): delegates write them on the tablet, the secretariat answers them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PORTRAIT, SCREENSHOTS, check_accessibility, login, screenshots
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser

DOCUMENT = "Chương trình kỳ họp thứ Ba"


def open_session(page: Any) -> None:
    page.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    expect(page.locator("#documents-title")).to_be_visible()


def open_comments(page: Any, title: str = DOCUMENT) -> Any:
    page.get_by_role("button", name=f"Góp ý: {title}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=f"Góp ý: {title}")).to_be_visible()
    return dialog


def test_delegates_comment_and_see_who_may_read_and_the_answers(open_page: Any, server: LiveServer):
    delegate = open_page("delegate05", viewport=PORTRAIT)
    login(delegate, "delegate05")
    open_session(delegate)
    card = delegate.locator("#documents-title").locator("xpath=ancestor::section[1]")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SCREENSHOTS / "tablet-documents-card-800.png"))
    dialog = open_comments(delegate)
    expect(dialog).to_contain_text("Chưa có góp ý nào")
    check_accessibility(delegate, "tablet comments dialog")

    # A comment on page 2 for every delegate, with text that looks like markup.
    dialog.get_by_label("Một trang").check()
    dialog.get_by_label(re.compile("^Số trang")).fill("2")
    dialog.get_by_label("Nội dung góp ý").fill("Đề nghị bổ sung <b>thời gian</b> thảo luận tổ.")
    dialog.get_by_label("Tất cả đại biểu").check()
    dialog.get_by_role("button", name="Gửi góp ý").click()
    expect(dialog.get_by_role("status")).to_contain_text("Đã gửi góp ý")
    mine = dialog.locator(".comment", has_text="thời gian")
    expect(mine).to_contain_text("Đề nghị bổ sung <b>thời gian</b> thảo luận tổ.")
    expect(mine).to_contain_text("Trang 2")
    expect(mine).to_contain_text("Mọi đại biểu xem được")
    expect(mine).to_contain_text("Đã tiếp nhận")
    assert mine.locator("b").count() == 0

    # One on the whole document for the secretariat only.
    dialog.get_by_label("Cả tài liệu").check()
    dialog.get_by_label("Nội dung góp ý").fill("Góp ý riêng: lịch họp tổ trùng giờ.")
    dialog.get_by_label("Chỉ Văn phòng và Chủ tọa").check()
    dialog.get_by_role("button", name="Gửi góp ý").click()
    private = dialog.locator(".comment", has_text="lịch họp tổ")
    expect(private).to_contain_text("Cả tài liệu")
    expect(private).to_contain_text("Chỉ Văn phòng và Chủ tọa")
    screenshots(delegate, "tablet-comments")

    # Another delegate sees the public one only, and sees it arrive live.
    other = open_page("delegate06")
    login(other, "delegate06")
    open_session(other)
    other_dialog = open_comments(other)
    expect(other_dialog.locator(".comment")).to_have_count(1)
    expect(other_dialog).to_contain_text("thời gian")
    expect(other_dialog).not_to_contain_text("lịch họp tổ")

    # The secretariat answers (through the API here): both tablets see the answer live.
    secretary = Tablet(server.url, "secretary")
    try:
        listed = secretary.api("GET", "/api/meetings/1/comments").json()["comments"]
        public = next(c for c in listed if "thời gian" in c["text"])
        answer = secretary.api(
            "POST",
            f"/api/comments/{public['id']}/replies",
            json={"text": "Văn phòng đã bố trí thêm 30 phút.", "status": "considered"},
        )
        assert answer.status_code == 201
    finally:
        secretary.close()
    expect(mine).to_contain_text("Văn phòng đã bố trí thêm 30 phút.")
    expect(mine).to_contain_text("Đã tiếp thu")
    expect(other_dialog.locator(".comment")).to_contain_text("Văn phòng đã bố trí thêm 30 phút.")
    screenshots(delegate, "tablet-comments-answered")
    dialog.get_by_role("button", name="Đóng").click()
    expect(delegate.get_by_role("dialog")).to_have_count(0)


def test_secretariat_answers_comments_live_and_exports(open_page: Any, server: LiveServer):
    secretary = open_page("secretary", path="/secretariat")
    login(secretary, "secretary")
    secretary.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    secretary.get_by_role("link", name="Tài liệu").click()
    desk = secretary.locator("#secdocs-comments-title").locator("xpath=ancestor::section[1]")
    expect(desk).to_contain_text("Chưa có góp ý nào")

    # A delegate comments from a tablet: it appears on the console without a reload.
    delegate = Tablet(server.url, "delegate07")
    chair = Tablet(server.url, "chair")
    try:
        docs = delegate.api("GET", "/api/meetings/1/documents").json()["documents"]
        doc = next(d for d in docs if d["title"] == DOCUMENT)
        created = delegate.api(
            "POST",
            f"/api/documents/{doc['id']}/comments",
            json={"text": "Đề nghị làm rõ nguồn vốn đối ứng.", "page": 1, "quote": "nguồn vốn"},
        )
        assert created.status_code == 201
        comment_id = created.json()["id"]
        card = desk.locator(".comment", has_text="nguồn vốn đối ứng")
        expect(card).to_contain_text("Mới đến")
        expect(card).to_contain_text("Trang 1")
        expect(card).to_contain_text("Đã tiếp nhận")
        expect(desk).to_contain_text("1 góp ý chờ xử lý")
        screenshots(secretary, "secretariat-comments")
        desk.screenshot(path=str(SCREENSHOTS / "secretariat-comments-desk-1280.png"))
        check_accessibility(secretary, "secretariat comments desk")

        # Mark it taken into account, then answer it.
        card.get_by_role("button", name="Đã tiếp thu").click()
        expect(card.get_by_role("button", name="Đã tiếp thu")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(card).not_to_contain_text("Mới đến")
        card.get_by_label(re.compile("^Trả lời")).fill("Nguồn vốn đối ứng lấy từ ngân sách tỉnh.")
        card.get_by_role("button", name="Gửi trả lời").click()
        expect(card).to_contain_text("Nguồn vốn đối ứng lấy từ ngân sách tỉnh.")
        expect(card.get_by_role("button", name="Đã trả lời")).to_have_attribute(
            "aria-pressed", "true"
        )
        mine = delegate.api("GET", f"/api/documents/{doc['id']}/comments").json()["comments"]
        answered = next(c for c in mine if c["id"] == comment_id)
        assert answered["status"] == "answered"
        assert answered["replies"][0]["text"] == "Nguồn vốn đối ứng lấy từ ngân sách tỉnh."

        # The status filter.
        secretary.get_by_label("Trạng thái", exact=True).select_option(label="Đã tiếp nhận")
        expect(desk).to_contain_text("Không có góp ý nào khớp bộ lọc")
        secretary.get_by_label("Trạng thái", exact=True).select_option(label="Đã trả lời")
        expect(card).to_be_visible()

        # Exports: the comment summary as CSV and PDF.
        with secretary.expect_download() as csv_download:
            secretary.get_by_role("link", name="Tải bảng tính (CSV)").click()
        csv = Path(csv_download.value.path()).read_bytes()
        assert csv.startswith(b"\xef\xbb\xbf")
        assert "nguồn vốn đối ứng" in csv.decode("utf-8-sig")
        with secretary.expect_download() as pdf_download:
            secretary.get_by_role("link", name="Tải bản tổng hợp (PDF)").click()
        assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF")

        # A vote closes: its result sheet is offered at once.
        exports = secretary.locator("#secdocs-exports-title").locator("xpath=ancestor::section[1]")
        expect(exports).to_contain_text("Chưa có cuộc biểu quyết nào kết thúc")
        state = chair.api("GET", "/api/meetings/1/state").json()["state"]
        item = next(i for i in state["agenda"] if i["depth"] == 1)
        motion = chair.api(
            "POST",
            "/api/meetings/1/motions",
            json={"agenda_item_id": item["id"], "title": "Thông qua chương trình kỳ họp"},
        ).json()
        opened = chair.api(
            "POST", f"/api/motions/{motion['id']}/open", json={"override_quorum": True}
        )
        assert opened.status_code == 200, opened.text
        assert chair.api("POST", f"/api/motions/{motion['id']}/close").status_code == 200
        sheet = exports.locator(".secdocs-sheets li", has_text="Thông qua chương trình kỳ họp")
        expect(sheet).to_contain_text("Không được thông qua")
        with secretary.expect_download() as sheet_download:
            sheet.get_by_role("link", name=re.compile("^Tải biên bản")).click()
        assert Path(sheet_download.value.path()).read_bytes().startswith(b"%PDF")
        exports.screenshot(path=str(SCREENSHOTS / "secretariat-exports-card-1280.png"))
        desk.screenshot(path=str(SCREENSHOTS / "secretariat-comments-answered-1280.png"))
    finally:
        delegate.close()
        chair.close()
