"""The `votes` section of the meeting state."""

from __future__ import annotations

from typing import Any

from server.accounts.models import User
from server.meetings.models import Meeting
from server.realtime.state import state_section
from server.voting import services


@state_section("votes")
def _votes(meeting: Meeting, user: User) -> dict[str, Any]:
    """{"motions": [Motion] the user may see, "open_motion_id"}; `my_vote` is the user's own."""
    _, motions = services.list_motions(user, meeting.id)
    return {
        "motions": [services.motion_json(m, meeting, user=user) for m in motions],
        "open_motion_id": next((m.id for m in motions if m.status == "open"), None),
    }
