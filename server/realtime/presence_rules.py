"""Presence (connected tablets), as plain values: entries, their summary, notice pacing. Pure.

A connection is one socket that joined one meeting. Several processes record their
connections in one shared store, so an entry carries everything the summary needs and
is written as one string (`sid|user_id|member`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Connection:
    """One socket joined to one meeting."""

    sid: str
    user_id: int
    #: Whether the user is an elected member of the meeting's council.
    is_member: bool

    def key(self) -> str:
        """The entry as stored (the sid is unique among all processes)."""
        return f"{self.sid}|{self.user_id}|{int(self.is_member)}"

    @classmethod
    def parse(cls, key: str) -> Connection | None:
        """The entry a key holds, or None for a key this version did not write."""
        parts = key.split("|")
        if len(parts) != 3 or not parts[0] or parts[2] not in ("0", "1"):
            return None
        try:
            user_id = int(parts[1])
        except ValueError:
            return None
        return cls(sid=parts[0], user_id=user_id, is_member=parts[2] == "1")


@dataclass(frozen=True)
class Summary:
    """Who is connected to a meeting: sockets, distinct users, distinct elected members."""

    devices: int
    users: int
    members: int
    user_ids: tuple[int, ...]


def summarize(connections: Iterable[Connection]) -> Summary:
    """Count a meeting's connections: a user with a phone and a tablet counts once."""
    sids: set[str] = set()
    users: set[int] = set()
    members: set[int] = set()
    for conn in connections:
        sids.add(conn.sid)
        users.add(conn.user_id)
        if conn.is_member:
            members.add(conn.user_id)
    return Summary(
        devices=len(sids), users=len(users), members=len(members), user_ids=tuple(sorted(users))
    )


def notice_delay(last_sent: float | None, now: float, interval: float) -> float:
    """Seconds to wait before the next notice, so at most one goes out per `interval`.

    The first change after a quiet spell is sent at once; changes that follow within
    the interval wait for its end and then go out together, as one notice.
    """
    if last_sent is None:
        return 0.0
    return max(0.0, last_sent + interval - now)
