"""The tablet's full-screen ballot as a modal dialog, driven with the keyboard only.

Focus moves into the ballot when a vote opens, Tab and Shift+Tab cycle inside it while the
page behind is inert, each step (confirmation, choosing again, recorded) puts focus where the
next thing to read or do is, and when the result is closed focus returns where it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, screenshots
from tests.e2e.test_voting import delegate_tablet
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser

ACTIVE = """() => {
    const el = document.activeElement;
    const dialog = document.querySelector('[role="dialog"][aria-modal="true"]');
    return {
        id: el ? el.id : null,
        text: el ? (el.getAttribute('aria-label') || el.textContent || '').trim() : '',
        tag: el ? el.tagName : null,
        inDialog: Boolean(dialog && dialog.contains(el)),
        before: Boolean(el && el.dataset && el.dataset.before === '1'),
        recorded: Boolean(el && el.classList.contains('vote-recorded')),
    };
}"""


def active(page: Any) -> dict[str, Any]:
    return page.evaluate(ACTIVE)  # type: ignore[no-any-return]


def tab_to(page: Any, text: str, *, limit: int = 20) -> None:
    """Press Tab until the focused control reads `text` (never leaving the dialog)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = active(page)
        assert now["inDialog"], f"focus left the ballot: {now}"
        if now["text"] == text:
            return
    raise AssertionError(f"Tab never reached {text!r}")


def cycle(page: Any, key: str) -> list[str]:
    """The controls `key` visits until it comes back to the first one (all in the dialog)."""
    seen: list[str] = []
    for _ in range(30):
        page.keyboard.press(key)
        now = active(page)
        assert now["inDialog"], f"{key} left the ballot: {now}"
        if seen and now["text"] == seen[0]:
            return seen
        seen.append(now["text"])
    raise AssertionError(f"{key} did not cycle: {seen}")


def test_ballot_is_a_modal_dialog_for_keyboard_users(open_page: Any, server: LiveServer):
    chair = Tablet(server.url, "chair")
    try:
        meeting = chair.api("GET", "/api/meetings/1").json()
        item = next(i for i in meeting["agenda"] if i["kind"] == "resolution")
        page = delegate_tablet(open_page, "delegate01")
        # Check in from the keyboard, then leave focus on a control of the session screen.
        check_in = page.get_by_role("button", name="Điểm danh có mặt")
        check_in.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Bạn đã điểm danh có mặt lúc", exact=False)).to_be_visible()
        page.keyboard.press("Tab")
        page.evaluate("() => { document.activeElement.dataset.before = '1'; }")
        before = active(page)
        assert before["tag"] not in (None, "BODY"), before

        title = "Thông qua Nghị quyết (thử bằng bàn phím)"
        motion = chair.api(
            "POST",
            "/api/meetings/1/motions",
            json={"agenda_item_id": item["id"], "title": title},
        ).json()
        opened = chair.api(
            "POST", f"/api/motions/{motion['id']}/open", json={"override_quorum": True}
        )
        assert opened.status_code == 200, opened.text

        # A real modal dialog, labelled by its title, with focus on the title.
        ballot = page.get_by_role("dialog", name=title)
        expect(ballot).to_be_visible()
        expect(ballot).to_have_attribute("aria-modal", "true")
        expect(ballot).to_have_attribute("aria-labelledby", "ballot-title")
        expect(page.locator("#ballot-title")).to_be_focused()
        # The page behind is inert: what had focus cannot be reached.
        assert page.evaluate(
            "() => Boolean(document.querySelector('[data-before]').closest('[inert]'))"
        )

        forward = cycle(page, "Tab")
        assert forward[:4] == ["Thu nhỏ phiếu", "Tán thành", "Không tán thành", "Không biểu quyết"]
        backward = cycle(page, "Shift+Tab")
        assert sorted(backward) == sorted(forward)
        check_accessibility(page, "tablet ballot (keyboard)")

        # Hide the ballot from the keyboard: focus goes back, the page is usable again; the
        # banner's button brings the ballot back with focus on its title.
        tab_to(page, "Thu nhỏ phiếu")
        page.keyboard.press("Enter")
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.locator("[data-before='1']")).to_be_focused()
        assert page.evaluate("() => document.querySelectorAll('[inert]').length") == 0
        show = page.get_by_role("button", name="Mở phiếu biểu quyết")
        show.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#ballot-title")).to_be_focused()

        # Choose with the keyboard: the confirmation's question takes focus.
        tab_to(page, "Tán thành")
        page.keyboard.press("Enter")
        expect(ballot).to_contain_text("Bạn chọn: Tán thành. Xác nhận gửi phiếu?")
        expect(page.locator("#ballot-confirm-text")).to_be_focused()
        assert cycle(page, "Tab") == ["Thu nhỏ phiếu", "Chọn lại", "Xác nhận gửi phiếu"]
        # Choose again: back on the button chosen before.
        tab_to(page, "Chọn lại")
        page.keyboard.press("Enter")
        expect(ballot.get_by_role("button", name="Tán thành", exact=True)).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#ballot-confirm-text")).to_be_focused()
        tab_to(page, "Xác nhận gửi phiếu")
        page.keyboard.press("Enter")
        recorded = ballot.get_by_role("status")
        expect(recorded).to_contain_text("Tán thành")
        expect(ballot.locator(".vote-recorded")).to_be_focused()

        # Change the vote: focus starts on the recorded choice; after "Chọn lại" it is on the
        # new choice, not the recorded one.
        tab_to(page, "Đổi phiếu")
        page.keyboard.press("Enter")
        expect(ballot.get_by_role("button", name="Tán thành", exact=True)).to_be_focused()
        tab_to(page, "Không tán thành")
        page.keyboard.press("Enter")
        expect(page.locator("#ballot-confirm-text")).to_be_focused()
        tab_to(page, "Chọn lại")
        page.keyboard.press("Enter")
        expect(ballot.get_by_role("button", name="Không tán thành")).to_be_focused()
        page.keyboard.press("Enter")
        tab_to(page, "Xác nhận gửi phiếu")
        page.keyboard.press("Enter")
        expect(recorded).to_contain_text("Không tán thành")
        expect(ballot.locator(".vote-recorded")).to_be_focused()
        screenshots(page, "vote-tablet-ballot-keyboard-recorded")
        check_accessibility(page, "tablet ballot recorded (keyboard)")

        # The vote closes: the result is a dialog too; closing it returns focus.
        assert chair.api("POST", f"/api/motions/{motion['id']}/close").status_code == 200
        result = page.get_by_role("dialog", name=title)
        expect(result).to_contain_text("Kết quả")
        expect(page.locator("#ballot-result-title")).to_be_focused()
        assert cycle(page, "Tab")[-1] == "Đóng"
        tab_to(page, "Đóng")
        page.keyboard.press("Enter")
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.locator("[data-before='1']")).to_be_focused()
        assert page.evaluate("() => document.querySelectorAll('[inert]').length") == 0
        check_accessibility(page, "tablet session after the ballot")
    finally:
        chair.close()
