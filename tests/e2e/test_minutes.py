"""The secretariat downloads the session's minutes data (dữ liệu biên bản), PDF and JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.pdf.compose import extract_text
from tests.e2e.conftest import SCREENSHOTS, check_accessibility, login
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser


def test_secretariat_downloads_the_minutes_data(open_page: Any, server: LiveServer):
    chair = Tablet(server.url, "chair")
    try:
        meeting = chair.api("GET", "/api/meetings/1").json()
        title = meeting["title"]
        # Something to record: a vote that opened and closed.
        item = next(i for i in meeting["agenda"] if i["depth"] == 1)
        motion = chair.api(
            "POST",
            "/api/meetings/1/motions",
            json={"agenda_item_id": item["id"], "title": "Thông qua chương trình kỳ họp"},
        ).json()
        assert (
            chair.api(
                "POST", f"/api/motions/{motion['id']}/open", json={"override_quorum": True}
            ).status_code
            == 200
        )
        assert chair.api("POST", f"/api/motions/{motion['id']}/close").status_code == 200
    finally:
        chair.close()

    secretary = open_page("secretary", path="/secretariat")
    login(secretary, "secretary")
    secretary.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    secretary.get_by_role("link", name="Tài liệu").click()
    card = secretary.locator("#minutes-export-title").locator("xpath=ancestor::section[1]")
    expect(card).to_contain_text("Dữ liệu biên bản")
    card.scroll_into_view_if_needed()

    with secretary.expect_download() as pdf_download:
        card.get_by_role("link", name="Tải dữ liệu biên bản (PDF)").click()
    assert pdf_download.value.suggested_filename == "du-lieu-bien-ban-ky-hop-1.pdf"
    data = Path(pdf_download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(extract_text(data).split())
    assert "DỮ LIỆU BIÊN BẢN KỲ HỌP" in text
    assert " ".join(title.split()) in text
    assert "Thông qua chương trình kỳ họp" in text

    with secretary.expect_download() as json_download:
        card.get_by_role("link", name="Tải dữ liệu biên bản (JSON)").click()
    minutes = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert minutes["meeting"]["title"] == title
    assert len(minutes["audit"]["head_hash"]) == 64

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    exports = secretary.locator("#secdocs-exports-title").locator("xpath=ancestor::section[1]")
    exports.screenshot(path=str(SCREENSHOTS / "secretariat-minutes-export-1280.png"))
    check_accessibility(secretary, "secretariat documents tab with the minutes data export")
