"""Councils, meetings, agenda, attendance and speakers over REST."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from server.accounts import services as accounts
from server.accounts.models import STAFF_ROLES, Role
from server.api import operation
from server.councils import services as councils
from server.councils.serialize import council_out
from server.extensions import db
from server.meetings import access, services
from server.meetings.models import Meeting, SpeakerRequest
from server.meetings.schemas import (
    AgendaItemCreateIn,
    AgendaItemOut,
    AgendaItemUpdateIn,
    AgendaOrderIn,
    AgendaOut,
    AttendanceEntryOut,
    AttendanceOut,
    CheckInIn,
    CheckOutIn,
    CurrentItemIn,
    CurrentItemOut,
    HallCodeOut,
    MeetingCreateIn,
    MeetingDetailOut,
    MeetingListOut,
    MeetingOut,
    MeetingUpdateIn,
    SpeakerListOut,
    SpeakerOrderIn,
    SpeakerOut,
    SpeakIn,
)
from server.meetings.serialize import meeting_out, speaker_out

bp = Blueprint("meetings", __name__, url_prefix="/api")

TAG = "meetings"


def meeting_detail(meeting: Meeting) -> MeetingDetailOut:
    user = current_user
    return MeetingDetailOut(
        **dict(meeting_out(meeting)),
        council=council_out(meeting.council),
        agenda=services.agenda(meeting),
        current_agenda_item_id=meeting.current_agenda_item_id,
        can_manage=access.is_staff(user, meeting, Role.SECRETARY),
        can_chair=access.is_staff(user, meeting, Role.CHAIR, Role.SECRETARY),
        is_member=access.member_of(user, meeting) is not None,
    )


# --- Meetings ------------------------------------------------------------------------


@bp.get("/meetings")
@operation(
    "listMeetings", "Sessions the user may see, newest first", tag=TAG, response=MeetingListOut
)
def list_meetings() -> MeetingListOut:
    return MeetingListOut(meetings=[meeting_out(m) for m in services.list_meetings(current_user)])


@bp.post("/meetings")
@operation(
    "createMeeting",
    "Create a session (secretariat)",
    tag=TAG,
    body=MeetingCreateIn,
    response=MeetingOut,
    status=201,
)
def create_meeting(body: MeetingCreateIn) -> MeetingOut:
    meeting = services.create_meeting(
        current_user,
        body.council_id,
        title=body.title,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        location=body.location,
        status=body.status,
    )
    db.session.commit()
    return meeting_out(meeting)


@bp.get("/meetings/<int:meeting_id>")
@operation(
    "getMeeting", "A session with its council and agenda", tag=TAG, response=MeetingDetailOut
)
def get_meeting(meeting_id: int) -> MeetingDetailOut:
    return meeting_detail(access.get_meeting_for(current_user, meeting_id))


@bp.patch("/meetings/<int:meeting_id>")
@operation(
    "updateMeeting",
    "Change a session's title, place, times or status",
    tag=TAG,
    body=MeetingUpdateIn,
    response=MeetingOut,
)
def update_meeting(meeting_id: int, body: MeetingUpdateIn) -> MeetingOut:
    meeting = services.update_meeting(current_user, meeting_id, **body.model_dump())
    db.session.commit()
    return meeting_out(meeting)


# --- Agenda --------------------------------------------------------------------------


def _item_out(meeting: Meeting, item_id: int) -> AgendaItemOut:
    return next(i for i in services.agenda(meeting) if i.id == item_id)


@bp.post("/meetings/<int:meeting_id>/agenda")
@operation(
    "createAgendaItem",
    "Add an agenda item at the end of its section",
    tag=TAG,
    body=AgendaItemCreateIn,
    response=AgendaItemOut,
    status=201,
)
def create_agenda_item(meeting_id: int, body: AgendaItemCreateIn) -> AgendaItemOut:
    item = services.create_agenda_item(current_user, meeting_id, **body.model_dump())
    db.session.commit()
    return _item_out(access.get_meeting_for(current_user, meeting_id), item.id)


@bp.patch("/agenda/<int:agenda_item_id>")
@operation(
    "updateAgendaItem",
    "Change an agenda item, or mark it done",
    tag=TAG,
    body=AgendaItemUpdateIn,
    response=AgendaItemOut,
)
def update_agenda_item(agenda_item_id: int, body: AgendaItemUpdateIn) -> AgendaItemOut:
    changes = body.model_dump(exclude_unset=True)
    done = changes.pop("done", None)
    if changes:
        services.update_agenda_item(current_user, agenda_item_id, **changes)
    if done is not None:
        services.set_item_done(current_user, agenda_item_id, done)
    item, meeting = services.get_agenda_item(current_user, agenda_item_id)
    db.session.commit()
    return _item_out(meeting, item.id)


@bp.delete("/agenda/<int:agenda_item_id>")
@operation(
    "deleteAgendaItem", "Remove an agenda item and its sub-items", tag=TAG, response=AgendaOut
)
def delete_agenda_item(agenda_item_id: int) -> AgendaOut:
    meeting = services.delete_agenda_item(current_user, agenda_item_id)
    db.session.commit()
    return AgendaOut(agenda=services.agenda(meeting))


@bp.put("/meetings/<int:meeting_id>/agenda/order")
@operation(
    "reorderAgenda",
    "Apply a complete new order of the agenda (drag and drop)",
    tag=TAG,
    body=AgendaOrderIn,
    response=AgendaOut,
)
def reorder_agenda(meeting_id: int, body: AgendaOrderIn) -> AgendaOut:
    order = [(e.id, e.parent_id) for e in body.order]
    meeting = services.reorder_agenda(current_user, meeting_id, order)
    db.session.commit()
    return AgendaOut(agenda=services.agenda(meeting))


@bp.put("/meetings/<int:meeting_id>/current-item")
@operation(
    "setCurrentAgendaItem",
    "Move the session to an agenda item (chair, secretariat)",
    tag=TAG,
    body=CurrentItemIn,
    response=CurrentItemOut,
)
def set_current_agenda_item(meeting_id: int, body: CurrentItemIn) -> CurrentItemOut:
    meeting = services.set_current_item(current_user, meeting_id, body.agenda_item_id)
    answer = CurrentItemOut(agenda_item_id=meeting.current_agenda_item_id, status=meeting.status)
    db.session.commit()
    return answer


# --- Attendance ----------------------------------------------------------------------


def _entry(meeting_id: int, user_id: int) -> AttendanceEntryOut:
    meeting = access.get_meeting_for(current_user, meeting_id)
    return next(e for e in services.attendance_entries(meeting) if e.user_id == user_id)


@bp.post("/meetings/<int:meeting_id>/attendance/check-in")
@operation(
    "checkIn",
    "Check in (yourself, or a member on their behalf by the secretariat)",
    tag=TAG,
    body=CheckInIn,
    response=AttendanceEntryOut,
    description="A member checks in as present (with the hall code when the council asks "
    "for it), online (where allowed) or excused with a reason. The secretariat may record any "
    "state for any member; this is recorded as done by the secretariat.",
)
def check_in(meeting_id: int, body: CheckInIn) -> AttendanceEntryOut:
    row = services.check_in(
        current_user,
        meeting_id,
        user_id=body.user_id,
        state=body.state,
        reason=body.reason,
        code=body.code,
    )
    db.session.commit()
    return _entry(meeting_id, row.user_id)


@bp.post("/meetings/<int:meeting_id>/attendance/check-out")
@operation(
    "checkOut",
    "Leave the sitting (recorded as absent from now on)",
    tag=TAG,
    body=CheckOutIn,
    response=AttendanceEntryOut,
)
def check_out(meeting_id: int, body: CheckOutIn) -> AttendanceEntryOut:
    row = services.check_out(current_user, meeting_id, user_id=body.user_id)
    db.session.commit()
    return _entry(meeting_id, row.user_id)


@bp.get("/meetings/<int:meeting_id>/attendance")
@operation(
    "getAttendance",
    "Attendance of every member, the counts and the quorum",
    tag=TAG,
    response=AttendanceOut,
)
def get_attendance(meeting_id: int) -> AttendanceOut:
    return services.attendance(access.get_meeting_for(current_user, meeting_id))


@bp.get("/meetings/<int:meeting_id>/hall-code")
@operation(
    "getHallCode",
    "The check-in code the hall display shows as a QR (renewed every 30 s)",
    tag=TAG,
    response=HallCodeOut,
)
def get_hall_code(meeting_id: int) -> HallCodeOut:
    meeting = access.get_meeting_for(current_user, meeting_id)
    access.require_staff(current_user, meeting, Role.DISPLAY, *STAFF_ROLES)
    code, remaining = services.hall_code(meeting.id)
    url = f"{request.host_url}#/checkin/{meeting.id}/{code}"
    return HallCodeOut(code=code, url=url, expires_in=remaining)


# --- Speakers ------------------------------------------------------------------------


def _speakers(meeting: Meeting) -> SpeakerListOut:
    return SpeakerListOut(
        agenda_item_id=meeting.current_agenda_item_id,
        speaking_time_seconds=councils.settings_of(meeting.council).speaking_time_seconds,
        speakers=services.speakers(meeting),
    )


@bp.post("/meetings/<int:meeting_id>/speakers")
@operation(
    "requestToSpeak",
    "Ask to speak on the current item (debate or question)",
    tag=TAG,
    body=SpeakIn,
    response=SpeakerOut,
    status=201,
)
def request_to_speak(meeting_id: int, body: SpeakIn) -> SpeakerOut:
    row = services.request_to_speak(
        current_user, meeting_id, kind=body.kind, addressee=body.addressee
    )
    db.session.commit()
    return speaker_out(row, current_user.full_name)


@bp.get("/meetings/<int:meeting_id>/speakers")
@operation(
    "listSpeakers", "The speakers' queue of the current item", tag=TAG, response=SpeakerListOut
)
def list_speakers(meeting_id: int) -> SpeakerListOut:
    return _speakers(access.get_meeting_for(current_user, meeting_id))


@bp.put("/meetings/<int:meeting_id>/speakers/order")
@operation(
    "reorderSpeakers",
    "Put the waiting speakers in a new order (chair)",
    tag=TAG,
    body=SpeakerOrderIn,
    response=SpeakerListOut,
)
def reorder_speakers(meeting_id: int, body: SpeakerOrderIn) -> SpeakerListOut:
    meeting = services.reorder_speakers(current_user, meeting_id, body.speaker_ids)
    db.session.commit()
    return _speakers(meeting)


def _speaker_answer(row: SpeakerRequest) -> SpeakerOut:
    return speaker_out(row, accounts.get_user(row.user_id).full_name)


@bp.post("/speakers/<int:speaker_id>/withdraw")
@operation("withdrawSpeaker", "Withdraw a request to speak", tag=TAG, response=SpeakerOut)
def withdraw_speaker(speaker_id: int) -> SpeakerOut:
    row = services.withdraw_request(current_user, speaker_id)
    db.session.commit()
    return _speaker_answer(row)


@bp.post("/speakers/<int:speaker_id>/floor")
@operation("giveFloor", "Give the floor to a waiting speaker (chair)", tag=TAG, response=SpeakerOut)
def give_floor(speaker_id: int) -> SpeakerOut:
    row = services.give_floor(current_user, speaker_id)
    db.session.commit()
    return _speaker_answer(row)


@bp.post("/speakers/<int:speaker_id>/end")
@operation(
    "endFloor", "End a speech; the time spoken is recorded (chair)", tag=TAG, response=SpeakerOut
)
def end_floor(speaker_id: int) -> SpeakerOut:
    row = services.end_floor(current_user, speaker_id)
    db.session.commit()
    return _speaker_answer(row)
