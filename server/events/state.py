"""The full state of a meeting as one user sees it, assembled from each feature's section.

Features register a section with `@state_section("name")`; a section function takes
the meeting and the user and returns JSON. `join` and `getMeetingState` send the sum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from server.accounts.models import User
    from server.meetings.models import Meeting

Section: TypeAlias = "Callable[[Meeting, User], Any]"

_sections: dict[str, Section] = {}


def state_section(name: str) -> Callable[[Section], Section]:
    def register(fn: Section) -> Section:
        if name in _sections:
            raise ValueError(f"state section {name!r} registered twice")
        _sections[name] = fn
        return fn

    return register


def meeting_state(meeting: Meeting, user: User) -> dict[str, Any]:
    """Every registered section for this meeting and user."""
    return {name: section(meeting, user) for name, section in _sections.items()}
