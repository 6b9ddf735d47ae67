"""The tablet, the chair console and the hall display walking through a sitting together."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    HD,
    PORTRAIT,
    UHD,
    check_accessibility,
    login,
    screenshot,
    screenshots,
)
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser


def open_session(page: Any) -> None:
    page.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    expect(page.get_by_role("heading", name="Chương trình kỳ họp")).to_be_visible()


def test_delegate_chair_and_display_follow_one_sitting(open_page: Any, server: LiveServer):
    delegate = open_page("delegate")
    expect(delegate.get_by_role("heading", name="Phòng họp không giấy")).to_be_visible()
    screenshots(delegate, "tablet-login")
    check_accessibility(delegate, "tablet login")
    login(delegate, "delegate01")
    expect(delegate.get_by_role("heading", name="Các kỳ họp")).to_be_visible()
    screenshots(delegate, "tablet-meetings")
    check_accessibility(delegate, "tablet meeting list")
    open_session(delegate)
    expect(delegate.get_by_text("Chưa vào nội dung")).to_be_visible()
    screenshots(delegate, "tablet-session-before")
    check_accessibility(delegate, "tablet session")

    chair = open_page("chair", path="/chair")
    login(chair, "chair")
    open_session(chair)
    chair.get_by_role("button", name="Chuyển đến mục 1.2").click()

    # The delegate's tablet follows without a reload.
    now = delegate.locator(".now-card")
    expect(now).to_contain_text("Báo cáo tình hình kinh tế - xã hội")
    expect(delegate.locator(".agenda-item.is-current")).to_contain_text("1.2")

    delegate.get_by_role("button", name="Điểm danh có mặt").click()
    expect(delegate.get_by_text(re.compile("Bạn đã điểm danh có mặt lúc"))).to_be_visible()
    expect(chair.locator(".chair-attendance .quorum-present")).to_have_text("1")

    delegate.get_by_role("button", name="Đăng ký phát biểu").click()
    expect(delegate.get_by_text("đang ở vị trí thứ 1")).to_be_visible()
    expect(chair.locator(".chair-queue")).to_contain_text(delegate_name(server))
    delegate.get_by_role("button", name="Rút đăng ký").click()
    expect(chair.locator(".chair-queue li")).to_have_count(0)

    delegate.get_by_role("button", name="Đăng ký chất vấn").click()
    delegate.get_by_label("Chất vấn ai?").fill("Giám đốc Sở Tài chính")
    delegate.get_by_role("button", name="Gửi đăng ký").click()
    expect(delegate.locator(".queue-list")).to_contain_text("Chất vấn Giám đốc Sở Tài chính")
    screenshots(delegate, "tablet-session-live")
    check_accessibility(delegate, "tablet session with a request to speak")

    display = open_page("display", viewport=HD, path="/display", clock=True)
    login(display, "display")
    expect(display.locator(".hall-item-title")).to_contain_text("Báo cáo tình hình kinh tế")

    # A second delegate asks from another tablet; the chair puts them first.
    other = Tablet(server.url, "delegate04")
    try:
        meeting_id = other.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        asked = other.api("POST", f"/api/meetings/{meeting_id}/speakers", json={"kind": "debate"})
        assert asked.status_code == 201
        other_name = other.user["full_name"]
    finally:
        other.close()
    queue = display.locator(".hall-queue-name")
    expect(queue).to_have_text([delegate_name(server), other_name])
    chair.get_by_role("button", name=f"Đưa {other_name} lên trước").click()
    expect(queue).to_have_text([other_name, delegate_name(server)])
    expect(delegate.locator(".queue-list li").first).to_contain_text(other_name)

    chair.get_by_role("button", name=f"Mời phát biểu: {delegate_name(server)}").click()
    expect(display.locator(".hall-speaker-name")).to_have_text(delegate_name(server))
    expect(queue).to_have_text([other_name])
    expect(delegate.get_by_text("Bạn đang phát biểu.")).to_be_visible()
    expect(display.locator(".hall-present")).to_have_text("1")
    expect(display.locator(".hall-qr-code")).to_be_visible()
    screenshot(display, "display-speaker")
    check_accessibility(display, "hall display")
    screenshots(chair, "chair-console")
    check_accessibility(chair, "chair console")

    display.set_viewport_size(UHD)
    screenshot(display, "display-speaker")
    display.set_viewport_size(HD)

    # The allowed time (5 minutes in the demo council) runs out: a warning, then over time.
    # (Jumping the page's clock also trips Socket.IO's ping timeout: it reconnects.)
    display.watch.outage = True
    display.clock.fast_forward("04:10")
    expect(display.locator(".hall-floor .speaking-time.tone-warn")).to_be_visible()
    expect(display.locator(".hall-floor .speaking-note")).to_contain_text("Còn 0:")
    expect(display.locator(".hall-offline")).to_be_hidden()
    screenshot(display, "display-speaker-warning")
    display.clock.fast_forward("01:30")
    expect(display.locator(".hall-floor .speaking-time.tone-over")).to_be_visible()
    expect(display.locator(".hall-floor .speaking-note")).to_contain_text("Quá giờ")
    expect(display.locator(".hall-offline")).to_be_hidden()
    screenshot(display, "display-speaker-over-time")
    display.set_viewport_size(UHD)

    chair.get_by_role("button", name="Kết thúc phát biểu").click()
    expect(chair.locator(".queue-list.is-done")).to_contain_text(delegate_name(server))
    chair.get_by_role("button", name="Đánh dấu mục 1.2 đã xong").click()
    expect(delegate.locator(".agenda-item", has_text="1.2")).to_contain_text("Đã xong")
    chair.get_by_role("button", name="Tạm dừng giữa các mục").click()
    expect(display.locator(".hall-agenda-list")).to_contain_text("Phiên khai mạc")
    screenshot(display, "display-agenda")
    display.set_viewport_size(HD)
    screenshot(display, "display-agenda")

    delegate.set_viewport_size(PORTRAIT)
    screenshot(delegate, "tablet-session-between")
    chair.set_viewport_size(PORTRAIT)
    screenshot(chair, "chair-console")


def delegate_name(server: LiveServer) -> str:
    tablet = Tablet(server.url, "delegate01")
    try:
        return str(tablet.user["full_name"])
    finally:
        tablet.close()


def test_language_switch_and_server_errors_in_english(open_page: Any):
    page = open_page("tablet", viewport=PORTRAIT)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.watch.allow("POST", "/api/auth/login", 401)
    page.get_by_label("Username").fill("delegate01")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    # The server's message, in the language the client asked for.
    expect(page.get_by_role("alert")).to_contain_text(re.compile("[Ww]rong|incorrect|not right"))
    screenshot(page, "tablet-login-error-en")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Sessions")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Open session")).first.click()
    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d\d/\d\d/\d{4}")).first).to_be_visible()
    screenshot(page, "tablet-session-en")
