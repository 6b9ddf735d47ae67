"""JSON shapes of the minutes data export."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.api import Strict


class Exact(BaseModel):
    """An export shape: a field it does not declare is a bug, not passed through."""

    model_config = ConfigDict(extra="forbid")


class MinutesQuery(Strict):
    format: Literal["json", "pdf"] = Field(
        default="json", description="json (default) or pdf (an A4 document in Vietnamese)."
    )


class CouncilOut(Exact):
    id: int
    name: str
    term: str | None


class MeetingOut(Exact):
    id: int
    title: str
    location: str | None
    starts_at: str
    ends_at: str
    status: str
    #: Names of the council's chairs.
    chairs: list[str]


class BallotLabelsOut(Exact):
    yes: str
    no: str
    abstain: str


class AttendanceEntryOut(Exact):
    user_id: int
    full_name: str
    seat: int | None
    group_name: str | None
    #: present, online, excused, absent or not_checked_in.
    state: str
    #: The state in words (Vietnamese), with the reason of an excused absence.
    state_text: str
    reason: str | None
    #: self, qr, secretariat (null: not checked in).
    method: str | None
    checked_in_at: str | None
    #: The secretariat recorded this member's attendance on their behalf.
    recorded_by_secretariat: bool
    #: Who in the secretariat recorded it.
    recorded_by: str | None


class QuorumOut(Exact):
    required: int
    reached: bool


class AttendanceOut(Exact):
    members: int
    present: int
    counts: dict[str, int]
    quorum: QuorumOut
    entries: list[AttendanceEntryOut]


class SpeakerOut(Exact):
    full_name: str
    #: debate or question.
    kind: str
    addressee: str | None
    #: speaking or done.
    status: str
    started_at: str | None
    ended_at: str | None
    spoken_seconds: int | None


class DocumentOut(Exact):
    id: int
    title: str
    kind: str
    version: int
    page_count: int
    confidential: bool
    published_at: str | None


class CountOut(Exact):
    #: yes, no, abstain or not_voted.
    key: str
    label: str
    count: int
    #: Of all members.
    percentage: float


class OptionResultOut(Exact):
    label: str
    # Election
    votes: int | None = None
    percentage: float | None = None
    elected: bool | None = None
    tied: bool | None = None
    verdict_text: str | None = None
    # Confidence rating
    high: int | None = None
    medium: int | None = None
    low: int | None = None
    percentages: dict[str, float] | None = None
    low_over_half: bool | None = None
    low_two_thirds: bool | None = None


class NamedChoiceOut(Exact):
    full_name: str
    choice: str | None
    choice_text: str


class MotionResultOut(Exact):
    members: int
    present: int
    cast: int
    cast_percentage: float
    threshold: int | None
    passed: bool | None
    #: e.g. "Thông qua", "Không thông qua", "Đã bầu 2/3 người".
    outcome_text: str
    counts: list[CountOut]
    options: list[OptionResultOut]
    notes: list[str]
    #: Open votes only; always null for a secret vote.
    named: list[NamedChoiceOut] | None
    ballots_digest: str | None
    #: The hash of the close's entry in the audit chain (as the room was shown it).
    audit_hash: str | None = None


class MotionOut(Exact):
    id: int
    title: str
    kind: str
    kind_text: str
    rule: str
    rule_text: str
    secret: bool
    method_text: str
    status: str
    opened_at: str | None
    closed_at: str | None
    quorum_overridden: bool
    #: Null until the vote closed.
    result: MotionResultOut | None


class AgendaItemOut(Exact):
    id: int
    parent_id: int | None
    number: str
    depth: int
    title: str
    kind: str
    presenter: str | None
    status: str
    #: A section: its items follow it.
    has_children: bool
    #: Every time the item was made current (from the audit log), oldest first.
    became_current_at: list[str]
    speakers: list[SpeakerOut]
    documents: list[DocumentOut]
    motions: list[MotionOut]


class UnassignedOut(Exact):
    documents: list[DocumentOut]
    motions: list[MotionOut]


class AuditHeadOut(Exact):
    head_hash: str
    entries: int


class MinutesOut(Exact):
    council: CouncilOut
    meeting: MeetingOut
    ballot_labels: BallotLabelsOut
    attendance: AttendanceOut
    agenda: list[AgendaItemOut]
    unassigned: UnassignedOut
    audit: AuditHeadOut
    exported_at: str
    exported_by: str
