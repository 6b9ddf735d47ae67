"""The meeting's own sections of the state: the session, agenda, attendance, speakers."""

from __future__ import annotations

from typing import Any

from server.accounts.models import Role, User
from server.api import jsonable
from server.councils import services as councils
from server.events.state import state_section
from server.meetings import access, services
from server.meetings.models import Meeting
from server.meetings.serialize import follow_out, meeting_out


@state_section("meeting")
def _meeting(meeting: Meeting, user: User) -> dict[str, Any]:
    settings = councils.settings_of(meeting.council)
    return jsonable(meeting_out(meeting)) | {
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
        "is_member": access.member_of(user, meeting) is not None,
        "can_manage": access.is_staff(user, meeting, Role.SECRETARY),
        "can_chair": access.is_staff(user, meeting, Role.CHAIR, Role.SECRETARY),
    }


@state_section("agenda")
def _agenda(meeting: Meeting, user: User) -> list[dict[str, Any]]:
    return jsonable(services.agenda(meeting))


@state_section("current_agenda_item_id")
def _current(meeting: Meeting, user: User) -> int | None:
    return meeting.current_agenda_item_id


@state_section("follow")
def _follow(meeting: Meeting, user: User) -> dict[str, Any] | None:
    return jsonable(follow_out(meeting))


@state_section("attendance")
def _attendance(meeting: Meeting, user: User) -> dict[str, Any]:
    return jsonable(services.attendance(meeting))


@state_section("speakers")
def _speakers(meeting: Meeting, user: User) -> dict[str, Any]:
    return {
        "agenda_item_id": meeting.current_agenda_item_id,
        "speakers": jsonable(services.speakers(meeting)),
    }


@state_section("electorate")
def _electorate(meeting: Meeting, user: User) -> dict[str, Any] | None:
    """For the session's staff: whether the electorate is frozen, and every change made to it
    while the session is in progress (the administrator's, each in the audit log)."""
    if not access.is_staff(user, meeting):
        return None
    return {
        "frozen": meeting.council.frozen_by_meeting_id == meeting.id,
        "changes": services.electorate_changes(meeting),
    }
