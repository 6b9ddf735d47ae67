"""The meeting's own sections of the state: the session, agenda, attendance, speakers."""

from __future__ import annotations

from typing import Any

from server.accounts.models import Role, User
from server.meetings import access, services
from server.meetings.models import Meeting
from server.realtime.state import state_section


@state_section("meeting")
def _meeting(meeting: Meeting, user: User) -> dict[str, Any]:
    settings = services.settings_of(meeting.council)
    return services.meeting_summary(meeting) | {
        "ballot_labels": settings.ballot_labels.model_dump(),
        "speaking_time_seconds": settings.speaking_time_seconds,
        "online_attendance": settings.online_attendance,
        "checkin_requires_hall_code": settings.checkin_requires_hall_code,
        "allow_ballot_change": settings.allow_ballot_change,
    }


@state_section("me")
def _me(meeting: Meeting, user: User) -> dict[str, Any]:
    return {
        "user_id": user.id,
        "is_member": access.member_of(user, meeting.council_id) is not None,
        "can_manage": access.is_staff_of(user, meeting.council_id, frozenset({Role.SECRETARY})),
        "can_chair": access.is_staff_of(
            user, meeting.council_id, frozenset({Role.CHAIR, Role.SECRETARY})
        ),
    }


@state_section("agenda")
def _agenda(meeting: Meeting, user: User) -> list[dict[str, Any]]:
    return services.agenda(meeting)


@state_section("current_agenda_item_id")
def _current(meeting: Meeting, user: User) -> int | None:
    return meeting.current_agenda_item_id


@state_section("follow")
def _follow(meeting: Meeting, user: User) -> dict[str, Any] | None:
    return services.follow_json(meeting)


@state_section("attendance")
def _attendance(meeting: Meeting, user: User) -> dict[str, Any]:
    return services.attendance(meeting)


@state_section("speakers")
def _speakers(meeting: Meeting, user: User) -> dict[str, Any]:
    return {
        "agenda_item_id": meeting.current_agenda_item_id,
        "speakers": services.speakers(meeting),
    }
