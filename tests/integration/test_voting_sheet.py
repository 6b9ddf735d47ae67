"""getResultSheet: the biên bản kiểm phiếu of a closed vote, read back from the PDF."""

from __future__ import annotations

import pytest

from server.pdf.compose import extract_text
from tests.factories import PASSWORD, make_council
from tests.integration.test_voting import Hall


@pytest.fixture
def hall(app, login, demo_meeting_id) -> Hall:
    return Hall(app, login, demo_meeting_id)


def sheet_text(api, motion_id: int) -> str:
    response = api.get(f"/api/motions/{motion_id}/result-sheet.pdf")
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    return " ".join(extract_text(response.data).split())


def member_names(hall: Hall) -> dict[int, str]:
    members = hall.secretary.get("/api/councils").json["councils"][0]["id"]
    rows = hall.secretary.get(f"/api/councils/{members}/members").json["members"]
    return {int(r["username"].removeprefix("delegate")): r["full_name"] for r in rows}


def test_open_vote_sheet(hall, app, login):
    hall.check_in(range(1, 41))
    motion = hall.opened(title="Thông qua Nghị quyết <b>dự toán</b> & phân bổ")
    for n in range(1, 31):
        hall.vote(n, motion["id"], choice="yes" if n <= 27 else "no")
    hall.vote(31, motion["id"], choice="abstain")
    early = hall.chair.get(f"/api/motions/{motion['id']}/result-sheet.pdf")
    assert (early.status_code, early.json["error"]["code"]) == (409, "result_not_ready")
    hall.close(motion["id"])

    text = sheet_text(hall.delegate(5), motion["id"])
    names = member_names(hall)
    for expected in (
        "HỘI ĐỒNG NHÂN DÂN TỈNH ĐẮK LẮK",
        "BIÊN BẢN KIỂM PHIẾU",
        "Biểu quyết công khai",
        "Thông qua Nghị quyết <b>dự toán</b> & phân bổ",
        "Nghị quyết về dự toán thu ngân sách nhà nước",
        "Quá nửa tổng số đại biểu Hội đồng nhân dân tán thành",
        "Tổng số đại biểu Hội đồng nhân dân 50",
        "Số đại biểu có mặt 40",
        "Số đại biểu tham gia biểu quyết 31 62,00%",
        "Tán thành 27 54,00%",
        "Không tán thành 3 6,00%",
        "Không biểu quyết 1 2,00%",
        "Số đại biểu không tham gia biểu quyết 19 38,00%",
        "KẾT QUẢ: THÔNG QUA",
        "Cần ít nhất 26 phiếu tán thành",
        f"{names[1]} Tán thành",
        f"{names[29]} Không tán thành",
        f"{names[31]} Không biểu quyết",
    ):
        assert expected in text, expected
    assert names[32] not in text  # did not vote
    # Laid out once: the same bytes again.
    again = hall.chair.get(f"/api/motions/{motion['id']}/result-sheet.pdf")
    first = hall.delegate(5).get(f"/api/motions/{motion['id']}/result-sheet.pdf")
    assert again.data == first.data
    assert " ngày " in text  # the times, in Vietnam time

    make_council(app)
    assert (
        login("other01", PASSWORD).get(f"/api/motions/{motion['id']}/result-sheet.pdf").status_code
        == 404
    )


def test_secret_vote_sheet_names_nobody(hall):
    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True, rule="two_thirds_of_members")
    for n in range(1, 31):
        hall.vote(n, motion["id"], choice="yes")
    hall.close(motion["id"])
    text = sheet_text(hall.chair, motion["id"])
    assert "Bỏ phiếu kín" in text
    assert "Ít nhất hai phần ba tổng số đại biểu" in text
    assert "Tán thành 30 60,00%" in text
    assert "KẾT QUẢ: KHÔNG THÔNG QUA" in text
    for name in member_names(hall).values():
        assert name not in text


def test_confidence_sheet(hall):
    hall.check_in(range(1, 41))
    motion = hall.opened(
        kind="confidence",
        title="Lấy phiếu tín nhiệm",
        options=[{"label": "Ông A - Chủ tịch UBND tỉnh"}, {"label": "Bà B - Phó Chủ tịch"}],
    )
    a, b = (o["id"] for o in motion["options"])
    for n in range(1, 41):
        hall.vote(n, motion["id"], ratings={str(a): "high", str(b): "low" if n <= 34 else "medium"})
    hall.close(motion["id"])
    text = sheet_text(hall.secretary, motion["id"])
    assert "Ông A - Chủ tịch UBND tỉnh 40 (80,00%) 0 (0,00%) 0 (0,00%)" in text
    assert "Bà B - Phó Chủ tịch 0 (0,00%) 6 (12,00%) 34 (68,00%)" in text
    assert "từ hai phần ba tổng số đại biểu trở lên đánh giá tín nhiệm thấp" in text
