"""Voting over REST and Socket.IO: motions, opening, casting, closing, results, events."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.audit import service as audit
from server.audit.models import AuditEntry
from server.extensions import db
from server.voting import services as voting
from server.voting.models import Ballot, Motion
from tests.factories import PASSWORD, make_council

# --- The hall: a small helper that plays every role -------------------------------------


class Hall:
    """The demo session with its secretary, chair and delegates, over the API."""

    def __init__(self, app: Any, login: Any, meeting_id: int) -> None:
        self.app = app
        self.login = login
        self.meeting_id = meeting_id
        self.secretary = login("secretary")
        self.chair = login("chair")
        with app.app_context():
            self.ids = {
                u.username: u.id
                for u in db.session.scalars(sa.select(User).where(User.is_demo.is_(True)))
            }
        self._delegates: dict[int, Any] = {}
        agenda = self.secretary.get(f"/api/meetings/{meeting_id}").json["agenda"]
        self.resolution_items = [i["id"] for i in agenda if i["kind"] == "resolution"]

    def uid(self, n: int) -> int:
        return self.ids[f"delegate{n:02d}"]

    def delegate(self, n: int) -> Any:
        if n not in self._delegates:
            self._delegates[n] = self.login(f"delegate{n:02d}")
        return self._delegates[n]

    def check_in(self, numbers: Any, state: str = "present", reason: str | None = None) -> None:
        """The secretariat records attendance for these delegates (one transaction)."""
        from server.meetings import services as meetings

        with self.app.app_context():
            secretary = db.session.get(User, self.ids["secretary"])
            for n in numbers:
                meetings.check_in(
                    secretary, self.meeting_id, user_id=self.uid(n), state=state, reason=reason
                )
            db.session.commit()

    def motion(self, **fields: Any) -> dict[str, Any]:
        body = {"agenda_item_id": self.resolution_items[0], "title": "Thông qua nghị quyết"}
        body.update(fields)
        response = self.secretary.post(f"/api/meetings/{self.meeting_id}/motions", json=body)
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]

    def open(self, motion_id: int, **body: Any) -> Any:
        return self.chair.post(f"/api/motions/{motion_id}/open", json=body)

    def opened(self, **fields: Any) -> dict[str, Any]:
        motion = self.motion(**fields)
        response = self.open(motion["id"])
        assert response.status_code == 200, response.json
        return response.json  # type: ignore[no-any-return]

    def vote(self, n: int, motion_id: int, **ballot: Any) -> Any:
        return self.delegate(n).post(f"/api/motions/{motion_id}/ballot", json=ballot)

    def close(self, motion_id: int) -> Any:
        return self.chair.post(f"/api/motions/{motion_id}/close")

    def motion_row(self, motion_id: int) -> dict[str, Any]:
        return self.secretary.get(f"/api/motions/{motion_id}").json  # type: ignore[no-any-return]


@pytest.fixture
def hall(app, login, demo_meeting_id) -> Hall:
    return Hall(app, login, demo_meeting_id)


def events(sio, prefix: str = "vote.") -> list[tuple[str, dict[str, Any]]]:
    return [(e["name"], e["args"][0]) for e in sio.get_received() if e["name"].startswith(prefix)]


def wait_for_event(sio, name: str, timeout: float = 5.0) -> list[dict[str, Any]]:
    """Events named `name` received within `timeout` (the first wait that finds any)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen += [payload for event, payload in events(sio, "") if event == name]
        if seen:
            return seen
        time.sleep(0.05)
    return seen


# --- Motions ----------------------------------------------------------------------------


def test_demo_session_has_a_draft_motion_per_resolution(hall):
    motions = hall.secretary.get(f"/api/meetings/{hall.meeting_id}/motions").json["motions"]
    assert len(motions) == len(hall.resolution_items) == 5
    assert [m["agenda_item_id"] for m in motions] == hall.resolution_items
    assert all(m["status"] == "draft" and m["rule"] == "majority_of_members" for m in motions)
    assert all(m["title"].startswith("Thông qua Nghị quyết") for m in motions)
    # Drafts are the secretariat's and the chair's; delegates and guests see opened votes only.
    assert hall.delegate(1).get(f"/api/meetings/{hall.meeting_id}/motions").json == {"motions": []}
    assert hall.delegate(1).get(f"/api/motions/{motions[0]['id']}").status_code == 404
    assert len(hall.chair.get(f"/api/meetings/{hall.meeting_id}/motions").json["motions"]) == 5


def test_create_motion_defaults_and_kinds(hall, app):
    motion = hall.motion()
    assert motion["kind"] == "resolution"
    assert motion["secret"] is False
    assert motion["allow_change"] is True  # the council's default
    assert motion["status"] == "draft"
    assert motion["options"] == []

    confidence = hall.motion(
        kind="confidence",
        title="Lấy phiếu tín nhiệm",
        options=[{"label": "Nguyễn Văn A, Chủ tịch UBND tỉnh"}, {"label": "Trần Thị B"}],
    )
    assert confidence["secret"] is True
    assert [o["label"] for o in confidence["options"]] == [
        "Nguyễn Văn A, Chủ tịch UBND tỉnh",
        "Trần Thị B",
    ]
    election = hall.motion(
        kind="election",
        title="Bầu Phó Chủ tịch",
        options=[{"label": "Ứng viên 1"}, {"label": "Ứng viên 2"}, {"label": "Ứng viên 3"}],
        max_choices=2,
        duration_seconds=120,
        allow_change=False,
    )
    assert election["secret"] is True
    assert election["max_choices"] == 2
    assert election["duration_seconds"] == 120
    assert election["allow_change"] is False
    chair_made = hall.chair.post(
        f"/api/meetings/{hall.meeting_id}/motions", json={"title": "Do chủ tọa tạo"}
    )
    assert chair_made.status_code == 201


ONE = [{"label": "A"}]
TWICE = [{"label": "A"}, {"label": "A"}]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "confidence", "secret": False, "options": ONE}, 422, "motion_must_be_secret"),
        ({"kind": "confidence"}, 422, "motion_options_needed"),
        ({"options": ONE}, 422, "motion_options_not_allowed"),
        ({"kind": "election", "options": ONE}, 422, "motion_max_choices"),
        ({"kind": "election", "options": ONE, "max_choices": 2}, 422, "motion_max_choices"),
        ({"kind": "election", "options": TWICE, "max_choices": 1}, 422, "motion_option_duplicate"),
        ({"max_choices": 1}, 422, "motion_max_choices_not_allowed"),
        ({"rule": "unanimous"}, 422, "validation_error"),
        ({"kind": "referendum"}, 422, "validation_error"),
        ({"duration_seconds": 5}, 422, "validation_error"),
        ({"title": "   "}, 422, "motion_title"),
        ({"agenda_item_id": 999999}, 404, "agenda_item_not_found"),
        ({"surprise": 1}, 422, "validation_error"),
    ],
)
def test_create_motion_refuses_bad_input(hall, body, status, code):
    body = {"title": "X", **body}
    response = hall.secretary.post(f"/api/meetings/{hall.meeting_id}/motions", json=body)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_who_may_create_motions(hall, app):
    url = f"/api/meetings/{hall.meeting_id}/motions"
    assert hall.delegate(1).post(url, json={"title": "X"}).status_code == 403
    assert hall.login("guest").post(url, json={"title": "X"}).status_code == 403
    other = make_council(app)
    outsider = hall.login(other["secretary"], PASSWORD)
    assert outsider.post(url, json={"title": "X"}).status_code == 404
    # An agenda item of another meeting is refused.
    response = hall.secretary.post(url, json={"title": "X", "agenda_item_id": other["item_id"]})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "agenda_item_other_meeting"


def test_update_and_cancel_draft(hall):
    motion = hall.motion()
    changed = hall.secretary.patch(
        f"/api/motions/{motion['id']}",
        json={"title": "Thông qua nghị quyết (sửa)", "rule": "two_thirds_of_members"},
    )
    assert changed.status_code == 200
    assert changed.json["title"] == "Thông qua nghị quyết (sửa)"
    assert changed.json["rule"] == "two_thirds_of_members"
    to_election = hall.secretary.patch(
        f"/api/motions/{motion['id']}",
        json={"kind": "election", "options": [{"label": "A"}, {"label": "B"}], "max_choices": 1},
    )
    assert to_election.status_code == 200
    assert to_election.json["secret"] is True
    nulls = hall.secretary.patch(
        f"/api/motions/{motion['id']}", json={"title": None, "kind": None, "rule": None}
    )
    assert nulls.status_code == 200
    assert nulls.json["title"] == "Thông qua nghị quyết (sửa)"
    assert hall.delegate(1).patch(f"/api/motions/{motion['id']}", json={}).status_code == 404
    cancelled = hall.secretary.post(f"/api/motions/{motion['id']}/cancel")
    assert cancelled.json["status"] == "cancelled"
    again = hall.secretary.patch(f"/api/motions/{motion['id']}", json={"title": "Y"})
    assert again.status_code == 409
    assert again.json["error"]["code"] == "motion_not_draft"
    assert hall.open(motion["id"]).json["error"]["code"] == "motion_cancelled"


# --- Opening ----------------------------------------------------------------------------


def test_only_the_chair_opens(hall):
    hall.check_in(range(1, 41))
    motion = hall.motion()
    for who in (hall.secretary, hall.delegate(1), hall.login("guest"), hall.login("display")):
        response = who.post(f"/api/motions/{motion['id']}/open", json={})
        assert response.status_code in (403, 404)
        if response.status_code == 403:
            assert response.json["error"]["code"] == "chair_only"
    assert hall.motion_row(motion["id"])["status"] == "draft"
    assert hall.open(motion["id"]).status_code == 200


def test_opening_without_quorum_needs_an_override_which_is_audited(hall, app):
    hall.check_in(range(1, 34))  # 33 of 50: two thirds would be 34
    motion = hall.motion()
    refused = hall.open(motion["id"])
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "no_quorum"
    assert refused.json["error"]["present"] == 33
    assert refused.json["error"]["required"] == 34
    assert "33/34" in refused.json["error"]["message"]
    assert hall.motion_row(motion["id"])["status"] == "draft"

    opened = hall.open(motion["id"], override_quorum=True)
    assert opened.status_code == 200
    assert opened.json["status"] == "open"
    assert opened.json["quorum_overridden"] is True
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.subject == f"motion:{motion['id']}")
        ).one()
        assert entry.action == "vote.opened_without_quorum"
        assert entry.actor_id == hall.ids["chair"]
        assert entry.data["quorum"] == {
            "members": 50,
            "present": 33,
            "required": 34,
            "reached": False,
        }
    hall.vote(1, motion["id"], choice="yes")
    result = hall.close(motion["id"]).json["result"]
    assert result["quorum_overridden"] is True


def test_one_open_vote_per_meeting(hall):
    hall.check_in(range(1, 41))
    first = hall.opened()
    second = hall.motion()
    refused = hall.open(second["id"])
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "another_vote_open"
    assert refused.json["error"]["open_motion_id"] == first["id"]
    again = hall.open(first["id"])
    assert again.status_code == 409
    assert again.json["error"]["code"] == "vote_already_open"
    hall.close(first["id"])
    assert hall.open(first["id"]).json["error"]["code"] == "vote_already_closed"
    assert hall.open(second["id"]).status_code == 200


def test_database_refuses_a_second_open_vote(hall, app):
    """The partial unique index holds even if two opens race past the service's check."""
    hall.check_in(range(1, 41))
    first = hall.opened()
    second = hall.motion()
    with app.app_context():
        row = db.session.get(Motion, second["id"])
        row.status = "open"
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(Motion, first["id"]).status == "open"


# --- Casting ----------------------------------------------------------------------------


def test_a_full_open_vote(hall, socket_for):
    hall.check_in(range(1, 41))
    watcher = socket_for(hall.delegate(50))
    watcher.emit("join", {"meeting_id": hall.meeting_id}, callback=True)
    watcher.get_received()

    motion = hall.opened()
    assert motion["status"] == "open"
    assert motion["cast"] == 0
    assert motion["eligible"] == 40
    assert motion["closes_at"] is None
    for n in range(1, 31):
        ack = hall.vote(n, motion["id"], choice="yes")
        assert ack.status_code == 200, ack.json
        assert ack.json == {
            "recorded": True,
            "motion_id": motion["id"],
            "changed": False,
            "my_vote": {"choice": "yes"},
            "pad": "    ",  # "yes" to the length of "abstain"
        }
    for n in range(31, 36):
        assert hall.vote(n, motion["id"], choice="no").status_code == 200
    for n in range(36, 39):
        assert hall.vote(n, motion["id"], choice="abstain").status_code == 200
    mine = hall.delegate(31).get(f"/api/motions/{motion['id']}").json
    assert mine["my_vote"] == {"choice": "no"}
    assert mine["cast"] == 38
    assert mine["eligible"] == 40
    assert mine["result"] is None
    assert hall.delegate(1).get(f"/api/motions/{motion['id']}/result").status_code == 409

    closed = hall.close(motion["id"])
    assert closed.status_code == 200
    result = closed.json["result"]
    assert {k: result[k] for k in ("yes", "no", "abstain", "not_voted", "members", "present")} == {
        "yes": 30,
        "no": 5,
        "abstain": 3,
        "not_voted": 12,
        "members": 50,
        "present": 40,
    }
    assert result["passed"] is True
    assert result["rule"] == "majority_of_members"
    assert result["threshold"] == 26
    assert result["percentages"] == {
        "yes": 60.0,
        "no": 10.0,
        "abstain": 6.0,
        "not_voted": 24.0,
        "cast": 76.0,
    }
    assert len(result["named"]) == 38
    named = {n["user_id"]: n["choice"] for n in result["named"]}
    assert named[hall.uid(1)] == "yes"
    assert named[hall.uid(31)] == "no"
    assert named[hall.uid(38)] == "abstain"
    assert hall.uid(39) not in named
    # Everyone who may see the session may read the result of an open vote, names included.
    for reader in (hall.delegate(45), hall.login("guest"), hall.login("display")):
        assert reader.get(f"/api/motions/{motion['id']}/result").json == {"result": result}
    assert hall.vote(39, motion["id"], choice="yes").status_code == 409

    received = events(watcher)
    names = [name for name, _ in received]
    assert names[0] == "vote.opened"
    assert names[-1] == "vote.closed"
    assert set(names) <= {"vote.opened", "vote.progress", "vote.closed"}
    opened_event = received[0][1]
    assert opened_event["motion"]["id"] == motion["id"]
    assert opened_event["motion"]["my_vote"] is None
    assert "server_time" in opened_event
    closed_event = received[-1][1]
    assert closed_event["motion_id"] == motion["id"]
    assert closed_event["result"]["yes"] == 30
    assert closed_event["result"]["named"] is None  # the stream never carries names
    seqs = [payload["seq"] for _, payload in received]
    assert seqs == sorted(seqs)


def test_progress_carries_counts_only(hall, socket_for):
    hall.check_in(range(1, 41))
    watcher = socket_for(hall.login("guest"))
    watcher.emit("join", {"meeting_id": hall.meeting_id}, callback=True)
    motion = hall.opened()
    watcher.get_received()
    for n in range(1, 6):
        hall.vote(n, motion["id"], choice="no")
    progress: list[dict[str, Any]] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(p["cast"] == 5 for p in progress):
        progress += [p for name, p in events(watcher) if name == "vote.progress"]
        time.sleep(0.05)
    assert progress, "vote.progress was sent"
    assert progress[-1]["cast"] == 5
    assert progress[-1]["eligible"] == 40
    for payload in progress:
        assert set(payload) == {"motion_id", "cast", "eligible", "meeting_id", "seq"}
    # Coalesced: far fewer progress events than ballots would be sent under load.
    assert len(progress) <= 5


@pytest.mark.parametrize(
    ("rule", "yes", "no", "abstain", "present", "passed", "threshold"),
    [
        ("majority_of_members", 26, 10, 0, 40, True, 26),
        ("majority_of_members", 25, 0, 0, 40, False, 26),
        ("majority_of_present", 21, 19, 0, 40, True, 21),
        ("majority_of_present", 20, 20, 0, 40, False, 21),
        ("two_thirds_of_members", 34, 0, 0, 40, True, 34),
        ("two_thirds_of_members", 33, 7, 0, 40, False, 34),
    ],
)
def test_every_rule(hall, rule, yes, no, abstain, present, passed, threshold):
    hall.check_in(range(1, present + 1))
    motion = hall.opened(rule=rule)
    voters = iter(range(1, present + 1))
    for choice, n in (("yes", yes), ("no", no), ("abstain", abstain)):
        for _ in range(n):
            assert hall.vote(next(voters), motion["id"], choice=choice).status_code == 200
    result = hall.close(motion["id"]).json["result"]
    assert result["passed"] is passed
    assert result["threshold"] == threshold
    assert result["rule"] == rule
    assert (result["yes"], result["no"], result["abstain"]) == (yes, no, abstain)


def test_who_may_not_vote(hall, app, login):
    hall.check_in(range(1, 36))
    hall.check_in([36], state="excused", reason="Công tác")
    motion = hall.opened()
    url = f"/api/motions/{motion['id']}/ballot"
    refusals = [
        (hall.login("guest"), 403, "not_a_member"),
        (hall.chair, 403, "not_a_member"),
        (hall.secretary, 403, "not_a_member"),
        (hall.login("display"), 403, "not_a_member"),
        (hall.login("admin"), 403, "not_a_member"),
        (hall.delegate(40), 403, "not_checked_in"),  # never checked in
        (hall.delegate(36), 403, "not_checked_in"),  # excused
    ]
    for who, status, code in refusals:
        response = who.post(url, json={"choice": "yes"})
        assert response.status_code == status, (who.user, response.json)
        assert response.json["error"]["code"] == code
    make_council(app, prefix="ot")
    outsider = login("ot01", PASSWORD)
    assert outsider.post(url, json={"choice": "yes"}).status_code == 404
    # A vote of another session of the same council: checked in here is not checked in there.
    other_meeting = hall.secretary.post(
        "/api/meetings",
        json={
            "council_id": hall.secretary.get("/api/councils").json["councils"][0]["id"],
            "title": "Kỳ họp chuyên đề",
            "starts_at": "2026-12-20T08:00:00+07:00",
            "ends_at": "2026-12-20T17:00:00+07:00",
            "status": "scheduled",
        },
    ).json["id"]
    elsewhere = hall.secretary.post(
        f"/api/meetings/{other_meeting}/motions", json={"title": "Biểu quyết khác"}
    ).json
    hall.chair.post(f"/api/motions/{elsewhere['id']}/open", json={"override_quorum": True})
    there = hall.vote(1, elsewhere["id"], choice="yes")
    assert (there.status_code, there.json["error"]["code"]) == (403, "not_checked_in")
    # A delegate who checked out may no longer vote.
    hall.delegate(35).post(f"/api/meetings/{hall.meeting_id}/attendance/check-out", json={})
    assert hall.vote(35, motion["id"], choice="yes").json["error"]["code"] == "not_checked_in"
    assert hall.motion_row(motion["id"])["cast"] == 0


@pytest.mark.parametrize(
    ("ballot", "status", "code"),
    [
        ({"choice": "maybe"}, 422, "validation_error"),
        ({"choice": None}, 422, "ballot_needs_choice"),
        ({}, 422, "ballot_needs_choice"),
        ({"choices": [1]}, 422, "ballot_needs_choice"),
        ({"ratings": {"1": "high"}}, 422, "ballot_needs_choice"),
        ({"choice": "yes", "extra": True}, 422, "validation_error"),
        ({"choice": ["yes"]}, 422, "validation_error"),
    ],
)
def test_unknown_choices_are_refused(hall, ballot, status, code):
    hall.check_in([1, *range(2, 41)])
    motion = hall.opened()
    response = hall.vote(1, motion["id"], **ballot)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert hall.motion_row(motion["id"])["cast"] == 0


def test_not_json_ballot_is_refused(hall):
    hall.check_in(range(1, 41))
    motion = hall.opened()
    response = hall.delegate(1).post(f"/api/motions/{motion['id']}/ballot", data="yes")
    assert response.status_code == 415
    assert (
        hall.delegate(1).post("/api/motions/999999/ballot", json={"choice": "yes"}).status_code
        == 404
    )


def test_votes_on_draft_closed_cancelled_motions(hall):
    hall.check_in(range(1, 41))
    draft = hall.motion()
    # A draft is not shown to delegates at all.
    hidden = hall.vote(1, draft["id"], choice="yes")
    assert (hidden.status_code, hidden.json["error"]["code"]) == (404, "motion_not_found")
    closed = hall.opened()
    hall.vote(1, closed["id"], choice="yes")
    assert hall.close(closed["id"]).status_code == 200
    late = hall.vote(2, closed["id"], choice="yes")
    assert (late.status_code, late.json["error"]["code"]) == (409, "vote_closed")
    same_again = hall.vote(1, closed["id"], choice="yes")
    assert same_again.status_code == 409
    cancelled = hall.opened()
    hall.vote(1, cancelled["id"], choice="no")
    assert hall.chair.post(f"/api/motions/{cancelled['id']}/cancel").status_code == 200
    after = hall.vote(2, cancelled["id"], choice="yes")
    assert (after.status_code, after.json["error"]["code"]) == (409, "motion_cancelled")
    assert hall.close(cancelled["id"]).json["error"]["code"] == "motion_cancelled"
    assert hall.chair.post(f"/api/motions/{closed['id']}/cancel").status_code == 409
    assert hall.close(closed["id"]).json["error"]["code"] == "vote_already_closed"
    assert hall.close(draft["id"]).json["error"]["code"] == "vote_not_open"


def test_retrying_the_same_ballot_is_harmless(hall, app):
    hall.check_in(range(1, 41))
    motion = hall.opened(allow_change=False)
    for _ in range(3):
        ack = hall.vote(1, motion["id"], choice="no")
        assert ack.status_code == 200
        assert ack.json["changed"] is False
    refused = hall.vote(1, motion["id"], choice="yes")
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "ballot_already_cast"
    with app.app_context():
        rows = db.session.scalars(sa.select(Ballot).where(Ballot.motion_id == motion["id"])).all()
        assert [(r.user_id, r.value) for r in rows] == [(hall.uid(1), {"choice": "no"})]
    result = hall.close(motion["id"]).json["result"]
    assert (result["yes"], result["no"], result["cast"]) == (0, 1, 1)


def test_changing_the_ballot_where_allowed(hall):
    hall.check_in(range(1, 41))
    motion = hall.opened(allow_change=True)
    assert hall.vote(1, motion["id"], choice="no").json["changed"] is False
    changed = hall.vote(1, motion["id"], choice="yes")
    assert changed.json["changed"] is True
    assert changed.json["my_vote"] == {"choice": "yes"}
    assert hall.vote(1, motion["id"], choice="yes").json["changed"] is False
    result = hall.close(motion["id"]).json["result"]
    assert (result["yes"], result["no"], result["cast"]) == (1, 0, 1)


def test_online_members_vote_where_the_council_allows_it(app, login):
    council = make_council(app, members=3, prefix="on", settings={"online_attendance": True})
    from server.accounts import services as accounts
    from server.accounts.models import Role
    from server.councils import services as councils

    with app.app_context():
        chair = accounts.create_user("on-chair", "Chủ tọa xã", password=PASSWORD)
        councils.set_membership(None, council["council_id"], chair.id, roles=[Role.CHAIR])
        db.session.commit()
    secretary = login(council["secretary"], PASSWORD)
    chair_api = login("on-chair", PASSWORD)
    meeting = council["meeting_id"]
    for n, state in ((1, "present"), (2, "online")):
        assert (
            login(f"on{n:02d}", PASSWORD)
            .post(f"/api/meetings/{meeting}/attendance/check-in", json={"state": state})
            .status_code
            == 200
        )
    motion = secretary.post(f"/api/meetings/{meeting}/motions", json={"title": "Biểu quyết"}).json
    assert chair_api.post(f"/api/motions/{motion['id']}/open", json={}).status_code == 200
    for n in (1, 2):
        ack = login(f"on{n:02d}", PASSWORD).post(
            f"/api/motions/{motion['id']}/ballot", json={"choice": "yes"}
        )
        assert ack.status_code == 200, ack.json
    absent = login("on03", PASSWORD).post(
        f"/api/motions/{motion['id']}/ballot", json={"choice": "yes"}
    )
    assert absent.json["error"]["code"] == "not_checked_in"
    result = chair_api.post(f"/api/motions/{motion['id']}/close").json["result"]
    assert (result["members"], result["present"], result["yes"], result["passed"]) == (
        3,
        2,
        2,
        True,
    )
    # The demo chair chairs another council, not this one.
    assert login("chair").post(f"/api/motions/{motion['id']}/close").status_code == 404


# --- Closing, freezing, auditing --------------------------------------------------------


def test_only_the_chair_closes(hall):
    hall.check_in(range(1, 41))
    motion = hall.opened()
    for who in (hall.secretary, hall.delegate(1)):
        assert who.post(f"/api/motions/{motion['id']}/close").status_code == 403
    assert hall.motion_row(motion["id"])["status"] == "open"


def test_result_is_frozen_against_later_changes(hall, app):
    hall.check_in(range(1, 41))
    motion = hall.opened(rule="majority_of_present")
    for n in range(1, 22):
        hall.vote(n, motion["id"], choice="yes")
    result = hall.close(motion["id"]).json["result"]
    assert (result["present"], result["threshold"], result["passed"]) == (40, 21, True)

    # Later: members leave the hall, one leaves the council, the secretary edits attendance.
    for n in range(1, 11):
        hall.delegate(n).post(f"/api/meetings/{hall.meeting_id}/attendance/check-out", json={})
    hall.check_in(range(41, 51))
    from server.accounts.models import CouncilMembership

    with app.app_context():
        row = db.session.scalars(
            sa.select(CouncilMembership).where(CouncilMembership.user_id == hall.uid(2))
        ).one()
        row.active = False
        db.session.commit()
    assert hall.delegate(3).get(f"/api/motions/{motion['id']}/result").json["result"] == result
    with app.app_context():
        check = voting.recount(motion["id"])
        assert check["matches"] is True
        assert check["digest_matches"] is True
        frozen = db.session.get(Motion, motion["id"])
        assert len(frozen.members_snapshot) == 50
        assert len(frozen.present_snapshot) == 40


def test_audit_chain_records_the_vote_and_verifies(hall, app, database_url):
    hall.check_in(range(1, 41))
    motion = hall.opened()
    for n in range(1, 30):
        hall.vote(n, motion["id"], choice="yes" if n % 3 else "no")
    result = hall.close(motion["id"]).json["result"]
    hall.chair.post(f"/api/motions/{motion['id']}/announce")
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject == f"motion:{motion['id']}")
            .order_by(AuditEntry.id)
        ).all()
        assert [e.action for e in entries] == ["vote.opened", "vote.closed", "vote.announced"]
        closed = entries[1]
        assert closed.actor_id == hall.ids["chair"]
        assert closed.data["result"]["yes"] == result["yes"]
        assert closed.data["closed_by"] == "chair"
        assert closed.data["ballots_sha256"] == db.session.get(Motion, motion["id"]).ballots_digest
        assert sorted(n for n, _ in closed.data["named"]) == sorted(
            hall.uid(n) for n in range(1, 30)
        )
        assert audit.verify_chain().ok
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output

    # Someone with database access rewrites the result in the log: verification names it.
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.session.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
        else:
            db.session.execute(
                sa.text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
            )
        forged = dict(closed.data)
        forged["result"] = {**forged["result"], "yes": 50}
        db.session.execute(
            sa.update(AuditEntry).where(AuditEntry.id == closed.id).values(data=forged)
        )
        db.session.commit()
    broken = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert broken.exit_code != 0
    assert f"broken at entry {closed.id}" in broken.output


def test_non_voters_for_the_chair(hall):
    hall.check_in(range(1, 41))
    motion = hall.opened()
    for n in range(1, 31):
        hall.vote(n, motion["id"], choice="yes")
    url = f"/api/motions/{motion['id']}/non-voters"
    answer = hall.chair.get(url).json
    assert (answer["cast"], answer["eligible"], answer["not_voted"]) == (30, 40, 20)
    assert answer["eligible_not_voted"] == 10
    names = {n["user_id"]: n for n in answer["non_voters"]}
    assert set(names) == {hall.uid(n) for n in range(31, 51)}
    assert names[hall.uid(31)]["eligible"] is True
    assert names[hall.uid(45)]["attendance"] == "not_checked_in"
    for who in (hall.delegate(1), hall.secretary, hall.login("guest")):
        assert who.get(url).status_code == 403
    hall.close(motion["id"])
    after = hall.chair.get(url)
    assert (after.status_code, after.json["error"]["code"]) == (409, "non_voters_only_while_open")


def test_announce_puts_the_result_on_the_display(hall, socket_for):
    hall.check_in(range(1, 41))
    display = socket_for(hall.login("display"))
    display.emit("join", {"meeting_id": hall.meeting_id}, callback=True)
    motion = hall.opened()
    early = hall.chair.post(f"/api/motions/{motion['id']}/announce")
    assert (early.status_code, early.json["error"]["code"]) == (409, "result_not_ready")
    hall.vote(1, motion["id"], choice="yes")
    hall.close(motion["id"])
    display.get_received()
    assert hall.secretary.post(f"/api/motions/{motion['id']}/announce").status_code == 403
    announced = hall.chair.post(f"/api/motions/{motion['id']}/announce")
    assert announced.status_code == 200
    assert announced.json["announced_at"] is not None
    received = events(display)
    assert [name for name, _ in received] == ["vote.announced"]
    payload = received[0][1]
    assert payload["motion_id"] == motion["id"]
    assert payload["result"]["yes"] == 1
    assert payload["result"]["named"] is None


def test_cancelling_an_open_vote(hall, socket_for):
    hall.check_in(range(1, 41))
    watcher = socket_for(hall.delegate(40))
    watcher.emit("join", {"meeting_id": hall.meeting_id}, callback=True)
    motion = hall.opened()
    hall.vote(1, motion["id"], choice="yes")
    assert hall.secretary.post(f"/api/motions/{motion['id']}/cancel").status_code == 403
    watcher.get_received()
    cancelled = hall.chair.post(f"/api/motions/{motion['id']}/cancel")
    assert cancelled.json["status"] == "cancelled"
    assert [n for n, _ in events(watcher) if n != "vote.progress"] == ["vote.cancelled"]
    # Another vote may open now.
    assert hall.open(hall.motion()["id"]).status_code == 200
    # Delegates still see the cancelled vote (it was opened), without a result.
    seen = hall.delegate(1).get(f"/api/motions/{motion['id']}").json
    assert (seen["status"], seen["result"]) == ("cancelled", None)


# --- Confidence votes and elections -----------------------------------------------------


def test_confidence_vote(hall):
    hall.check_in(range(1, 49))
    motion = hall.opened(
        kind="confidence",
        title="Lấy phiếu tín nhiệm đối với người giữ chức vụ do HĐND bầu",
        options=[
            {"label": "Ông A - Chủ tịch HĐND tỉnh"},
            {"label": "Bà B - Chủ tịch UBND tỉnh"},
            {"label": "Ông C - Phó Chủ tịch UBND tỉnh"},
        ],
    )
    a, b, c = (o["id"] for o in motion["options"])
    for n in range(1, 49):
        ratings = {
            str(a): "high" if n <= 40 else "medium",
            # 26 of 50 rate B low: more than half, not two thirds.
            str(b): "low" if n <= 26 else "medium",
            # 34 of 50 rate C low: two thirds.
            str(c): "low" if n <= 34 else "high",
        }
        assert hall.vote(n, motion["id"], ratings=ratings).status_code == 200
    incomplete = hall.vote(49, motion["id"], ratings={str(a): "high"})
    assert incomplete.status_code == 403  # not checked in comes first
    hall.check_in([49])
    incomplete = hall.vote(49, motion["id"], ratings={str(a): "high"})
    assert (incomplete.status_code, incomplete.json["error"]["code"]) == (
        422,
        "ballot_rate_everyone",
    )
    wrong = hall.vote(49, motion["id"], choice="yes")
    assert wrong.json["error"]["code"] == "ballot_needs_ratings"
    result = hall.close(motion["id"]).json["result"]
    assert result["kind"] == "confidence"
    assert result["passed"] is None
    assert result["named"] is None
    assert result["thresholds"] == {"low_over_half": 26, "low_two_thirds": 34}
    by_label = {o["label"]: o for o in result["options"]}
    first = by_label["Ông A - Chủ tịch HĐND tỉnh"]
    assert (first["high"], first["medium"], first["low"]) == (40, 8, 0)
    second = by_label["Bà B - Chủ tịch UBND tỉnh"]
    assert (second["low"], second["low_over_half"], second["low_two_thirds"]) == (26, True, False)
    assert second["percentages"]["low"] == 52.0
    third = by_label["Ông C - Phó Chủ tịch UBND tỉnh"]
    assert (third["low"], third["low_over_half"], third["low_two_thirds"]) == (34, True, True)
    assert third["percentages"]["low"] == 68.0


def test_election(hall):
    hall.check_in(range(1, 41))
    motion = hall.opened(
        kind="election",
        title="Bầu Ủy viên Ủy ban nhân dân tỉnh",
        options=[{"label": f"Ứng cử viên {n}"} for n in range(1, 5)],
        max_choices=2,
    )
    one, two, three, four = (o["id"] for o in motion["options"])
    for n in range(1, 41):
        choice = [one, two] if n <= 30 else ([three] if n <= 36 else [])
        assert hall.vote(n, motion["id"], choices=choice).status_code == 200
    too_many = hall.vote(1, motion["id"], choices=[one, two, three])
    assert too_many.json["error"]["code"] == "ballot_too_many_choices"
    unknown = hall.vote(1, motion["id"], choices=[999999])
    assert unknown.json["error"]["code"] == "ballot_unknown_option"
    result = hall.close(motion["id"]).json["result"]
    assert result["kind"] == "election"
    assert result["seats"] == 2
    assert result["passed"] is True
    assert result["threshold"] == 26
    votes = {o["id"]: (o["votes"], o["elected"]) for o in result["options"]}
    assert votes == {one: (30, True), two: (30, True), three: (6, False), four: (0, False)}


# --- State and catching up ---------------------------------------------------------------


def test_votes_in_the_meeting_state(hall, socket_for):
    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True)
    hall.vote(7, motion["id"], choice="abstain")
    sio = socket_for(hall.delegate(7))
    ack = sio.emit("join", {"meeting_id": hall.meeting_id}, callback=True)
    votes = ack["state"]["votes"]
    assert votes["open_motion_id"] == motion["id"]
    assert [m["id"] for m in votes["motions"]] == [motion["id"]]
    mine = votes["motions"][0]
    assert mine["my_vote"] == {"choice": "abstain"}
    assert (mine["cast"], mine["eligible"]) == (1, 40)
    staff = socket_for(hall.secretary).emit("join", {"meeting_id": hall.meeting_id}, callback=True)
    assert len(staff["state"]["votes"]["motions"]) == 6
    assert all(m["my_vote"] is None for m in staff["state"]["votes"]["motions"])


def test_tablet_catches_up_on_missed_vote_events(hall):
    hall.check_in(range(1, 41))
    tablet = hall.delegate(12)
    seen = tablet.get(f"/api/meetings/{hall.meeting_id}/state").json["seq"]
    motion = hall.opened()
    hall.vote(1, motion["id"], choice="yes")
    hall.close(motion["id"])
    missed = tablet.get(f"/api/meetings/{hall.meeting_id}/state?since={seen}").json["events"]
    names = [e["name"] for e in missed]
    assert names[0] == "vote.opened"
    assert names[-1] == "vote.closed"
    assert missed[-1]["data"]["result"]["yes"] == 1


def test_ids_beyond_any_column_are_not_found(hall):
    huge = 2**40
    assert hall.secretary.get(f"/api/motions/{huge}").status_code == 404
    assert (
        hall.delegate(1).post(f"/api/motions/{huge}/ballot", json={"choice": "yes"}).status_code
        == 404
    )
    assert hall.secretary.get(f"/api/meetings/{huge}/motions").status_code == 404
    assert (
        hall.secretary.post(f"/api/meetings/{huge}/motions", json={"title": "X"}).status_code == 404
    )
    too_big = hall.secretary.post(
        f"/api/meetings/{hall.meeting_id}/motions", json={"title": "X", "agenda_item_id": huge}
    )
    assert too_big.status_code == 422


def test_openapi_lists_the_voting_operations(client):
    doc = client.get("/api/openapi.json").json
    ids = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    assert {
        "createMotion",
        "listMotions",
        "getMotion",
        "updateMotion",
        "cancelMotion",
        "openVote",
        "castVote",
        "closeVote",
        "getVoteResult",
        "listNonVoters",
        "getResultSheet",
        "announceResult",
    } <= ids


def test_overload_answers_503_and_the_retry_counts_once(database_url, tmp_path):
    """When no database connection frees up in time, the tablet gets 503 (and retries),
    never a 500; the retry is recorded once."""
    from tests.conftest import HOUSEKEEPER, Api, build_app

    app = build_app(
        database_url,
        tmp_path / "storage",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2},
    )
    try:
        tablets = {}
        for name in ("secretary", "chair", "delegate01"):
            tablets[name] = Api(app.test_client())
            assert tablets[name].login(name).status_code == 200
        meeting_id = tablets["secretary"].get("/api/meetings").json["meetings"][0]["id"]
        hall = Hall(app, lambda name: tablets[name], meeting_id)
        hall.check_in(range(1, 41))
        motion = hall.opened()
        url = f"/api/motions/{motion['id']}/ballot"
        with app.app_context():
            held = db.engine.connect()  # every connection of the pool is busy
            try:
                busy = tablets["delegate01"].post(url, json={"choice": "yes"})
            finally:
                held.close()
        assert busy.status_code == 503
        assert busy.json["error"]["code"] == "service_unavailable"
        assert busy.headers["Retry-After"] == "5"
        retry = tablets["delegate01"].post(url, json={"choice": "yes"})
        assert retry.status_code == 200
        # The ballot woke the housekeeper, whose vote.progress broadcast may hold the pool's
        # only connection for a moment: the chair's console retries a 503 like a tablet does.
        for _ in range(50):
            closed = hall.close(motion["id"])
            if closed.status_code != 503:
                break
            time.sleep(0.1)
        assert closed.status_code == 200
        assert closed.json["result"]["yes"] == 1
    finally:
        keeper = app.extensions.get(HOUSEKEEPER)
        if keeper is not None:
            keeper.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
