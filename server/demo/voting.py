"""The demo session's motions: a draft for each resolution on the agenda."""

from __future__ import annotations

from server.demo.session import DemoSession
from server.voting import services


def add_demo_motions(demo: DemoSession) -> None:
    """One draft motion per resolution item, by the default rule, open (named) vote."""
    for item in demo.items:
        if item.kind != "resolution":
            continue
        services.create_motion(
            demo.secretary,
            demo.meeting.id,
            agenda_item_id=item.id,
            title=f"Thông qua {item.title}"[:500],
        )
