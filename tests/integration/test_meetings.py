"""Meetings, agenda control, attendance and quorum, the speakers' queue."""

from __future__ import annotations

import time

import pytest

from tests.factories import PASSWORD, make_council


def agenda_of(api, meeting_id):
    return api.get(f"/api/meetings/{meeting_id}").json["agenda"]


def test_delegate_sees_the_demo_session_with_numbered_agenda(login, demo_meeting_id):
    delegate = login("delegate01")
    meetings = delegate.get("/api/meetings").json["meetings"]
    assert [m["id"] for m in meetings] == [demo_meeting_id]
    detail = delegate.get(f"/api/meetings/{demo_meeting_id}").json
    assert detail["council"]["members"] == 50
    assert detail["is_member"]
    assert not detail["can_manage"]
    assert not detail["can_chair"]
    numbers = [i["number"] for i in detail["agenda"]]
    assert numbers[:4] == ["1", "1.1", "1.2", "1.3"]
    assert len(detail["agenda"]) == 14
    assert detail["agenda"][0]["has_children"] is True


def test_other_council_sees_nothing(app, login, demo_meeting_id):
    other = make_council(app)
    outsider = login("other01", PASSWORD)
    assert [m["id"] for m in outsider.get("/api/meetings").json["meetings"]] == [
        other["meeting_id"]
    ]
    assert outsider.get(f"/api/meetings/{demo_meeting_id}").status_code == 404
    assert outsider.get(f"/api/meetings/{demo_meeting_id}/state").status_code == 404
    assert (
        outsider.post(f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={}).status_code
        == 404
    )
    assert login("delegate01").get(f"/api/meetings/{other['meeting_id']}").status_code == 404


def test_draft_meeting_is_for_staff_only(login, app):
    secretary = login("secretary")
    council_id = secretary.get("/api/councils").json["councils"][0]["id"]
    created = secretary.post(
        "/api/meetings",
        json={
            "council_id": council_id,
            "title": "Kỳ họp chuyên đề tháng 12",
            "starts_at": "2026-12-20T08:00:00+07:00",
            "ends_at": "2026-12-20T17:00:00+07:00",
        },
    )
    assert created.status_code == 201
    assert created.json["status"] == "draft"
    mid = created.json["id"]
    assert login("delegate01").get(f"/api/meetings/{mid}").status_code == 404
    assert login("chair").get(f"/api/meetings/{mid}").status_code == 200
    assert secretary.patch(f"/api/meetings/{mid}", json={"status": "scheduled"}).status_code == 200
    assert login("delegate01").get(f"/api/meetings/{mid}").status_code == 200


def test_meeting_dates_are_checked(login):
    secretary = login("secretary")
    council_id = secretary.get("/api/councils").json["councils"][0]["id"]
    response = secretary.post(
        "/api/meetings",
        json={
            "council_id": council_id,
            "title": "X",
            "starts_at": "2026-12-20T08:00:00+07:00",
            "ends_at": "2026-12-19T17:00:00+07:00",
        },
    )
    assert response.status_code == 422
    assert response.json["error"]["code"] == "meeting_dates"
    naive = secretary.post(
        "/api/meetings",
        json={
            "council_id": council_id,
            "title": "X",
            "starts_at": "2026-12-20T08:00:00",
            "ends_at": "2026-12-20T17:00:00",
        },
    )
    assert naive.status_code == 422


def test_only_the_secretariat_creates_meetings_and_items(login, demo_meeting_id):
    delegate = login("delegate01")
    assert (
        delegate.post(f"/api/meetings/{demo_meeting_id}/agenda", json={"title": "Thêm"}).status_code
        == 403
    )
    chair = login("chair")
    assert (
        chair.post(f"/api/meetings/{demo_meeting_id}/agenda", json={"title": "Thêm"}).status_code
        == 403
    )


def test_agenda_add_nest_reorder_delete(login, demo_meeting_id):
    secretary = login("secretary")
    agenda = agenda_of(secretary, demo_meeting_id)
    last_section = [i for i in agenda if i["depth"] == 1][-1]
    added = secretary.post(
        f"/api/meetings/{demo_meeting_id}/agenda",
        json={
            "title": "Nghị quyết bổ sung",
            "kind": "resolution",
            "parent_id": last_section["id"],
        },
    )
    assert added.status_code == 201
    assert added.json["number"] == f"{last_section['number']}.2"

    agenda = agenda_of(secretary, demo_meeting_id)
    order = [{"id": i["id"], "parent_id": i["parent_id"]} for i in agenda]
    moved = order.pop()  # the new item, first of the first section now
    moved["parent_id"] = agenda[0]["id"]
    order.insert(1, moved)
    response = secretary.put(f"/api/meetings/{demo_meeting_id}/agenda/order", json={"order": order})
    assert response.status_code == 200
    first = response.json["agenda"][1]
    assert (first["id"], first["number"]) == (added.json["id"], "1.1")

    incomplete = secretary.put(
        f"/api/meetings/{demo_meeting_id}/agenda/order", json={"order": order[:-1]}
    )
    assert incomplete.status_code == 422
    assert incomplete.json["error"]["code"] == "agenda_order_incomplete"

    section_id = agenda[0]["id"]
    before = len(agenda_of(secretary, demo_meeting_id))
    deleted = secretary.delete(f"/api/agenda/{section_id}")
    assert deleted.status_code == 200
    assert len(deleted.json["agenda"]) == before - 5  # the section, its 3 items, the moved one


def test_chair_sets_current_item_and_tablets_hear_it(login, socket_for, demo_meeting_id):
    delegate = login("delegate01")
    tablet = socket_for(delegate)
    ack = tablet.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    assert ack["ok"] is True
    start_seq = ack["seq"]
    item = ack["state"]["agenda"][1]

    chair = login("chair")
    response = chair.put(
        f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item["id"]}
    )
    assert response.status_code == 200
    assert response.json["status"] == "in_progress"

    events = [e for e in tablet.get_received() if e["name"] == "agenda.current"]
    assert len(events) == 1
    data = events[0]["args"][0]
    assert data == {
        "agenda_item_id": item["id"],
        "status": "in_progress",
        "follow": None,
        "meeting_id": demo_meeting_id,
        "seq": start_seq + 1,
    }

    assert (
        delegate.put(
            f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item["id"]}
        ).status_code
        == 403
    )


def test_item_from_another_meeting_is_refused(app, login, demo_meeting_id):
    other = make_council(app)
    response = login("chair").put(
        f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": other["item_id"]}
    )
    assert response.status_code == 422


def test_check_in_and_quorum(login, demo_meeting_id):
    secretary = login("secretary")
    data = secretary.get(f"/api/meetings/{demo_meeting_id}/attendance").json
    assert (data["members"], data["present"]) == (50, 0)
    assert data["quorum"] == {"required": 34, "reached": False}
    assert data["counts"]["not_checked_in"] == 50

    for n in range(1, 34):
        assert (
            login(f"delegate{n:02d}")
            .post(f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={})
            .status_code
            == 200
        )
    data = secretary.get(f"/api/meetings/{demo_meeting_id}/attendance").json
    assert data["present"] == 33
    assert data["quorum"]["reached"] is False

    delegate34 = login("delegate34")
    on_behalf = secretary.post(
        f"/api/meetings/{demo_meeting_id}/attendance/check-in",
        json={"user_id": delegate34.user["id"]},
    )
    assert on_behalf.status_code == 200
    assert on_behalf.json["method"] == "secretariat"
    data = secretary.get(f"/api/meetings/{demo_meeting_id}/attendance").json
    assert data["present"] == 34
    assert data["quorum"]["reached"] is True

    out = delegate34.post(f"/api/meetings/{demo_meeting_id}/attendance/check-out", json={})
    assert out.json["state"] == "absent"
    assert (
        secretary.get(f"/api/meetings/{demo_meeting_id}/attendance").json["quorum"]["reached"]
        is False
    )


def test_attendance_states_and_rules(login, demo_meeting_id):
    delegate = login("delegate02")
    url = f"/api/meetings/{demo_meeting_id}/attendance/check-in"
    assert (
        delegate.post(url, json={"state": "online"}).json["error"]["code"] == "online_not_allowed"
    )
    no_reason = delegate.post(url, json={"state": "excused"})
    assert no_reason.status_code == 422
    assert no_reason.json["error"]["code"] == "reason_required"
    excused = delegate.post(url, json={"state": "excused", "reason": "Đi công tác Hà Nội"})
    assert excused.status_code == 200
    assert excused.json["reason"] == "Đi công tác Hà Nội"
    assert delegate.post(url, json={"state": "absent"}).status_code == 403
    other = login("delegate03").user["id"]
    assert delegate.post(url, json={"user_id": other}).status_code == 403
    assert login("guest").post(url, json={}).status_code == 403
    assert login("chair").post(url, json={}).status_code == 403


def test_hall_code_proves_presence(app, login, demo_meeting_id):
    with app.app_context():
        from server.extensions import db
        from server.meetings.models import Meeting

        meeting = db.session.get(Meeting, demo_meeting_id)
        meeting.council.settings = {**meeting.council.settings, "checkin_requires_hall_code": True}
        db.session.commit()
    url = f"/api/meetings/{demo_meeting_id}/attendance/check-in"
    delegate = login("delegate04")
    assert delegate.post(url, json={}).json["error"]["code"] == "hall_code_required"
    assert (
        delegate.post(url, json={"code": "0000000000"}).json["error"]["code"] == "hall_code_invalid"
    )
    # A code typed with Vietnamese letters is just wrong, not a server error (found by fuzzing).
    typed = delegate.post(url, json={"code": "mã phòng họp"})
    assert (typed.status_code, typed.json["error"]["code"]) == (422, "hall_code_invalid")
    assert delegate.get(f"/api/meetings/{demo_meeting_id}/hall-code").status_code == 403
    shown = login("display").get(f"/api/meetings/{demo_meeting_id}/hall-code").json
    assert shown["url"].endswith(f"#/checkin/{demo_meeting_id}/{shown['code']}")
    assert 0 < shown["expires_in"] <= 30
    ok = delegate.post(url, json={"code": shown["code"]})
    assert ok.status_code == 200
    assert ok.json["method"] == "qr"


def test_hall_code_expires(app, demo_meeting_id):
    from server.meetings.services import HALL_CODE_PERIOD, hall_code, hall_code_is_valid

    with app.app_context():
        now = time.time()
        code, _ = hall_code(demo_meeting_id, now)
        assert hall_code_is_valid(demo_meeting_id, code, now + HALL_CODE_PERIOD)
        assert not hall_code_is_valid(demo_meeting_id, code, now + 2 * HALL_CODE_PERIOD + 1)
        assert not hall_code_is_valid(demo_meeting_id + 1, code, now)


@pytest.fixture
def current_item(login, demo_meeting_id):
    agenda = agenda_of(login("chair"), demo_meeting_id)
    item_id = agenda[5]["id"]
    login("chair").put(
        f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item_id}
    )
    return item_id


def test_speakers_queue(login, socket_for, demo_meeting_id, current_item):
    url = f"/api/meetings/{demo_meeting_id}/speakers"
    d1, d2, d3 = login("delegate01"), login("delegate02"), login("delegate03")
    display = socket_for(login("display"))
    display.emit("join", {"meeting_id": demo_meeting_id}, callback=True)

    r1 = d1.post(url, json={})
    assert r1.status_code == 201
    assert d1.post(url, json={}).json["error"]["code"] == "already_requested"
    r2 = d2.post(url, json={"kind": "question", "addressee": "Giám đốc Sở Tài chính"})
    assert r2.status_code == 201
    assert d3.post(url, json={"kind": "question"}).json["error"]["code"] == "addressee_required"
    r3 = d3.post(url, json={})

    queue = d1.get(url).json
    assert queue["agenda_item_id"] == current_item
    assert [s["user_id"] for s in queue["speakers"]] == [
        d1.user["id"],
        d2.user["id"],
        d3.user["id"],
    ]

    chair = login("chair")
    ids = [r3.json["id"], r1.json["id"], r2.json["id"]]
    assert chair.put(f"{url}/order", json={"speaker_ids": ids}).status_code == 200
    assert d1.put(f"{url}/order", json={"speaker_ids": ids}).status_code == 403
    assert d1.post(f"/api/speakers/{r3.json['id']}/floor").status_code == 403

    assert chair.post(f"/api/speakers/{r3.json['id']}/floor").json["status"] == "speaking"
    assert chair.post(f"/api/speakers/{r1.json['id']}/floor").status_code == 200
    assert d2.post(f"/api/speakers/{r2.json['id']}/withdraw").json["status"] == "withdrawn"
    ended = chair.post(f"/api/speakers/{r1.json['id']}/end").json
    assert ended["status"] == "done"
    assert ended["spoken_seconds"] >= 0

    final = d1.get(url).json["speakers"]
    assert [(s["user_id"], s["status"]) for s in final] == [
        (d3.user["id"], "done"),
        (d1.user["id"], "done"),
    ] or [(s["user_id"], s["status"]) for s in final] == [
        (d1.user["id"], "done"),
        (d3.user["id"], "done"),
    ]
    updates = [e["args"][0] for e in display.get_received() if e["name"] == "speakers.updated"]
    assert len(updates) == 8
    seqs = [u["seq"] for u in updates]
    assert seqs == sorted(seqs)


def test_no_speaking_without_a_current_item(login, demo_meeting_id):
    response = login("delegate01").post(f"/api/meetings/{demo_meeting_id}/speakers", json={})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "no_current_item"
