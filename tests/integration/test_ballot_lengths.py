"""A ballot's size tells nothing: every answer to a ballot, and every member's view of their
motion, has one length whatever it chose (issue: an nginx log or TLS record sizes on the hall
Wi-Fi linked a seat to a choice)."""

from __future__ import annotations

import pytest

from tests.integration.test_voting import Hall


@pytest.fixture
def hall(app, login, demo_meeting_id) -> Hall:
    hall = Hall(app, login, demo_meeting_id)
    hall.check_in(range(1, 41))
    return hall


def _lengths(hall: Hall, motion_id: int, ballots: list[dict]) -> tuple[set[int], set[int]]:
    """(lengths of the castVote answers, lengths of each voter's getMotion afterwards)."""
    acks, views = set(), set()
    for n, ballot in enumerate(ballots, start=1):
        answer = hall.vote(n, motion_id, **ballot)
        assert answer.status_code == 200, answer.json
        acks.add(len(answer.data))
        views.add(len(hall.delegate(n).get(f"/api/motions/{motion_id}").data))
    return acks, views


def test_resolution_answers_have_one_length(hall):
    motion = hall.opened(secret=True)
    acks, views = _lengths(
        hall, motion["id"], [{"choice": "yes"}, {"choice": "no"}, {"choice": "abstain"}]
    )
    assert len(acks) == 1
    assert len(views) == 1
    # Changing a ballot, or sending the same again, answers at that length too.
    changed = hall.vote(1, motion["id"], choice="abstain")
    again = hall.vote(1, motion["id"], choice="abstain")
    assert (changed.json["changed"], again.json["changed"]) == (True, False)
    assert {len(changed.data), len(again.data)} == acks


def test_open_vote_answers_have_one_length(hall):
    motion = hall.opened(secret=False)
    acks, _ = _lengths(
        hall, motion["id"], [{"choice": "yes"}, {"choice": "no"}, {"choice": "abstain"}]
    )
    assert len(acks) == 1


def test_confidence_answers_have_one_length(hall):
    motion = hall.opened(
        kind="confidence",
        title="Lấy phiếu tín nhiệm",
        options=[{"label": "Ông A"}, {"label": "Bà B"}],
    )
    a, b = (str(o["id"]) for o in motion["options"])
    acks, views = _lengths(
        hall,
        motion["id"],
        [
            {"ratings": {a: "low", b: "low"}},
            {"ratings": {a: "high", b: "medium"}},
            {"ratings": {a: "medium", b: "medium"}},
        ],
    )
    assert len(acks) == 1
    assert len(views) == 1


def test_election_answers_have_one_length(hall):
    motion = hall.opened(
        kind="election",
        title="Bầu Phó Chủ tịch",
        options=[{"label": "Ứng viên 1"}, {"label": "Ứng viên 2"}, {"label": "Ứng viên 3"}],
        max_choices=2,
    )
    x, y, _ = (o["id"] for o in motion["options"])
    acks, views = _lengths(
        hall, motion["id"], [{"choices": []}, {"choices": [x]}, {"choices": [x, y]}]
    )
    assert len(acks) == 1
    assert len(views) == 1


def test_a_padded_ballot_is_accepted_and_a_bad_pad_refused(hall):
    motion = hall.opened(secret=True)
    ok = hall.vote(1, motion["id"], choice="yes", pad="    ")
    assert ok.status_code == 200
    assert ok.json["my_vote"] == {"choice": "yes"}
    for pad in ("x", " " * 4097):
        refused = hall.vote(2, motion["id"], choice="yes", pad=pad)
        assert refused.status_code == 422, pad
