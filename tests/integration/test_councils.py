"""Councils and their people: one server for a province and its communes, roles per council,
an electorate frozen while a session is in progress, every change in the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.extensions import db
from tests.factories import PASSWORD, make_user


def _council(api) -> int:
    return int(api.get("/api/councils").json["councils"][0]["id"])


def _audit(app, action_prefix: str) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action.startswith(action_prefix))
            .order_by(AuditEntry.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def test_the_administrator_sets_up_a_commune_council_and_its_people(app, login):
    seeded = len(_audit(app, ""))
    admin = login("admin")
    made = admin.post(
        "/api/councils",
        json={"name": "Hội đồng nhân dân xã Ea Tu", "level": "commune", "term": "2026 - 2031"},
    )
    assert made.status_code == 201, made.json
    council = made.json["id"]
    assert made.json["level"] == "commune"
    assert made.json["members"] == 0

    # A commune chair who is also a delegate of the province council, and a secretary.
    chair = admin.post(
        "/api/users",
        json={
            "username": "chutich.eatu",
            "full_name": "Y Bhim Niê",
            "password": PASSWORD,
            "council_id": council,
            "roles": ["chair", "delegate"],
            "seat": 1,
        },
    )
    assert chair.status_code == 201, chair.json
    assert chair.json["councils"] == [
        {
            "council_id": council,
            "roles": ["chair", "delegate"],
            "is_member": True,
            "seat": 1,
            "active": True,
        }
    ]
    province = _council(login("secretary"))
    joined = admin.post(
        f"/api/councils/{province}/members",
        json={"user_id": chair.json["id"], "roles": ["delegate"], "is_member": True, "seat": 77},
    )
    assert joined.status_code == 201
    secretary = admin.post(
        "/api/users",
        json={
            "username": "thuky.eatu",
            "full_name": "H Lan Ênuôl",
            "password": PASSWORD,
            "council_id": council,
            "roles": ["secretary"],
        },
    )
    assert secretary.status_code == 201

    # The commune's secretary adds a delegate of its own council.
    commune = login("thuky.eatu", PASSWORD)
    delegate = commune.post(
        "/api/users",
        json={
            "username": "daibieu.eatu01",
            "full_name": "Nguyễn Văn Sáu",
            "password": PASSWORD,
            "council_id": council,
            "roles": ["delegate"],
            "seat": 2,
        },
    )
    assert delegate.status_code == 201, delegate.json
    members = commune.get(f"/api/councils/{council}/members").json["members"]
    assert [m["username"] for m in members] == ["chutich.eatu", "daibieu.eatu01"]
    # ... and nothing of the province council.
    assert commune.get(f"/api/councils/{province}/members").status_code == 404
    other = commune.post(
        "/api/users",
        json={"username": "xambang", "full_name": "X", "council_id": province, "roles": ["guest"]},
    )
    assert other.status_code == 403

    # The same person is chair here and a plain delegate there.
    roles = login("chutich.eatu", PASSWORD).get("/api/me").json["user"]["roles"]
    assert roles == ["chair", "delegate"]
    actions = [e.action for e in _audit(app, "")[seeded:]]
    assert actions == [
        "council.created",
        "user.created",
        "membership.added",
        "membership.added",
        "user.created",
        "membership.added",
        "user.created",
        "membership.added",
    ]


def test_only_the_administrator_creates_councils(login):
    for username in ("secretary", "chair", "delegate01"):
        answer = login(username).post("/api/councils", json={"name": "Hội đồng giả"})
        assert (answer.status_code, answer.json["error"]["code"]) == (403, "admin_only")


def test_while_a_session_runs_only_the_administrator_changes_the_electorate(
    app, login, demo_meeting_id
):
    """A secretariat adding a 'phantom' member during the session is refused; the
    administrator's change is recorded and shown to the chair."""
    secretary, chair, admin = login("secretary"), login("chair"), login("admin")
    council = _council(secretary)
    phantom = make_user(app, "phantom")
    item = chair.get(f"/api/meetings/{demo_meeting_id}").json["agenda"][1]["id"]
    moved = chair.put(
        f"/api/meetings/{demo_meeting_id}/current-item", json={"agenda_item_id": item}
    )
    assert moved.json["status"] == "in_progress"
    assert secretary.get("/api/councils").json["councils"][0]["frozen_by_meeting_id"] == (
        demo_meeting_id
    )

    refused = secretary.post(
        f"/api/councils/{council}/members",
        json={"user_id": phantom, "roles": ["delegate"], "is_member": True, "seat": 51},
    )
    assert (refused.status_code, refused.json["error"]["code"]) == (409, "electorate_frozen")
    delegate = secretary.get(f"/api/councils/{council}/members").json["members"][0]["user_id"]
    seat = secretary.patch(f"/api/councils/{council}/members/{delegate}", json={"seat": 60})
    assert seat.status_code == 409
    gone = secretary.delete(f"/api/councils/{council}/members/{delegate}")
    assert gone.status_code == 409
    # A guest does not vote: the secretariat still adds one.
    guest = secretary.post(
        f"/api/councils/{council}/members",
        json={"user_id": make_user(app, "phongvien"), "roles": ["guest"], "is_member": False},
    )
    assert guest.status_code == 201

    sio = login("chair")
    from server.extensions import socketio

    socket = socketio.test_client(app, flask_test_client=sio.client)
    socket.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    socket.get_received()
    added = admin.post(
        f"/api/councils/{council}/members",
        json={"user_id": phantom, "roles": ["delegate"], "is_member": True, "seat": 51},
    )
    assert added.status_code == 201
    heard = [e for e in socket.get_received() if e["name"] == "electorate.changed"]
    assert len(heard) == 1
    assert heard[0]["args"][0]["full_name"] == "Phantom"
    state = chair.get(f"/api/meetings/{demo_meeting_id}/state").json["state"]
    assert state["electorate"]["frozen"] is True
    assert [c["full_name"] for c in state["electorate"]["changes"]] == ["Phantom"]
    assert (
        login("delegate01")
        .get(f"/api/meetings/{demo_meeting_id}/state")
        .json["state"]["electorate"]
        is None
    ), "delegates do not get the staff's view"
    entry = _audit(app, "membership.")[-1]
    assert (entry.action, entry.meeting_id) == ("membership.added", demo_meeting_id)
    assert entry.data["after"]["is_member"] is True
    assert entry.data["before"] is None
    socket.disconnect()

    # Closing the session unfreezes the electorate.
    closed = secretary.patch(f"/api/meetings/{demo_meeting_id}", json={"status": "closed"})
    assert closed.status_code == 200
    assert (
        secretary.patch(
            f"/api/councils/{council}/members/{delegate}", json={"seat": 60}
        ).status_code
        == 200
    )
    status_changes = [e.data for e in _audit(app, "meeting.updated")]
    assert {"status": {"from": "scheduled", "to": "in_progress"}} in status_changes
    assert {"status": {"from": "in_progress", "to": "closed"}} in status_changes


def test_attendance_recorded_by_the_secretariat_is_in_the_audit_log(app, login, demo_meeting_id):
    secretary = login("secretary")
    delegate = login("delegate07").user["id"]
    recorded = secretary.post(
        f"/api/meetings/{demo_meeting_id}/attendance/check-in",
        json={"user_id": delegate, "state": "excused", "reason": "Đi công tác"},
    )
    assert recorded.status_code == 200
    assert (
        login("delegate08")
        .post(f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={})
        .status_code
        == 200
    )
    entries = _audit(app, "attendance.")
    assert [(e.action, e.subject, e.data["state"]) for e in entries] == [
        ("attendance.recorded", f"user:{delegate}", "excused")
    ], "a member's own check-in is theirs; the secretariat's for them is recorded"
    unknown = secretary.post(
        f"/api/meetings/{demo_meeting_id}/attendance/check-out", json={"user_id": 2147483646}
    )
    assert (unknown.status_code, unknown.json["error"]["code"]) == (422, "not_a_member_user")


def test_password_pairing_and_account_changes_are_audited(app, login):
    secretary = login("secretary")
    uid = login("delegate12").user["id"]
    assert (
        secretary.post(
            f"/api/users/{uid}/password", json={"password": "mot-mat-khau-moi"}
        ).status_code
        == 200
    )
    assert secretary.patch(f"/api/users/{uid}", json={"position": "Tổ trưởng"}).status_code == 200
    assert secretary.post(f"/api/users/{uid}/pairing-tokens").status_code == 201
    actions = [
        (e.action, e.actor_id, e.subject) for e in _audit(app, "") if e.subject == f"user:{uid}"
    ]
    me = secretary.user["id"]
    assert actions == [
        ("password.set", me, f"user:{uid}"),
        ("user.changed", me, f"user:{uid}"),
        ("pairing.issued", me, f"user:{uid}"),
    ]
