"""Comments (góp ý): delegates write them on the tablet, the secretariat answers them."""

from __future__ import annotations

import re
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
