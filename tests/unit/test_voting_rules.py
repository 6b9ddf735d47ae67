"""Counting by the council's rules (server/voting/rules.py): tables and properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from server.voting import rules
from server.voting.rules import (
    CHOICES,
    RULES,
    BallotError,
    MotionSpec,
    count,
    parse_ballot,
    percent,
    threshold,
)

RESOLUTION = {rule: MotionSpec(kind="resolution", rule=rule) for rule in RULES}


def resolution(rule, yes=0, no=0, abstain=0, *, members, present=None):
    ballots = ["yes"] * yes + ["no"] * no + ["abstain"] * abstain
    present = members if present is None else present
    return count(RESOLUTION[rule], ballots, members=members, present=present)


# --- Thresholds: every rule, ties, zero -------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "members", "present", "needed"),
    [
        # More than half of all members.
        ("majority_of_members", 50, 50, 26),
        ("majority_of_members", 50, 34, 26),
        ("majority_of_members", 51, 40, 26),
        ("majority_of_members", 494, 470, 248),
        ("majority_of_members", 1, 1, 1),
        ("majority_of_members", 2, 2, 2),
        ("majority_of_members", 0, 0, 1),
        # At least two thirds of all members.
        ("two_thirds_of_members", 50, 50, 34),
        ("two_thirds_of_members", 30, 30, 20),
        ("two_thirds_of_members", 31, 31, 21),
        ("two_thirds_of_members", 3, 3, 2),
        ("two_thirds_of_members", 1, 1, 1),
        ("two_thirds_of_members", 0, 0, 1),
        # More than half of those present.
        ("majority_of_present", 50, 40, 21),
        ("majority_of_present", 50, 41, 21),
        ("majority_of_present", 50, 0, 1),
        ("majority_of_present", 0, 0, 1),
    ],
)
def test_threshold(rule, members, present, needed):
    assert threshold(rule, members, present) == needed


@pytest.mark.parametrize(
    ("rule", "yes", "no", "abstain", "members", "present", "passed"),
    [
        # Exactly half of all members is not a majority.
        ("majority_of_members", 25, 25, 0, 50, 50, False),
        ("majority_of_members", 26, 24, 0, 50, 50, True),
        # A majority of those present is not enough under the default rule.
        ("majority_of_members", 20, 5, 5, 50, 30, False),
        ("majority_of_present", 20, 5, 5, 50, 30, True),
        # A tie among those present fails.
        ("majority_of_present", 15, 15, 0, 50, 30, False),
        ("majority_of_present", 15, 14, 1, 50, 30, False),
        ("majority_of_present", 16, 14, 0, 50, 30, True),
        # Two thirds: 34 of 50 carries, 33 does not.
        ("two_thirds_of_members", 34, 16, 0, 50, 50, True),
        ("two_thirds_of_members", 33, 17, 0, 50, 50, False),
        ("two_thirds_of_members", 20, 0, 0, 30, 30, True),
        ("two_thirds_of_members", 19, 0, 0, 30, 30, False),
        # Abstentions count against, as every missing yes does.
        ("majority_of_members", 25, 0, 25, 50, 50, False),
        # No members, nobody present: nothing passes.
        ("majority_of_members", 0, 0, 0, 0, 0, False),
        ("two_thirds_of_members", 0, 0, 0, 0, 0, False),
        ("majority_of_present", 0, 0, 0, 0, 0, False),
        ("majority_of_present", 0, 0, 0, 50, 0, False),
    ],
)
def test_passed(rule, yes, no, abstain, members, present, passed):
    result = resolution(rule, yes, no, abstain, members=members, present=present)
    assert result.passed is passed
    assert (result.yes, result.no, result.abstain) == (yes, no, abstain)
    assert result.not_voted == members - yes - no - abstain


def test_percentages_as_announced():
    # 423 yes of 494 deputies is announced as 85.63%.
    result = resolution("majority_of_members", 423, 40, 7, members=494, present=470)
    assert result.percentages.yes == 85.63
    assert result.percentages.no == 8.10
    assert result.percentages.abstain == 1.42
    assert result.percentages.not_voted == 4.86
    assert result.as_json()["percentages"]["cast"] == 95.14
    assert result.passed is True
    assert result.threshold == 248


@pytest.mark.parametrize(
    ("numerator", "members", "expected"),
    [
        (1, 3, 33.33),
        (2, 3, 66.67),
        (1, 8, 12.5),
        # Half up: 0.125% -> 0.13%.
        (1, 800, 0.13),
        (0, 50, 0.0),
        (50, 50, 100.0),
        (5, 0, 0.0),
    ],
)
def test_percent_rounds_half_up(numerator, members, expected):
    assert percent(numerator, members) == expected


def test_zero_members_result():
    result = resolution("majority_of_members", members=0)
    assert result.as_json() == {
        "kind": "resolution",
        "rule": "majority_of_members",
        "members": 0,
        "present": 0,
        "cast": 0,
        "yes": 0,
        "no": 0,
        "abstain": 0,
        "not_voted": 0,
        "threshold": 1,
        "passed": False,
        "percentages": {"yes": 0.0, "no": 0.0, "abstain": 0.0, "not_voted": 0.0, "cast": 0.0},
        "options": [],
    }


@pytest.mark.parametrize(
    ("members", "present", "ballots"),
    [(-1, 0, 0), (3, 4, 0), (5, 2, 3)],
)
def test_impossible_counts_are_refused(members, present, ballots):
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies
        count(
            RESOLUTION["majority_of_members"], ["yes"] * ballots, members=members, present=present
        )


# --- Ballots ----------------------------------------------------------------------------

CONFIDENCE = MotionSpec(kind="confidence", rule="majority_of_members", option_ids=(11, 12, 13))
ELECTION = MotionSpec(
    kind="election", rule="majority_of_members", option_ids=(21, 22, 23, 24), max_choices=2
)


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        (RESOLUTION["majority_of_members"], {"choice": "yes"}, "yes"),
        (RESOLUTION["majority_of_present"], {"choice": "abstain", "ratings": None}, "abstain"),
        (
            CONFIDENCE,
            {"ratings": {"13": "low", "11": "high", "12": "medium"}},
            ((11, "high"), (12, "medium"), (13, "low")),
        ),
        (
            CONFIDENCE,
            {"ratings": {11: "low", 12: "low", 13: "low"}},
            ((11, "low"), (12, "low"), (13, "low")),
        ),
        (ELECTION, {"choices": [23, 21]}, (21, 23)),
        (ELECTION, {"choices": ["22"]}, (22,)),
        (ELECTION, {"choices": []}, ()),
    ],
)
def test_parse_ballot(spec, raw, expected):
    value = parse_ballot(spec, raw)
    assert value == expected
    # The stored form reads back to the same ballot.
    assert rules.ballot_from_json(spec, rules.ballot_json(value)) == value


@pytest.mark.parametrize(
    ("spec", "raw", "code"),
    [
        (RESOLUTION["majority_of_members"], {}, "ballot_needs_choice"),
        (RESOLUTION["majority_of_members"], {"choice": "maybe"}, "ballot_unknown_choice"),
        (RESOLUTION["majority_of_members"], {"choice": "YES"}, "ballot_unknown_choice"),
        (RESOLUTION["majority_of_members"], {"choices": [1]}, "ballot_needs_choice"),
        (
            RESOLUTION["majority_of_members"],
            {"choice": "yes", "choices": [1]},
            "ballot_needs_choice",
        ),
        (CONFIDENCE, {"choice": "yes"}, "ballot_needs_ratings"),
        (CONFIDENCE, {"ratings": ["high"]}, "ballot_needs_ratings"),
        (CONFIDENCE, {"ratings": {"11": "high", "12": "low"}}, "ballot_rate_everyone"),
        (
            CONFIDENCE,
            {"ratings": {"11": "high", "12": "low", "13": "low", "99": "low"}},
            "ballot_unknown_option",
        ),
        (
            CONFIDENCE,
            {"ratings": {"11": "high", "12": "low", "13": "excellent"}},
            "ballot_unknown_rating",
        ),
        (CONFIDENCE, {"ratings": {"x": "high"}}, "ballot_unknown_option"),
        (ELECTION, {"choices": [21, 22, 23]}, "ballot_too_many_choices"),
        (ELECTION, {"choices": [21, 21]}, "ballot_duplicate_choice"),
        (ELECTION, {"choices": [99]}, "ballot_unknown_option"),
        (ELECTION, {"choices": [True]}, "ballot_unknown_option"),
        (ELECTION, {"choices": "21"}, "ballot_needs_choices"),
        (ELECTION, {"choices": 21}, "ballot_needs_choices"),
        (ELECTION, {"choice": "yes"}, "ballot_needs_choices"),
    ],
)
def test_bad_ballots(spec, raw, code):
    with pytest.raises(BallotError) as caught:
        parse_ballot(spec, raw)
    assert caught.value.code == code


# --- Confidence ratings -----------------------------------------------------------------


def _confidence_ballots(lows_for_11: int, total: int):
    ballots = []
    for i in range(total):
        first = "low" if i < lows_for_11 else "high"
        ballots.append(((11, first), (12, "medium"), (13, "high" if i % 2 else "low")))
    return ballots


@pytest.mark.parametrize(
    ("lows", "members", "over_half", "two_thirds"),
    [
        (25, 50, False, False),
        (26, 50, True, False),
        (33, 50, True, False),
        (34, 50, True, True),
        (20, 30, True, True),
        (19, 30, True, False),
        (15, 30, False, False),
    ],
)
def test_confidence_thresholds(lows, members, over_half, two_thirds):
    result = count(CONFIDENCE, _confidence_ballots(lows, members), members=members, present=members)
    first = result.rated[0]
    assert first.low == lows
    assert first.low_over_half is over_half
    assert first.low_two_thirds is two_thirds
    assert first.low_percentage == percent(lows, members)
    assert result.passed is None
    assert result.threshold is None
    data = result.as_json()
    assert data["thresholds"] == {
        "low_over_half": members // 2 + 1,
        "low_two_thirds": -(-2 * members // 3),
    }
    assert [o["id"] for o in data["options"]] == [11, 12, 13]
    assert data["options"][1]["medium"] == members


def test_confidence_with_no_ballots():
    result = count(CONFIDENCE, [], members=0, present=0)
    assert [r.low for r in result.rated] == [0, 0, 0]
    assert not any(r.low_over_half or r.low_two_thirds for r in result.rated)


# --- Elections --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "members", "elected", "tied", "passed"),
    [
        # Two seats, two candidates above half of 50.
        ({21: 40, 22: 30, 23: 20, 24: 5}, 50, {21, 22}, set(), True),
        # Three above the threshold: the two with most votes take the seats.
        ({21: 40, 22: 30, 23: 28, 24: 0}, 50, {21, 22}, set(), True),
        # A tie for the last seat: nobody takes it yet.
        ({21: 40, 22: 30, 23: 30, 24: 0}, 50, {21}, {22, 23}, False),
        # Three tied for two seats.
        ({21: 30, 22: 30, 23: 30, 24: 0}, 50, set(), {21, 22, 23}, False),
        # Only one reaches the threshold.
        ({21: 26, 22: 25, 23: 0, 24: 0}, 50, {21}, set(), False),
        # Nobody reaches it.
        ({21: 25, 22: 25, 23: 25, 24: 25}, 50, set(), set(), False),
        ({21: 0, 22: 0, 23: 0, 24: 0}, 0, set(), set(), False),
    ],
)
def test_election(votes, members, elected, tied, passed):
    ballots: list[list[int]] = [[] for _ in range(members)]
    for option, n in votes.items():
        placed = 0
        for ballot in sorted(ballots, key=len):
            if placed == n:
                break
            if len(ballot) < 2:
                ballot.append(option)
                placed += 1
        assert placed == n, "table row does not fit in two choices per ballot"
    canonical = [tuple(sorted(b)) for b in ballots]
    result = count(ELECTION, canonical, members=members, present=members)
    assert {c.option_id for c in result.candidates if c.elected} == elected
    assert {c.option_id for c in result.candidates if c.tied} == tied
    assert {c.option_id: c.votes for c in result.candidates} == votes
    assert result.passed is passed
    assert result.as_json()["seats"] == 2


# --- Properties -------------------------------------------------------------------------

members_and_present = st.integers(min_value=0, max_value=600).flatmap(
    lambda m: st.tuples(st.just(m), st.integers(min_value=0, max_value=m))
)


@st.composite
def resolution_votes(draw):
    members, present = draw(members_and_present)
    cast = draw(st.integers(min_value=0, max_value=present))
    ballots = draw(st.lists(st.sampled_from(CHOICES), min_size=cast, max_size=cast))
    rule = draw(st.sampled_from(RULES))
    return rule, members, present, ballots


@given(resolution_votes())
def test_counts_add_up_to_the_members(vote):
    rule, members, present, ballots = vote
    result = count(RESOLUTION[rule], ballots, members=members, present=present)
    assert result.yes + result.no + result.abstain + result.not_voted == members
    assert result.cast == len(ballots)
    assert result.passed == (result.yes >= result.threshold)
    for value in (result.percentages.yes, result.percentages.no, result.percentages.abstain):
        assert 0.0 <= value <= 100.0
    if members:
        total = (
            result.percentages.yes
            + result.percentages.no
            + result.percentages.abstain
            + result.percentages.not_voted
        )
        assert abs(total - 100.0) <= 0.02
        assert abs(result.percentages.yes - 100 * result.yes / members) <= 0.005 + 1e-9


@given(resolution_votes(), st.randoms(use_true_random=False))
def test_order_of_ballots_does_not_matter(vote, rng):
    rule, members, present, ballots = vote
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    first = count(RESOLUTION[rule], ballots, members=members, present=present)
    assert count(RESOLUTION[rule], shuffled, members=members, present=present) == first


@given(resolution_votes())
def test_one_more_yes_never_undoes_a_pass(vote):
    rule, members, present, ballots = vote
    assume(len(ballots) < present)
    before = count(RESOLUTION[rule], ballots, members=members, present=present)
    after = count(RESOLUTION[rule], [*ballots, "yes"], members=members, present=present)
    assert after.yes == before.yes + 1
    assert not (before.passed and not after.passed)


@given(members_and_present, st.sampled_from(RULES))
def test_threshold_is_the_exact_boundary(counts, rule):
    members, present = counts
    needed = threshold(rule, members, present)
    base = present if rule == "majority_of_present" else members
    assert needed >= 1
    if rule == "two_thirds_of_members":
        if members:
            assert 3 * needed >= 2 * members > 3 * (needed - 1)
    else:
        assert 2 * needed > base >= 2 * (needed - 1)


@st.composite
def confidence_votes(draw):
    options = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=6, unique=True))
    members, present = draw(members_and_present)
    cast = draw(st.integers(min_value=0, max_value=min(present, 80)))
    ballots = [
        tuple(sorted((o, draw(st.sampled_from(rules.RATINGS))) for o in options))
        for _ in range(cast)
    ]
    return (
        MotionSpec("confidence", "majority_of_members", tuple(options)),
        members,
        present,
        ballots,
    )


@given(confidence_votes())
def test_confidence_flags_follow_the_low_share(vote):
    spec, members, present, ballots = vote
    result = count(spec, ballots, members=members, present=present)
    for rated in result.rated:
        assert rated.high + rated.medium + rated.low == len(ballots)
        assert rated.low_over_half == (2 * rated.low > members > 0)
        assert rated.low_two_thirds == (members > 0 and 3 * rated.low >= 2 * members)
        assert not (rated.low_two_thirds and not rated.low_over_half) or members <= 1
        assert rated.low_percentage == percent(rated.low, members)


@st.composite
def election_votes(draw):
    options = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=8, unique=True))
    seats = draw(st.integers(min_value=1, max_value=len(options)))
    members, present = draw(members_and_present)
    cast = draw(st.integers(min_value=0, max_value=min(present, 80)))
    ballots = []
    for _ in range(cast):
        chosen = draw(st.lists(st.sampled_from(options), max_size=seats, unique=True))
        ballots.append(tuple(sorted(chosen)))
    rule = draw(st.sampled_from(RULES))
    return MotionSpec("election", rule, tuple(options), seats), members, present, ballots


@given(election_votes())
def test_election_never_fills_more_seats_than_there_are(vote):
    spec, members, present, ballots = vote
    result = count(spec, ballots, members=members, present=present)
    elected = [c for c in result.candidates if c.elected]
    assert len(elected) <= spec.max_choices
    assert all(c.votes >= result.threshold for c in elected)
    assert not any(c.elected and c.tied for c in result.candidates)
    for winner in elected:
        for other in result.candidates:
            if not other.elected:
                assert other.votes <= winner.votes
    assert sum(c.votes for c in result.candidates) == sum(len(b) for b in ballots)
    assert result.passed == (len(elected) == spec.max_choices)


def test_shuffled_secret_ballots_count_the_same():
    spec = CONFIDENCE
    rng = random.Random(5)
    ballots = [
        tuple(sorted((o, rng.choice(rules.RATINGS)) for o in spec.option_ids)) for _ in range(40)
    ]
    first = count(spec, ballots, members=50, present=45)
    rng.shuffle(ballots)
    assert count(spec, ballots, members=50, present=45) == first
