"""What the demo seed made, handed to the parts that add documents and motions to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.accounts.models import User
    from server.meetings.models import AgendaItem, Meeting


@dataclass
class DemoSession:
    """What the seed made, handed to features that add to it."""

    council_id: int
    meeting: Meeting
    items: list[AgendaItem]
    secretary: User
    chair: User
    delegates: list[User] = field(default_factory=list)
