"""The `votes` section of the meeting state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server.accounts.models import User
from server.api import jsonable
from server.events.state import state_section
from server.voting import services

if TYPE_CHECKING:
    from server.meetings.models import Meeting


@state_section("votes")
def _votes(meeting: Meeting, user: User) -> dict[str, Any]:
    """{"motions": [Motion] the user may see, "open_motion_id"}; `my_vote` is the user's own."""
    _, motions = services.list_motions(user, meeting.id)
    return {
        "motions": jsonable([services.motion_out(m, meeting, user=user) for m in motions]),
        "open_motion_id": next((m.id for m in motions if m.status == "open"), None),
    }
