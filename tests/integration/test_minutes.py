"""exportMeetingMinutes: the session's minutes data as JSON and as a Vietnamese PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from server.pdf.compose import extract_text
from tests.factories import PASSWORD, make_council
from tests.integration.test_voting import Hall


@pytest.fixture
def hall(app, login, demo_meeting_id) -> Hall:
    return Hall(app, login, demo_meeting_id)


def minutes(api, meeting_id: int, fmt: str | None = None) -> Any:
    query = f"?format={fmt}" if fmt else ""
    return api.get(f"/api/meetings/{meeting_id}/minutes{query}")


def pdf_text(response) -> str:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    return " ".join(extract_text(response.data).split())


def run_session(hall: Hall) -> dict[str, Any]:
    """Attendance, a current item with a speaker, an open vote, a secret vote, an election."""
    mid = hall.meeting_id
    hall.check_in(range(1, 36))
    hall.check_in([36], state="excused", reason="Đi công tác <Hà Nội>")
    hall.check_in([37], state="absent")
    # delegate38 checks in by themselves.
    assert (
        hall.delegate(38).post(f"/api/meetings/{mid}/attendance/check-in", json={}).status_code
        == 200
    )
    item = hall.resolution_items[0]
    assert (
        hall.chair.put(
            f"/api/meetings/{mid}/current-item", json={"agenda_item_id": item}
        ).status_code
        == 200
    )
    speak = hall.delegate(3).post(f"/api/meetings/{mid}/speakers", json={"kind": "debate"})
    assert speak.status_code in (200, 201), speak.json
    sid = speak.json["id"]
    assert hall.chair.post(f"/api/speakers/{sid}/floor").status_code == 200
    assert hall.chair.post(f"/api/speakers/{sid}/end").status_code == 200

    open_vote = hall.opened(title="Thông qua Nghị quyết <b>dự toán</b>")
    for n in range(1, 31):
        hall.vote(n, open_vote["id"], choice="yes" if n <= 27 else "no")
    hall.vote(31, open_vote["id"], choice="abstain")
    assert hall.close(open_vote["id"]).status_code == 200

    secret = hall.opened(title="Miễn nhiệm đại biểu", secret=True, rule="two_thirds_of_members")
    for n in range(1, 21):
        hall.vote(n, secret["id"], choice="yes")
    assert hall.close(secret["id"]).status_code == 200

    election = hall.opened(
        kind="election",
        title="Bầu Phó Chủ tịch",
        options=[{"label": "Ứng viên Một"}, {"label": "Ứng viên Hai"}],
        max_choices=1,
    )
    first = election["options"][0]["id"]
    for n in range(1, 31):
        hall.vote(n, election["id"], choices=[first])
    assert hall.close(election["id"]).status_code == 200

    confidence = hall.opened(
        kind="confidence",
        title="Lấy phiếu tín nhiệm",
        options=[{"label": "Nguyễn Văn A"}, {"label": "Trần Thị B"}],
    )
    a, b = (o["id"] for o in confidence["options"])
    for n in range(1, 36):
        low = n <= 26
        ratings = {str(a): "low" if low else "high", str(b): "medium"}
        assert hall.vote(n, confidence["id"], ratings=ratings).status_code == 200
    assert hall.close(confidence["id"]).status_code == 200

    # A drafted vote that never opened is no part of the record.
    hall.motion(title="Chưa mở bao giờ")
    return {"item": item, "open": open_vote, "secret": secret, "election": election}


def test_minutes_json_content(hall):
    ran = run_session(hall)
    data = minutes(hall.secretary, hall.meeting_id).json
    assert data["meeting"]["id"] == hall.meeting_id
    assert data["council"]["name"] == "Hội đồng nhân dân tỉnh Đắk Lắk"
    assert data["meeting"]["chairs"], "the chair is named"

    attendance = data["attendance"]
    assert attendance["members"] == 50
    assert attendance["present"] == 36
    assert attendance["counts"] == {
        "present": 36,
        "online": 0,
        "excused": 1,
        "absent": 1,
        "not_checked_in": 12,
    }
    assert attendance["quorum"] == {"required": 34, "reached": True}
    by_uid = {e["user_id"]: e for e in attendance["entries"]}
    first = by_uid[hall.uid(1)]
    assert first["state"] == "present"
    assert first["recorded_by_secretariat"] is True
    assert first["recorded_by"]
    assert first["checked_in_at"]
    own = by_uid[hall.uid(38)]
    assert (own["recorded_by_secretariat"], own["recorded_by"]) == (False, None)
    excused = by_uid[hall.uid(36)]
    assert excused["state_text"] == "Vắng mặt có lý do (Đi công tác <Hà Nội>)"
    assert by_uid[hall.uid(40)]["state"] == "not_checked_in"

    numbers = [i["number"] for i in data["agenda"]]
    assert numbers[0] == "1"
    item = next(i for i in data["agenda"] if i["id"] == ran["item"])
    assert len(item["became_current_at"]) == 1
    assert [s["full_name"] for s in item["speakers"]] == [by_uid[hall.uid(3)]["full_name"]]
    assert item["speakers"][0]["status"] == "done"
    assert item["speakers"][0]["spoken_seconds"] is not None
    published = [d for i in data["agenda"] for d in i["documents"]]
    assert published, "the demo session's published documents are listed"
    assert all(d["version"] >= 1 and d["title"] for d in published)

    motions = {m["title"]: m for m in item["motions"]}
    assert "Chưa mở bao giờ" not in motions
    opened = motions["Thông qua Nghị quyết <b>dự toán</b>"]
    result = opened["result"]
    counts = {c["key"]: (c["label"], c["count"], c["percentage"]) for c in result["counts"]}
    assert counts == {
        "yes": ("Tán thành", 27, 54.0),
        "no": ("Không tán thành", 3, 6.0),
        "abstain": ("Không biểu quyết", 1, 2.0),
        "not_voted": ("Không tham gia biểu quyết", 19, 38.0),
    }
    assert (result["passed"], result["outcome_text"], result["threshold"]) == (
        True,
        "Thông qua",
        26,
    )
    assert len(result["named"]) == 31
    assert {n["choice_text"] for n in result["named"]} == {
        "Tán thành",
        "Không tán thành",
        "Không biểu quyết",
    }

    secret = motions["Miễn nhiệm đại biểu"]
    assert secret["secret"] is True
    assert secret["result"]["named"] is None
    assert (secret["result"]["passed"], secret["result"]["outcome_text"]) == (
        False,
        "Không thông qua",
    )
    assert secret["result"]["threshold"] == 34

    election = motions["Bầu Phó Chủ tịch"]["result"]
    assert election["named"] is None
    assert election["outcome_text"] == "Đã bầu 1/1 người"
    assert [(o["label"], o["votes"], o["verdict_text"]) for o in election["options"]] == [
        ("Ứng viên Một", 30, "Trúng cử"),
        ("Ứng viên Hai", 0, "Không trúng cử"),
    ]

    rated = motions["Lấy phiếu tín nhiệm"]["result"]
    assert rated["named"] is None
    assert [(o["label"], o["high"], o["medium"], o["low"]) for o in rated["options"]] == [
        ("Nguyễn Văn A", 9, 0, 26),
        ("Trần Thị B", 0, 35, 0),
    ]
    assert rated["options"][0]["low_over_half"] is True
    assert any("có thể xin từ chức" in note for note in rated["notes"])

    assert len(data["audit"]["head_hash"]) == 64
    assert data["audit"]["entries"] > 0
    assert data["exported_at"]


def test_minutes_pdf_content(hall, database_url):
    ran = run_session(hall)
    response = minutes(hall.chair, hall.meeting_id, "pdf")
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response)
    # Kept for looking at (pdftoppm -r 60 -png); tests/artifacts is not committed.
    out = Path(__file__).parents[1] / "artifacts" / "minutes"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"minutes-{'pg' if 'postgres' in database_url else 'sqlite'}.pdf").write_bytes(
        response.data
    )
    data = minutes(hall.chair, hall.meeting_id).json
    names = {e["user_id"]: e["full_name"] for e in data["attendance"]["entries"]}
    for expected in (
        "HỘI ĐỒNG NHÂN DÂN TỈNH ĐẮK LẮK",
        "DỮ LIỆU BIÊN BẢN KỲ HỌP",
        data["meeting"]["title"],
        "Tổng số đại biểu Hội đồng nhân dân 50",
        "Đủ số đại biểu để tiến hành kỳ họp.",
        "Vắng mặt có lý do (Đi công tác <Hà Nội>)",
        "Văn phòng ghi hộ",
        "Văn phòng ghi nhận điểm danh hộ:",
        "Thông qua Nghị quyết <b>dự toán</b>",
        "Tán thành 27 54,00%",
        "Không tán thành 3 6,00%",
        "Không biểu quyết 1 2,00%",
        "Không tham gia biểu quyết 19 38,00%",
        "Kết quả: Thông qua.",
        "Kết quả: Không thông qua.",
        "Bỏ phiếu kín: chỉ ghi số phiếu",
        "Ứng viên Một 30 60,00% Trúng cử",
        "Nguyễn Văn A 9 (18,00%) 0 (0,00%) 26 (52,00%)",
        "Nguyễn Văn A: quá nửa tổng số đại biểu đánh giá tín nhiệm thấp",
        f"{names[hall.uid(29)]} Không tán thành",
        data["audit"]["head_hash"][:20],
    ):
        assert expected in text, expected
    # Dates are dd/mm/yyyy in Vietnam time.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    starts = datetime.fromisoformat(data["meeting"]["starts_at"]).astimezone(
        ZoneInfo("Asia/Ho_Chi_Minh")
    )
    assert starts.strftime("%d/%m/%Y") in text
    # The secret vote names nobody: its section ends before the next vote begins.
    secret_part = text.split("Miễn nhiệm đại biểu", 1)[1].split("Bầu Phó Chủ tịch", 1)[0]
    for uid in (hall.uid(1), hall.uid(20)):
        assert names[uid] not in secret_part
    assert ran["secret"]["id"]


def test_minutes_of_a_fresh_session(hall):
    """Nothing happened yet: the export still works, in both forms."""
    data = minutes(hall.secretary, hall.meeting_id).json
    assert data["attendance"]["counts"]["not_checked_in"] == 50
    assert data["attendance"]["quorum"]["reached"] is False
    assert all(i["motions"] == [] and i["speakers"] == [] for i in data["agenda"])
    text = pdf_text(minutes(hall.secretary, hall.meeting_id, "pdf"))
    assert "Chưa đủ số đại biểu để tiến hành kỳ họp." in text


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("delegate01", 403, "forbidden"),
        ("guest", 403, "forbidden"),
        ("display", 403, "forbidden"),
    ],
)
def test_minutes_refused_to_non_staff(login, demo_meeting_id, username, status, code):
    api = login(username)
    for fmt in (None, "pdf"):
        response = minutes(api, demo_meeting_id, fmt)
        assert (response.status_code, response.json["error"]["code"]) == (status, code)


def test_minutes_staff_and_admin(login, demo_meeting_id):
    for username in ("secretary", "chair", "admin"):
        assert minutes(login(username), demo_meeting_id).status_code == 200


def test_minutes_of_another_council_not_found(app, login, demo_meeting_id):
    other = make_council(app)
    outsider = login(other["secretary"], PASSWORD)
    response = minutes(outsider, demo_meeting_id, "pdf")
    assert (response.status_code, response.json["error"]["code"]) == (404, "meeting_not_found")
    assert minutes(login("secretary"), 2_000_000_000).status_code == 404


def test_minutes_bad_format(login, demo_meeting_id):
    response = minutes(login("secretary"), demo_meeting_id, "docx")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"


def test_minutes_needs_login(api, demo_meeting_id):
    assert minutes(api, demo_meeting_id).status_code == 401
