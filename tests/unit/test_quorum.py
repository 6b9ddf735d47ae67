"""Quorum: at least two thirds of all members present, in exact integer arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.meetings.quorum import quorum


@pytest.mark.parametrize(
    ("members", "present", "required", "reached"),
    [
        (50, 34, 34, True),  # 34/50 = 68% >= 66.7%
        (50, 33, 34, False),
        (30, 20, 20, True),  # exactly two thirds
        (30, 19, 20, False),
        (15, 10, 10, True),
        (500, 334, 334, True),
        (500, 333, 334, False),
        (0, 0, 0, False),  # no members: no sitting
    ],
)
def test_two_thirds(members, present, required, reached):
    q = quorum(members, present)
    assert (q.required, q.reached) == (required, reached)


def test_other_fraction():
    assert quorum(50, 26, 1, 2).reached
    assert not quorum(50, 24, 1, 2).reached


def test_negative_counts_refused():
    with pytest.raises(ValueError, match="non-negative"):
        quorum(-1, 0)


@given(
    members=st.integers(min_value=1, max_value=1000),
    present=st.integers(min_value=0, max_value=1000),
    num=st.integers(min_value=1, max_value=10),
    den=st.integers(min_value=1, max_value=10),
)
def test_matches_exact_fraction(members, present, num, den):
    q = quorum(members, present, num, den)
    assert q.reached == (Fraction(present, members) >= Fraction(num, den))
    assert quorum(members, q.required, num, den).reached or q.required > members
    if q.required > 0:
        assert not quorum(members, q.required - 1, num, den).reached
