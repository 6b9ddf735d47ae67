"""Dropped connections and server restarts: tablets and the display catch up by themselves."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import HD, PORTRAIT, login, screenshot
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser


def applied_seqs(page: Any) -> list[int]:
    return list(page.evaluate("window.councilSync ? [...window.councilSync.applied] : []"))


def sync_seq(page: Any) -> int:
    return int(page.evaluate("window.councilSync.seq"))


def test_tablet_offline_then_back_misses_nothing_and_doubles_nothing(
    open_page: Any, server: LiveServer
):
    delegate = open_page("delegate", viewport=PORTRAIT)
    login(delegate, "delegate03")
    delegate.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    expect(delegate.locator(".agenda-item")).to_have_count(14)
    start = sync_seq(delegate)

    chair = Tablet(server.url, "chair")
    secretary = Tablet(server.url, "secretary")
    try:
        meeting_id = chair.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        agenda = chair.api("GET", f"/api/meetings/{meeting_id}").json()["agenda"]
        members = secretary.api("GET", f"/api/meetings/{meeting_id}/attendance").json()["entries"]

        # One live event first, applied at once.
        item = agenda[1]
        assert chair.api(
            "PUT", f"/api/meetings/{meeting_id}/current-item", json={"agenda_item_id": item["id"]}
        ).ok
        expect(delegate.locator(".now-card")).to_contain_text(item["title"])

        delegate.context.set_offline(True)
        expect(delegate.get_by_text("Mất kết nối mạng.")).to_be_visible()
        screenshot(delegate, "tablet-offline")

        # While the tablet is away: the chair moves on, the secretariat records attendance
        # and changes the agenda.
        moved_to = agenda[2]
        assert chair.api(
            "PUT",
            f"/api/meetings/{meeting_id}/current-item",
            json={"agenda_item_id": moved_to["id"]},
        ).ok
        for entry in members[5:8]:  # not delegate03, who checks in later
            assert secretary.api(
                "POST",
                f"/api/meetings/{meeting_id}/attendance/check-in",
                json={"user_id": entry["user_id"], "state": "present"},
            ).ok
        added = secretary.api(
            "POST",
            f"/api/meetings/{meeting_id}/agenda",
            json={"title": "Nội dung bổ sung trong lúc máy tính bảng mất mạng", "kind": "other"},
        )
        assert added.status_code == 201
        server_seq = chair.api("GET", f"/api/meetings/{meeting_id}/state").json()["seq"]
        # Nothing reached the tablet meanwhile.
        expect(delegate.locator(".now-card")).to_contain_text(item["title"])

        delegate.context.set_offline(False)
        expect(delegate.get_by_text("Mất kết nối mạng.")).to_be_hidden(timeout=15_000)
        expect(delegate.locator(".now-card")).to_contain_text(moved_to["title"])
        expect(delegate.locator(".agenda-item", has_text="Nội dung bổ sung")).to_have_count(1)
        expect(delegate.locator(".quorum-present")).to_have_text("3")
        delegate.wait_for_function(f"window.councilSync.seq === {server_seq}")

        seqs = applied_seqs(delegate)
        assert seqs == list(range(start + 1, server_seq + 1)), seqs
        assert len(set(seqs)) == len(seqs)

        # And the stream goes on live after the reconnect.
        assert chair.api(
            "PUT", f"/api/meetings/{meeting_id}/current-item", json={"agenda_item_id": item["id"]}
        ).ok
        expect(delegate.locator(".now-card")).to_contain_text(item["title"])
        assert applied_seqs(delegate)[-1] == server_seq + 1

        # Check in, then leave the sitting (after a confirmation), then log out.
        delegate.get_by_role("button", name="Điểm danh có mặt").click()
        expect(delegate.locator(".quorum-present")).to_have_text("4")
        delegate.get_by_role("button", name="Rời phiên họp").click()
        dialog = delegate.get_by_role("dialog")
        expect(dialog).to_contain_text("Bạn sẽ được ghi là vắng mặt")
        dialog.get_by_role("button", name="Rời phiên họp").click()
        expect(delegate.locator(".attendance-state")).to_contain_text("Vắng")
        expect(delegate.locator(".quorum-present")).to_have_text("3")
        delegate.get_by_role("button", name="Đăng xuất").click()
        expect(delegate.get_by_role("button", name="Đăng nhập")).to_be_visible()
    finally:
        chair.close()
        secretary.close()


def test_display_recovers_from_a_server_restart_without_a_touch(open_page: Any, server: LiveServer):
    display = open_page("display", viewport=HD, path="/display")
    login(display, "display")
    expect(display.locator(".hall-agenda-list")).to_be_visible()
    # The page is expected to see the server go away and come back.
    display.watch.outage = True

    server.restart()

    chair = Tablet(server.url, "chair")
    try:
        meeting_id = chair.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        agenda = chair.api("GET", f"/api/meetings/{meeting_id}").json()["agenda"]
        item = agenda[4]
        assert chair.api(
            "PUT", f"/api/meetings/{meeting_id}/current-item", json={"agenda_item_id": item["id"]}
        ).ok
        expect(display.locator(".hall-item-title")).to_contain_text(item["title"], timeout=20_000)
        expect(display.locator(".hall-qr-code")).to_be_visible()
        screenshot(display, "display-after-restart")

        # The check-in code renews by itself (every 30 s), and the new one checks a member in.
        first = display.locator(".hall-qr").get_attribute("data-url")
        assert first is not None
        expect(display.locator(".hall-qr")).not_to_have_attribute("data-url", first, timeout=35_000)
        renewed = display.locator(".hall-qr").get_attribute("data-url")
        assert renewed is not None
        code = renewed.rsplit("/", 1)[1]
        member = Tablet(server.url, "delegate09")
        try:
            answer = member.api(
                "POST",
                f"/api/meetings/{meeting_id}/attendance/check-in",
                json={"state": "present", "code": code},
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["method"] == "qr"
        finally:
            member.close()
        expect(display.locator(".hall-present")).to_have_text("1")
    finally:
        chair.close()
