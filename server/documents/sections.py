"""The documents section of the meeting state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server.accounts.models import User
from server.api import jsonable
from server.documents import services
from server.events.state import state_section

if TYPE_CHECKING:
    from server.meetings.models import Meeting


@state_section("documents")
def _documents(meeting: Meeting, user: User) -> list[dict[str, Any]]:
    """Every document of the meeting this user may see (staff: unpublished ones too)."""
    docs, view = services.list_documents(user, meeting.id)
    return jsonable([view.out(d) for d in docs])
