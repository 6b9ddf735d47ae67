"""Presence as plain values: entries, their summary, notice pacing."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.realtime.presence_rules import Connection, notice_delay, summarize


def test_entry_round_trips_through_its_key():
    conn = Connection(sid="AbC-123_x", user_id=42, is_member=True)
    assert conn.key() == "AbC-123_x|42|1"
    assert Connection.parse(conn.key()) == conn
    assert Connection.parse("s|7|0") == Connection("s", 7, False)


@pytest.mark.parametrize("key", ["", "s|7", "s|x|1", "s|7|2", "|7|1", "s|7|1|extra"])
def test_foreign_keys_are_ignored(key):
    assert Connection.parse(key) is None


def test_summary_counts_devices_users_and_members():
    summary = summarize(
        [
            Connection("a", 1, True),
            Connection("b", 1, True),  # the same delegate's phone
            Connection("c", 2, False),  # the secretary
            Connection("d", 3, True),
        ]
    )
    assert (summary.devices, summary.users, summary.members) == (4, 3, 2)
    assert summary.user_ids == (1, 2, 3)


def test_empty_summary():
    summary = summarize([])
    assert (summary.devices, summary.users, summary.members, summary.user_ids) == (0, 0, 0, ())


@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=4), st.integers(1, 20), st.booleans()),
        max_size=40,
        unique_by=lambda row: row[0],  # a socket belongs to one user
    )
)
def test_summary_bounds(rows):
    conns = [Connection(sid, user, member) for sid, user, member in rows]
    summary = summarize(conns)
    assert summary.members <= summary.users <= summary.devices <= len(conns)
    assert list(summary.user_ids) == sorted({c.user_id for c in conns})


@pytest.mark.parametrize(
    ("last", "now", "delay"),
    [
        (None, 100.0, 0.0),  # first change: at once
        (99.0, 100.0, 0.0),  # the interval has passed
        (99.5, 100.0, 0.5),  # wait for the end of the interval
        (100.0, 100.0, 1.0),
    ],
)
def test_notice_delay(last, now, delay):
    assert notice_delay(last, now, 1.0) == pytest.approx(delay)


def test_notices_are_at_most_one_per_interval():
    # A burst of changes every 10 ms for 5 s: a notice goes when its delay ends.
    sent: list[float] = []
    pending_until: float | None = None
    t = 0.0
    while t < 5.0:
        if pending_until is None:
            pending_until = t + notice_delay(sent[-1] if sent else None, t, 1.0)
        if t >= pending_until:
            sent.append(t)
            pending_until = None
        t = round(t + 0.01, 2)
    assert len(sent) <= 6
    assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(sent))
