"""JSON shapes of the meetings API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from server.api import Id
from server.meetings.settings import CouncilSettings

AgendaKind = Literal[
    "section",
    "report",
    "submission",
    "resolution",
    "review",
    "discussion",
    "question",
    "procedure",
    "other",
]
MeetingStatus = Literal["draft", "scheduled", "in_progress", "closed"]
AttendanceState = Literal["present", "online", "excused", "absent"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Councils ------------------------------------------------------------------------


class CouncilOut(BaseModel):
    id: int
    name: str
    level: str
    term: str | None
    members: int
    settings: CouncilSettings


class CouncilListOut(BaseModel):
    councils: list[CouncilOut]


class MemberOut(BaseModel):
    user_id: int
    username: str
    full_name: str
    position: str | None
    seat: int | None
    group_name: str | None


class MemberListOut(BaseModel):
    members: list[MemberOut]


class MembershipIn(Strict):
    user_id: Id
    is_member: bool = True
    seat: int | None = Field(default=None, ge=1, le=10000)
    group_name: str | None = Field(default=None, max_length=200)


# --- Meetings ------------------------------------------------------------------------


class MeetingOut(BaseModel):
    id: int
    council_id: int
    council_name: str
    title: str
    location: str | None
    starts_at: datetime
    ends_at: datetime
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
    kind: str
    presenter: str | None
    description: str | None
    planned_at: datetime | None
    status: Literal["pending", "done"]
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
    state: Literal["present", "online", "excused", "absent", "not_checked_in"]
    method: str | None
    reason: str | None
    checked_in_at: datetime | None


class QuorumOut(BaseModel):
    required: int
    reached: bool


class AttendanceOut(BaseModel):
    members: int
    present: int
    counts: dict[str, int]
    quorum: QuorumOut
    entries: list[AttendanceEntryOut]


class HallCodeOut(BaseModel):
    code: str
    #: What the QR code encodes: the tablet app's check-in address with the code.
    url: str
    expires_in: int


# --- Speakers ------------------------------------------------------------------------


class SpeakIn(Strict):
    kind: Literal["debate", "question"] = "debate"
    addressee: str | None = Field(default=None, max_length=300)


class SpeakerOut(BaseModel):
    id: int
    agenda_item_id: int
    user_id: int
    full_name: str
    kind: str
    addressee: str | None
    status: Literal["waiting", "speaking", "done", "withdrawn"]
    position: int
    requested_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    spoken_seconds: int | None


class SpeakerListOut(BaseModel):
    agenda_item_id: int | None
    speaking_time_seconds: int
    speakers: list[SpeakerOut]


class SpeakerOrderIn(Strict):
    speaker_ids: list[Id] = Field(max_length=500)


class FollowIn(Strict):
    document_id: Id | None = None
    page: int = Field(default=1, ge=1, le=100000)


class FollowOut(BaseModel):
    follow: dict[str, int] | None
