"""The documents section of the meeting state."""

from __future__ import annotations

from typing import Any

from server.accounts.models import User
from server.documents import services
from server.meetings.models import Meeting
from server.realtime.state import state_section


@state_section("documents")
def _documents(meeting: Meeting, user: User) -> list[dict[str, Any]]:
    """Every document of the meeting this user may see (staff: unpublished ones too)."""
    docs, view = services.list_documents(user, meeting.id)
    return [view.json(d) for d in docs]
