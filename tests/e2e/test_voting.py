"""Voting in the browser: the chair's motions, the delegates' ballots, the hall display.

The chair creates and opens a vote in one browser context, three delegates vote on their
tablets in others (one changes their vote, one checks in only once the ballot is up), more
members vote through the API as other tablets do, the display shows the live count, the chair
closes and announces, and the display shows the result, whose numbers are compared with the
server's frozen result (getVoteResult). The display is photographed in every state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    HD,
    LANDSCAPE,
    PORTRAIT,
    SCREENSHOTS,
    check_accessibility,
    display_screenshots,
    login,
    screenshots,
)
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser


class Members:
    """Logged-in API sessions of delegates (the other tablets in the hall)."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.tablets: dict[int, Tablet] = {}

    def __getitem__(self, number: int) -> Tablet:
        if number not in self.tablets:
            self.tablets[number] = Tablet(self.server.url, f"delegate{number:02d}")
        return self.tablets[number]

    def check_in(self, meeting_id: int, numbers: range) -> None:
        for n in numbers:
            answer = self[n].api(
                "POST", f"/api/meetings/{meeting_id}/attendance/check-in", json={"state": "present"}
            )
            assert answer.status_code == 200, answer.text

    def vote(self, motion_id: int, numbers: range, choice: str) -> None:
        for n in numbers:
            answer = self[n].api(
                "POST", f"/api/motions/{motion_id}/ballot", json={"choice": choice}
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["recorded"] is True

    def close(self) -> None:
        for tablet in self.tablets.values():
            tablet.close()


@pytest.fixture
def members(server: LiveServer) -> Iterator[Members]:
    group = Members(server)
    yield group
    group.close()


def panel_shots(page: Any, selector: str, name: str) -> None:
    """The console scrolled to a panel (below the fold) at both tablet sizes."""
    size = page.viewport_size
    for viewport in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(viewport)
        page.evaluate("document.fonts.ready.then(() => true)")
        page.locator(selector).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(
            path=str(SCREENSHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png")
        )
    page.set_viewport_size(size)


def open_session(page: Any) -> None:
    page.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    expect(page.get_by_role("heading", name="Chương trình kỳ họp")).to_be_visible()


def delegate_tablet(open_page: Any, username: str) -> Any:
    page = open_page(username)
    login(page, username)
    open_session(page)
    return page


def check_display_result(display: Any, staff: Tablet, motion_id: int) -> dict[str, Any]:
    """The numbers on the hall display are the server's frozen result, row by row."""
    result = staff.api("GET", f"/api/motions/{motion_id}/result").json()["result"]
    section = display.locator(f".hall-result[data-motion-id='{motion_id}']")
    expect(section).to_be_visible()
    for key in ("yes", "no", "abstain", "not_voted"):
        row = section.locator(f".hall-row-{key}")
        expect(row.locator(".hall-result-count")).to_have_text(str(result[key]))
        shown = row.locator(".hall-result-percent").get_attribute("data-value")
        assert float(shown or "nan") == result["percentages"][key], key
        text = f"{result['percentages'][key]:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        expect(row.locator(".hall-result-percent")).to_have_text(f"{text}%")
    verdict = "ĐƯỢC THÔNG QUA" if result["passed"] else "KHÔNG ĐƯỢC THÔNG QUA"
    expect(section.locator(".vote-verdict")).to_have_text(verdict)
    # The hash of the close's audit entry, as the room sees it (a rewritten chain lacks it).
    audit_hash = staff.api("GET", f"/api/motions/{motion_id}").json()["audit_hash"]
    assert audit_hash
    shown = section.locator(".hall-audit")
    expect(shown).to_have_attribute("data-audit-hash", audit_hash)
    expect(shown.locator("code")).to_have_text(
        " ".join(audit_hash[i : i + 4] for i in range(0, 16, 4)), use_inner_text=True
    )
    for key in ("yes", "no", "abstain", "not_voted"):
        bar = section.locator(f".hall-row-{key} svg.hall-bar rect.vote-bar-{key}")
        width = float(bar.get_attribute("width") or "nan")
        assert abs(width - result["percentages"][key] * 10) < 0.01, key
    return dict(result)


def test_chair_opens_delegates_vote_display_shows_result(
    open_page: Any, server: LiveServer, members: Members
) -> None:
    chair_api = Tablet(server.url, "chair")
    try:
        run_sitting(open_page, server, members, chair_api)
    finally:
        chair_api.close()


def run_sitting(open_page: Any, server: LiveServer, members: Members, chair_api: Tablet) -> None:
    meeting_id = chair_api.api("GET", "/api/meetings").json()["meetings"][0]["id"]
    drafts = chair_api.api("GET", f"/api/meetings/{meeting_id}/motions").json()["motions"]
    demo_motion = drafts[0]
    state = chair_api.api("GET", f"/api/meetings/{meeting_id}/state").json()["state"]
    item = next(i for i in state["agenda"] if i["id"] == demo_motion["agenda_item_id"])

    # The hall display with no session at all (the meeting list answered empty).
    idle = open_page("display-idle", viewport=HD, path="/display")
    idle.route(
        "**/api/meetings",
        lambda route: route.fulfill(status=200, json={"meetings": []}),
    )
    login(idle, "display")
    expect(idle.locator(".hall-idle-text")).to_have_text("Hiện chưa có kỳ họp nào.")
    display_screenshots(idle, "vote-display-no-session")
    idle.context.close()

    display = open_page("display", viewport=HD, path="/display")
    login(display, "display")
    expect(display.locator(".hall-agenda-list")).to_contain_text(item["title"])
    display_screenshots(display, "vote-display-session-waiting")

    chair = open_page("chair", path="/chair")
    login(chair, "chair")
    open_session(chair)
    chair.get_by_role("button", name=f"Chuyển đến mục {item['number']}").click()
    expect(display.locator(".hall-item-title")).to_contain_text(item["title"])
    expect(chair.locator(".chair-motions")).to_contain_text(demo_motion["title"])
    display_screenshots(display, "vote-display-item")

    # The session is in progress: its electorate is frozen, and a change the administrator
    # makes to it reaches the chair's console at once.
    admin = Tablet(server.url, "admin")
    council_id = state["meeting"]["council_id"]
    changed = admin.api(
        "PATCH", f"/api/councils/{council_id}/members/{members[50].user['id']}", json={"seat": 99}
    )
    admin.close()
    assert changed.status_code == 200, changed.text
    banner = chair.locator("#electorate-changes")
    expect(banner).to_contain_text(members[50].user["full_name"])
    expect(banner).to_contain_text("99")
    chair.evaluate("window.scrollTo(0, 0)")
    screenshots(chair, "vote-chair-electorate-changed")

    # Three tablets; two check in now, the third only once the ballot is up.
    tablets = {n: delegate_tablet(open_page, f"delegate{n:02d}") for n in (1, 2, 3)}
    for n in (1, 2):
        tablets[n].get_by_role("button", name="Điểm danh có mặt").click()
        expect(tablets[n].get_by_text(re.compile("Bạn đã điểm danh có mặt lúc"))).to_be_visible()
    members.check_in(meeting_id, range(4, 36))  # 2 + 32 present: the quorum (34 of 50)
    expect(display.locator(".hall-present")).to_have_text("34")

    # Someone has the floor, with the time running.
    asked = members[4].api("POST", f"/api/meetings/{meeting_id}/speakers", json={"kind": "debate"})
    assert asked.status_code == 201, asked.text
    floor = chair_api.api("POST", f"/api/speakers/{asked.json()['id']}/floor")
    assert floor.status_code == 200, floor.text
    expect(display.locator(".hall-speaker-name")).to_have_text(members[4].user["full_name"])
    display_screenshots(display, "vote-display-speaker")
    ended = chair_api.api("POST", f"/api/speakers/{asked.json()['id']}/end")
    assert ended.status_code == 200, ended.text

    # The chair prepares a vote with a time limit and opens it.
    title = "Thông qua Nghị quyết về kế hoạch đầu tư công (biểu quyết thử)"
    chair.get_by_role("button", name="Thêm nội dung biểu quyết").click()
    dialog = chair.get_by_role("dialog")
    expect(dialog.get_by_label("Nội dung biểu quyết")).to_have_value(f"Thông qua {item['title']}")
    expect(dialog.get_by_label("Cho phép đại biểu đổi phiếu khi đang biểu quyết")).to_be_checked()
    dialog.get_by_label("Nội dung biểu quyết").fill(title)
    dialog.get_by_label("Thời gian biểu quyết").select_option(label="5 phút")
    screenshots(chair, "vote-chair-new-motion")
    check_accessibility(chair, "chair: new motion")
    dialog.get_by_role("button", name="Tạo").click()
    expect(chair.get_by_role("dialog")).to_be_hidden()
    row = chair.locator(".motion", has_text=title)
    expect(row.get_by_label("Thời gian biểu quyết")).to_have_value("300")
    chair.get_by_role("button", name=f"Mở biểu quyết: {title}").click()
    expect(row.locator(".motion-cast")).to_have_text("0")
    motion = next(
        m
        for m in chair_api.api("GET", f"/api/meetings/{meeting_id}/motions").json()["motions"]
        if m["title"] == title
    )
    assert motion["status"] == "open"
    assert motion["duration_seconds"] == 300

    # The display: the vote in progress, the countdown, how many have voted.
    live = display.locator(".hall-vote-live")
    expect(live.locator(".hall-vote-title")).to_have_text(title)
    expect(live.locator(".hall-vote-cast")).to_have_text("0")
    expect(live.locator(".hall-vote-eligible")).to_have_text("/34")
    expect(live.locator(".hall-vote-countdown")).to_contain_text(re.compile(r"Còn [45]:\d\d"))

    # Delegate 1: Tán thành, confirmed, recorded after the server's answer.
    d1 = tablets[1]
    ballot = d1.get_by_role("dialog", name=title)
    expect(ballot).to_be_visible()
    expect(ballot.get_by_role("timer")).to_contain_text("Còn")
    expect(ballot).to_contain_text("Biểu quyết công khai")
    screenshots(d1, "vote-tablet-ballot")
    check_accessibility(d1, "tablet ballot")
    ballot.get_by_role("button", name="Tán thành", exact=True).click()
    expect(ballot).to_contain_text("Bạn chọn: Tán thành. Xác nhận gửi phiếu?")
    screenshots(d1, "vote-tablet-confirm")
    ballot.get_by_role("button", name="Xác nhận gửi phiếu").click()
    expect(ballot.get_by_role("status")).to_contain_text(
        "Phiếu của bạn đã được ghi nhận: Tán thành."
    )
    screenshots(d1, "vote-tablet-recorded")
    check_accessibility(d1, "tablet ballot recorded")

    # Delegate 2: Không tán thành.
    b2 = tablets[2].get_by_role("dialog", name=title)
    b2.get_by_role("button", name="Không tán thành").click()
    b2.get_by_role("button", name="Xác nhận gửi phiếu").click()
    expect(b2.get_by_role("status")).to_contain_text("Không tán thành")

    # Delegate 3 is not checked in: told so in plain words; hides the ballot, checks in.
    d3 = tablets[3]
    b3 = d3.get_by_role("dialog", name=title)
    expect(b3.locator(".vote-warning")).to_contain_text("Bạn chưa điểm danh có mặt")
    b3.get_by_role("button", name="Thu nhỏ phiếu").click()
    expect(d3.locator(".vote-banner")).to_contain_text(title)
    d3.get_by_role("button", name="Điểm danh có mặt").click()
    expect(d3.get_by_text(re.compile("Bạn đã điểm danh có mặt lúc"))).to_be_visible()
    d3.get_by_role("button", name="Mở phiếu biểu quyết").click()
    expect(b3.locator(".vote-warning")).to_be_hidden()
    b3.get_by_role("button", name="Không biểu quyết").click()
    b3.get_by_role("button", name="Xác nhận gửi phiếu").click()
    expect(b3.get_by_role("status")).to_contain_text("Không biểu quyết")
    # ... and changes the vote (the council allows it).
    b3.get_by_role("button", name="Đổi phiếu").click()
    b3.get_by_role("button", name="Tán thành", exact=True).click()
    b3.get_by_role("button", name="Xác nhận gửi phiếu").click()
    expect(b3.get_by_role("status")).to_contain_text("Phiếu của bạn đã được ghi nhận: Tán thành.")

    expect(live.locator(".hall-vote-cast")).to_have_text("3")
    expect(live.locator(".hall-vote-eligible")).to_have_text("/35")
    expect(row.locator(".motion-cast")).to_have_text("3")
    display_screenshots(display, "vote-display-open")
    check_accessibility(display, "display: vote open")

    # The other tablets of the hall.
    members.vote(motion["id"], range(4, 28), "yes")
    members.vote(motion["id"], range(28, 32), "no")
    members.vote(motion["id"], range(32, 34), "abstain")
    expect(live.locator(".hall-vote-cast")).to_have_text("33")
    expect(row.locator(".motion-cast")).to_have_text("33")
    screenshots(chair, "vote-chair-open")
    panel_shots(chair, ".chair-motions .motion.is-open", "vote-chair-motions-open")
    check_accessibility(chair, "chair: vote open")

    # The chair closes (with a confirmation) and sees the frozen result.
    row.get_by_role("button", name="Kết thúc biểu quyết").click()
    chair.get_by_role("dialog").get_by_role("button", name="Kết thúc biểu quyết").click()
    expect(row.locator(".vote-verdict")).to_have_text("ĐƯỢC THÔNG QUA")
    expect(row.locator(".vote-row-yes .vote-count")).to_have_text("26")
    sheet = row.get_by_role("link", name="Biên bản kiểm phiếu (PDF)")
    href = sheet.get_attribute("href")
    assert href == f"/api/motions/{motion['id']}/result-sheet.pdf"
    pdf = chair_api.api("GET", href)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")

    # Tablets show the result when the vote closes; the display waits for the announcement.
    closed = d1.get_by_role("dialog", name=title)
    expect(closed.locator(".vote-verdict")).to_have_text("ĐƯỢC THÔNG QUA")
    expect(closed.locator(".vote-row-yes .vote-count")).to_have_text("26")
    screenshots(d1, "vote-tablet-result")
    check_accessibility(d1, "tablet result")
    expect(display.locator(".hall-item-title")).to_contain_text(item["title"])

    row.get_by_role("button", name="Công bố lên màn hình").click()
    expect(row.get_by_text("Đã công bố")).to_be_visible()
    result = check_display_result(display, chair_api, motion["id"])
    assert (result["yes"], result["no"], result["abstain"], result["cast"]) == (26, 5, 2, 33)
    assert result["not_voted"] == 17
    assert result["passed"] is True
    display_screenshots(display, "vote-display-result-passed")
    check_accessibility(display, "display: result passed")
    panel_shots(chair, ".chair-motions .motion.is-closed", "vote-chair-motions-result")
    for n in (1, 2, 3):
        tablets[n].get_by_role("dialog", name=title).get_by_role("button", name="Đóng").click()
        expect(tablets[n].get_by_role("dialog")).to_have_count(0)

    # A second vote (the demo's draft, no time limit) that does not pass.
    chair.get_by_role("button", name=f"Mở biểu quyết: {demo_motion['title']}").click()
    live = display.locator(".hall-vote-live")
    expect(live.locator(".hall-vote-title")).to_have_text(demo_motion["title"])
    expect(live.locator(".hall-vote-countdown")).to_have_count(0)
    b1 = d1.get_by_role("dialog", name=demo_motion["title"])
    b1.get_by_role("button", name="Không tán thành").click()
    b1.get_by_role("button", name="Chọn lại").click()
    b1.get_by_role("button", name="Không tán thành").click()
    b1.get_by_role("button", name="Xác nhận gửi phiếu").click()
    expect(b1.get_by_role("status")).to_contain_text("Không tán thành")
    members.vote(demo_motion["id"], range(4, 16), "yes")
    members.vote(demo_motion["id"], range(16, 28), "no")
    expect(live.locator(".hall-vote-cast")).to_have_text("25")
    row2 = chair.locator(".motion", has_text=demo_motion["title"])
    row2.get_by_role("button", name="Kết thúc biểu quyết").click()
    chair.get_by_role("dialog").get_by_role("button", name="Kết thúc biểu quyết").click()
    expect(row2.locator(".vote-verdict")).to_have_text("KHÔNG ĐƯỢC THÔNG QUA")
    # Too late: the server says so in plain words and records nothing.
    late = members[30].api(
        "POST", f"/api/motions/{demo_motion['id']}/ballot", json={"choice": "yes"}
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "vote_closed"
    row2.get_by_role("button", name="Công bố lên màn hình").click()
    result = check_display_result(display, chair_api, demo_motion["id"])
    assert (result["yes"], result["no"], result["passed"]) == (12, 13, False)
    display_screenshots(display, "vote-display-result-not-passed")
    check_accessibility(display, "display: result not passed")

    # Moving on to the next item clears the result from the hall.
    chair.get_by_role("button", name="Tạm dừng giữa các mục").click()
    expect(display.locator(".hall-agenda-list")).to_be_visible()
    expect(display.locator(".hall-result")).to_have_count(0)


def test_secret_confidence_and_election_ballots(
    open_page: Any, server: LiveServer, members: Members
) -> None:
    chair = Tablet(server.url, "chair")
    try:
        meeting_id = chair.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        state = chair.api("GET", f"/api/meetings/{meeting_id}/state").json()["state"]
        item_id = state["agenda"][1]["id"]
        moved = chair.api(
            "PUT", f"/api/meetings/{meeting_id}/current-item", json={"agenda_item_id": item_id}
        )
        assert moved.status_code == 200, moved.text
        tablet = delegate_tablet(open_page, "delegate01")
        tablet.get_by_role("button", name="Điểm danh có mặt").click()
        members.check_in(meeting_id, range(2, 4))

        def create(body: dict[str, Any]) -> dict[str, Any]:
            made = chair.api(
                "POST",
                f"/api/meetings/{meeting_id}/motions",
                json={"agenda_item_id": item_id, **body},
            )
            assert made.status_code == 201, made.text
            opened = chair.api(
                "POST", f"/api/motions/{made.json()['id']}/open", json={"override_quorum": True}
            )
            assert opened.status_code == 200, opened.text
            return dict(opened.json())

        # A confidence vote: a rating for each person, all required, always secret.
        confidence = create(
            {
                "title": "Lấy phiếu tín nhiệm",
                "kind": "confidence",
                "options": [{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}],
            }
        )
        ballot = tablet.get_by_role("dialog", name="Lấy phiếu tín nhiệm")
        expect(ballot).to_contain_text("Bỏ phiếu kín: không ai biết bạn đã chọn gì.")
        send = ballot.get_by_role("button", name="Gửi phiếu")
        expect(send).to_be_disabled()
        first = ballot.get_by_role("group", name="Nguyễn Văn An")
        first.get_by_role("button", name="Tín nhiệm cao").click()
        expect(send).to_be_disabled()
        ballot.get_by_role("group", name="Trần Thị Bình").get_by_role(
            "button", name="Tín nhiệm thấp"
        ).click()
        screenshots(tablet, "vote-tablet-confidence")
        check_accessibility(tablet, "tablet confidence ballot")
        send.click()
        expect(ballot.locator(".vote-summary")).to_contain_text("Tín nhiệm thấp")
        ballot.get_by_role("button", name="Xác nhận gửi phiếu").click()
        expect(ballot.get_by_role("status")).to_contain_text("Phiếu của bạn đã được ghi nhận.")
        for n, rating in ((2, "low"), (3, "low")):
            ids = [str(o["id"]) for o in confidence["options"]]
            cast = members[n].api(
                "POST",
                f"/api/motions/{confidence['id']}/ballot",
                json={"ratings": {ids[0]: "medium", ids[1]: rating}},
            )
            assert cast.status_code == 200, cast.text
        closed = chair.api("POST", f"/api/motions/{confidence['id']}/close")
        assert closed.status_code == 200, closed.text
        result = tablet.get_by_role("dialog", name="Lấy phiếu tín nhiệm")
        expect(result.locator("tbody tr").nth(1)).to_contain_text("Trần Thị Bình")
        expect(result.locator("tbody tr").nth(1).locator("td").nth(2)).to_contain_text("3")
        screenshots(tablet, "vote-tablet-confidence-result")
        result.get_by_role("button", name="Đóng").click()

        # An election: at most two of three candidates.
        election = create(
            {
                "title": "Bầu Ủy viên Thường trực",
                "kind": "election",
                "max_choices": 2,
                "options": [
                    {"label": "Lê Văn Cường"},
                    {"label": "Phạm Thị Dung"},
                    {"label": "Hồ Văn Em"},
                ],
            }
        )
        ballot = tablet.get_by_role("dialog", name="Bầu Ủy viên Thường trực")
        expect(ballot).to_contain_text("Chọn tối đa 2 người.")
        ballot.get_by_role("button", name="Lê Văn Cường").click()
        ballot.get_by_role("button", name="Phạm Thị Dung").click()
        expect(ballot.get_by_role("button", name="Hồ Văn Em")).to_be_disabled()
        expect(ballot).to_contain_text("Đã chọn 2/2.")
        screenshots(tablet, "vote-tablet-election")
        check_accessibility(tablet, "tablet election ballot")
        ballot.get_by_role("button", name="Gửi phiếu").click()
        ballot.get_by_role("button", name="Xác nhận gửi phiếu").click()
        expect(ballot.get_by_role("status")).to_contain_text("Phiếu của bạn đã được ghi nhận.")
        # Changing: the ballot comes back with the recorded choices marked.
        ballot.get_by_role("button", name="Đổi phiếu").click()
        expect(ballot.get_by_role("button", name="Lê Văn Cường")).to_have_attribute(
            "aria-pressed", "true"
        )
        ballot.get_by_role("button", name="Hủy").click()
        expect(ballot.get_by_role("status")).to_be_visible()
        closed = chair.api("POST", f"/api/motions/{election['id']}/close")
        assert closed.status_code == 200, closed.text
        frozen = closed.json()["result"]
        assert frozen["named"] is None
        result = tablet.get_by_role("dialog", name="Bầu Ủy viên Thường trực")
        expect(result.locator("tbody")).to_contain_text("Lê Văn Cường")
        expect(result.locator(".vote-verdict")).to_have_text("CHƯA ĐỦ SỐ NGƯỜI TRÚNG CỬ")
        screenshots(tablet, "vote-tablet-election-result")
    finally:
        chair.close()
