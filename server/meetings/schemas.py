"""JSON shapes of the meetings API."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from server.api import Id, Strict, Timestamp
from server.councils.schemas import CouncilOut
from server.meetings.kinds import (
    AgendaKind,
    AgendaStatus,
    AttendanceMethod,
    AttendanceState,
    MeetingStatus,
    SpeakerKind,
    SpeakerStatus,
)

# --- Meetings ------------------------------------------------------------------------


class MeetingOut(BaseModel):
    id: int
    council_id: int
    council_name: str
    title: str
    location: str | None
    starts_at: Timestamp
    ends_at: Timestamp
    status: MeetingStatus


class MeetingListOut(BaseModel):
    meetings: list[MeetingOut]


class MeetingCreateIn(Strict):
    council_id: Id
    title: str = Field(min_length=1, max_length=300)
    location: str | None = Field(default=None, max_length=300)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    status: MeetingStatus = "draft"


class MeetingUpdateIn(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    location: str | None = Field(default=None, max_length=300)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    status: MeetingStatus | None = None


class AgendaItemOut(BaseModel):
    id: int
    parent_id: int | None
    number: str
    depth: int
    title: str
    kind: AgendaKind
    presenter: str | None
    description: str | None
    planned_at: Timestamp | None
    status: AgendaStatus
    is_current: bool
    has_children: bool


class MeetingDetailOut(MeetingOut):
    council: CouncilOut
    agenda: list[AgendaItemOut]
    current_agenda_item_id: int | None
    can_manage: bool
    can_chair: bool
    is_member: bool


class AgendaItemCreateIn(Strict):
    title: str = Field(min_length=1, max_length=500)
    kind: AgendaKind = "other"
    parent_id: Id | None = None
    presenter: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    planned_at: AwareDatetime | None = None


class AgendaItemUpdateIn(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=500)
    kind: AgendaKind | None = None
    presenter: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    planned_at: AwareDatetime | None = None
    done: bool | None = None


class AgendaOrderEntry(Strict):
    id: Id
    parent_id: Id | None = None


class AgendaOrderIn(Strict):
    order: list[AgendaOrderEntry] = Field(max_length=500)


class AgendaOut(BaseModel):
    agenda: list[AgendaItemOut]


class CurrentItemIn(Strict):
    agenda_item_id: Id | None = None


class CurrentItemOut(BaseModel):
    agenda_item_id: int | None
    status: MeetingStatus


# --- Attendance ----------------------------------------------------------------------


class CheckInIn(Strict):
    #: Omit to check yourself in; the secretariat gives a member's id to record for them.
    user_id: Id | None = None
    state: AttendanceState = "present"
    reason: str | None = Field(default=None, max_length=500)
    #: The code shown as a QR on the hall display, proving presence in the hall.
    code: str | None = Field(default=None, max_length=32)


class CheckOutIn(Strict):
    user_id: Id | None = None


class AttendanceEntryOut(BaseModel):
    user_id: int
    full_name: str
    seat: int | None
    group_name: str | None
    state: AttendanceState | Literal["not_checked_in"]
    method: AttendanceMethod | None
    reason: str | None
    checked_in_at: Timestamp | None


class QuorumOut(BaseModel):
    required: int
    reached: bool


class AttendanceCountsOut(BaseModel):
    members: int
    present: int
    counts: dict[str, int]
    quorum: QuorumOut


class AttendanceOut(AttendanceCountsOut):
    entries: list[AttendanceEntryOut]


class HallCodeOut(BaseModel):
    code: str
    #: What the QR code encodes: the tablet app's check-in address with the code.
    url: str
    expires_in: int


# --- Speakers ------------------------------------------------------------------------


class SpeakIn(Strict):
    kind: SpeakerKind = "debate"
    addressee: str | None = Field(default=None, max_length=300)


class SpeakerOut(BaseModel):
    id: int
    agenda_item_id: int
    user_id: int
    full_name: str
    kind: SpeakerKind
    addressee: str | None
    status: SpeakerStatus
    position: int
    requested_at: Timestamp
    started_at: Timestamp | None
    ended_at: Timestamp | None
    spoken_seconds: int | None


class SpeakerListOut(BaseModel):
    agenda_item_id: int | None
    speaking_time_seconds: int
    speakers: list[SpeakerOut]


class SpeakerOrderIn(Strict):
    speaker_ids: list[Id] = Field(max_length=500)


class FollowTarget(BaseModel):
    """The document and page every tablet is asked to show ("follow the chair")."""

    document_id: int
    page: int
