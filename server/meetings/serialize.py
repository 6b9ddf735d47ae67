"""The meetings API's answers, built from rows: the one place each is put together.

The same shapes go into the events (`server.api.jsonable`), so a tablet reads one shape of
an agenda item whether it came from `getMeeting`, `join` or `agenda.updated`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from server.meetings.agenda import Node, number_items
from server.meetings.kinds import AttendanceMethod, AttendanceState
from server.meetings.models import AgendaItem, SpeakerRequest
from server.meetings.schemas import (
    AgendaItemOut,
    AttendanceEntryOut,
    FollowTarget,
    MeetingOut,
    SpeakerOut,
)

if TYPE_CHECKING:
    from server.meetings.models import Meeting


def meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        council_id=meeting.council_id,
        council_name=meeting.council.name,
        title=meeting.title,
        location=meeting.location,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=meeting.status,
    )


def agenda_out(items: list[AgendaItem], current_id: int | None) -> list[AgendaItemOut]:
    """The agenda in reading order, numbered, with the current item marked."""
    by_id = {i.id: i for i in items}
    numbered = number_items([Node(i.id, i.parent_id, i.position) for i in items])
    child_count: dict[int, int] = {}
    for i in items:
        if i.parent_id is not None:
            child_count[i.parent_id] = child_count.get(i.parent_id, 0) + 1
    out = []
    for n in numbered:
        item = by_id[n.id]
        out.append(
            AgendaItemOut(
                id=item.id,
                parent_id=n.parent_id,
                number=n.number,
                depth=n.depth,
                title=item.title,
                kind=item.kind,
                presenter=item.presenter,
                description=item.description,
                planned_at=item.planned_at,
                status=item.status,
                is_current=item.id == current_id,
                has_children=child_count.get(item.id, 0) > 0,
            )
        )
    return out


def attendance_entry_out(
    user_id: int,
    full_name: str,
    seat: int | None,
    group_name: str | None,
    state: AttendanceState | None,
    method: AttendanceMethod | None,
    reason: str | None,
    checked_in_at: datetime | None,
) -> AttendanceEntryOut:
    """One member's line of the attendance list; no state means not yet checked in."""
    return AttendanceEntryOut(
        user_id=user_id,
        full_name=full_name,
        seat=seat,
        group_name=group_name,
        state=state or "not_checked_in",
        method=method,
        reason=reason,
        checked_in_at=checked_in_at,
    )


def speaker_out(row: SpeakerRequest, full_name: str) -> SpeakerOut:
    return SpeakerOut(
        id=row.id,
        agenda_item_id=row.agenda_item_id,
        user_id=row.user_id,
        full_name=full_name,
        kind=row.kind,
        addressee=row.addressee,
        status=row.status,
        position=row.position,
        requested_at=row.requested_at,
        started_at=row.started_at,
        ended_at=row.ended_at,
        spoken_seconds=row.spoken_seconds,
    )


def follow_out(meeting: Meeting) -> FollowTarget | None:
    if meeting.follow_document_id is None:
        return None
    return FollowTarget(document_id=meeting.follow_document_id, page=meeting.follow_page or 1)
