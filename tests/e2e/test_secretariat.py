"""The secretariat console: sessions, the agenda editor, attendance, QR cards and devices."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PORTRAIT, check_accessibility, login, screenshot, screenshots
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser


def agenda_titles(page: Any, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def test_secretariat_edits_the_agenda_and_tablets_follow_live(open_page: Any):
    secretary = open_page("secretary", path="/secretariat")
    login(secretary, "secretary")
    expect(secretary.get_by_role("heading", name="Các kỳ họp")).to_be_visible()
    screenshots(secretary, "secretariat-sessions")
    check_accessibility(secretary, "secretariat sessions")
    secretary.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    expect(secretary.locator(".editor-item")).to_have_count(14)
    screenshots(secretary, "secretariat-agenda")
    check_accessibility(secretary, "secretariat agenda editor")

    delegate = open_page("delegate", viewport=PORTRAIT)
    login(delegate, "delegate02")
    delegate.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    expect(delegate.locator(".agenda-item")).to_have_count(14)

    # Add an item into the second sitting.
    form = secretary.locator(".add-card")
    form.get_by_label("Tên nội dung").fill("Nghị quyết về giá dịch vụ khám bệnh năm 2027")
    sitting_2 = "2. Xem xét các tờ trình và dự thảo nghị quyết"
    form.get_by_label("Thuộc phiên").select_option(label=sitting_2)
    form.get_by_label("Người trình bày").fill("Giám đốc Sở Y tế")
    form.get_by_role("button", name="Thêm vào chương trình").click()
    new_item = delegate.locator(".agenda-item", has_text="Sở Y tế")
    expect(new_item).to_contain_text("2.6")

    # Move it up with the buttons, then out of the sitting and back in.
    secretary.get_by_role("button", name="Đưa mục 2.6 lên").click()
    expect(new_item).to_contain_text("2.5")
    secretary.get_by_role("button", name="Đưa mục 2.5 ra khỏi phiên").click()
    expect(new_item.locator(".agenda-number")).to_have_text("3")
    questions = delegate.locator(".agenda-item", has_text="Chất vấn và trả lời")
    expect(questions.locator(".agenda-number")).to_have_text("4")
    secretary.get_by_role("button", name="Đưa mục 3 vào phiên phía trên").click()
    expect(new_item.locator(".agenda-number")).to_have_text("2.6")

    # Drag the new item onto the top half of item 2.1: it goes before it. (A tall window,
    # so that nothing scrolls between pressing the mouse and moving it.)
    secretary.set_viewport_size({"width": 1280, "height": 2200})
    source = secretary.locator(".editor-item", has_text="Sở Y tế")
    target = secretary.locator(".editor-item", has_text="dự toán thu ngân sách")
    source.drag_to(target, source_position={"x": 20, "y": 20}, target_position={"x": 40, "y": 6})
    expect(new_item.locator(".agenda-number")).to_have_text("2.1")
    # Onto the right of the lower half of sitting 3: into that sitting.
    sitting = secretary.locator(".editor-item", has_text="CHẤT VẤN VÀ TRẢ LỜI")
    box = sitting.bounding_box()
    assert box is not None
    source.drag_to(
        sitting,
        source_position={"x": 20, "y": 20},
        target_position={"x": box["width"] * 0.8, "y": box["height"] * 0.8},
    )
    expect(new_item.locator(".agenda-number")).to_have_text("3.2")
    source.drag_to(target, source_position={"x": 20, "y": 20}, target_position={"x": 40, "y": 6})
    expect(new_item.locator(".agenda-number")).to_have_text("2.1")
    secretary.set_viewport_size({"width": 1280, "height": 800})

    # Edit its title; the tablet shows the new title.
    secretary.get_by_role("button", name="Sửa mục 2.1").click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label("Tên nội dung").fill("Nghị quyết về giá khám bệnh, chữa bệnh năm 2027")
    dialog.get_by_role("button", name="Lưu").click()
    expect(new_item).to_contain_text("Nghị quyết về giá khám bệnh, chữa bệnh năm 2027")

    # Delete it (with a confirmation).
    secretary.get_by_role("button", name="Xóa mục 2.1").click()
    secretary.get_by_role("dialog").get_by_role("button", name="Xóa").click()
    expect(delegate.locator(".agenda-item", has_text="Sở Y tế")).to_have_count(0)
    expect(delegate.locator(".agenda-item")).to_have_count(14)
    screenshot(delegate, "tablet-session-after-edits")

    secretary.set_viewport_size(PORTRAIT)
    screenshot(secretary, "secretariat-agenda")


def test_secretariat_records_attendance_and_creates_a_session(open_page: Any, server: LiveServer):
    secretary = open_page("secretary", path="/secretariat")
    login(secretary, "secretary")
    secretary.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    secretary.get_by_role("link", name="Điểm danh").click()
    rows = secretary.locator("tbody tr")
    expect(rows).to_have_count(50)
    first = rows.first
    name = first.locator(".cell-strong").inner_text()
    first.get_by_role("button", name=f"Ghi {name} có mặt").click()
    expect(first).to_contain_text("do Văn phòng ghi")
    second = rows.nth(1)
    name2 = second.locator(".cell-strong").inner_text()
    second.get_by_role("button", name=f"Ghi {name2} vắng có lý do").click()
    secretary.get_by_role("dialog").get_by_label("Lý do vắng mặt").fill("Đi công tác")
    secretary.get_by_role("dialog").get_by_role("button", name="Lưu").click()
    expect(second).to_contain_text("Đi công tác")
    expect(secretary.locator(".att-summary .quorum-present")).to_have_text("1")
    screenshots(secretary, "secretariat-attendance")
    check_accessibility(secretary, "secretariat attendance")

    secretary.get_by_role("link", name="Đại biểu").click()
    expect(secretary.get_by_role("heading", name="Đại biểu Hội đồng nhân dân (50)")).to_be_visible()
    screenshots(secretary, "secretariat-members")
    check_accessibility(secretary, "secretariat members")

    # A new session.
    secretary.get_by_role("button", name="Các kỳ họp").click()
    secretary.get_by_role("button", name="Tạo kỳ họp mới").click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label("Tên kỳ họp").fill("Kỳ họp chuyên đề tháng 12/2026")
    dialog.get_by_label("Địa điểm").fill("Hội trường tầng 3")
    starts = dialog.get_by_role("group", name="Bắt đầu")
    starts.get_by_label("Ngày (dd/mm/yyyy)").fill("15/12/2026")
    starts.get_by_label("Giờ (hh:mm)").fill("08:00")
    ends = dialog.get_by_role("group", name="Kết thúc")
    ends.get_by_label("Ngày (dd/mm/yyyy)").fill("15/12/2026")
    ends.get_by_label("Giờ (hh:mm)").fill("11:30")
    screenshots(secretary, "secretariat-new-session")
    dialog.get_by_role("button", name="Tạo kỳ họp").click()
    expect(secretary.locator(".topbar-subtitle")).to_have_text("Kỳ họp chuyên đề tháng 12/2026")
    expect(secretary.get_by_text("Chương trình chưa có nội dung.")).to_be_visible()
    secretary.get_by_role("button", name="Các kỳ họp").click()
    card = secretary.locator(".meeting-card", has_text="Kỳ họp chuyên đề tháng 12/2026")
    expect(card).to_contain_text("08:00, 15/12/2026")


def test_qr_card_pairs_a_tablet_and_hall_code_checks_in(open_page: Any, server: LiveServer):
    secretary = open_page("secretary", path="/secretariat")
    login(secretary, "secretary")
    secretary.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    secretary.get_by_role("link", name="Thiết bị và thẻ QR").click()
    secretary.get_by_label("Tìm theo tên hoặc tên đăng nhập").fill("delegate07")
    row = secretary.locator("tr[data-username=delegate07]")
    name = row.locator(".cell-strong").inner_text()
    with secretary.expect_response(re.compile(r"/api/users/\d+/pairing-tokens")) as answer:
        row.get_by_role("button", name=f"Tạo thẻ QR cho {name}").click()
    token = answer.value.json()["token"]
    card = secretary.get_by_role("dialog")
    expect(card.get_by_role("img", name=f"Mã QR đăng nhập của {name}")).to_be_visible()
    screenshots(secretary, "secretariat-qr-card")
    check_accessibility(secretary, "secretariat QR card")
    card.get_by_role("button", name="Đóng").first.click()

    # The tablet scans the card: logged in without a password.
    tablet = open_page("paired tablet", viewport=PORTRAIT, path=f"/#/pair/{token}")
    expect(tablet.locator(".topbar-user-name")).to_have_text(name)
    meeting_id = int(
        tablet.evaluate("fetch('/api/meetings').then(r => r.json()).then(d => d.meetings[0].id)")
    )

    # The hall display's code, scanned by that tablet, checks the delegate in.
    display = Tablet(server.url, "display")
    try:
        code = display.api("GET", f"/api/meetings/{meeting_id}/hall-code").json()
    finally:
        display.close()
    assert code["url"].endswith(f"#/checkin/{meeting_id}/{code['code']}")
    tablet.goto(f"/#/checkin/{meeting_id}/{code['code']}")
    expect(tablet.get_by_text(f"Đã ghi nhận: {name} có mặt tại hội trường.")).to_be_visible()
    screenshot(tablet, "tablet-qr-checkin")
    tablet.get_by_role("button", name="Mở kỳ họp").click()
    expect(tablet.get_by_text(re.compile("Bạn đã điểm danh có mặt lúc"))).to_be_visible()

    # The secretariat sees the device and revokes it: the tablet's next request is refused.
    secretary.get_by_role("button", name=f"Thiết bị của {name}").click()
    devices = secretary.get_by_role("dialog")
    expect(devices).to_contain_text("Máy tính bảng")
    screenshots(secretary, "secretariat-devices")
    tablet.watch.allow("GET", "/api/", 401)
    devices.get_by_role("button", name="Thu hồi").click()
    expect(devices).to_contain_text("Đã thu hồi")
    status = tablet.evaluate("fetch('/api/meetings').then(r => r.status)")
    assert status == 401
