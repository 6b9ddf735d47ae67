"""JSON shapes of the voting API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from server.api import Id, Strict, Timestamp
from server.meetings.kinds import AttendanceState
from server.voting.models import MotionStatus
from server.voting.rules import Choice as BallotChoice
from server.voting.rules import Kind as MotionKind
from server.voting.rules import Rating as ConfidenceRating
from server.voting.rules import Rule as MotionRule


class OptionIn(Strict):
    """An office holder (confidence vote) or a candidate (election), as printed on the ballot."""

    label: str = Field(min_length=1, max_length=300)
    user_id: Id | None = None


class MotionCreateIn(Strict):
    agenda_item_id: Id | None = None
    title: str = Field(min_length=1, max_length=500)
    kind: MotionKind = "resolution"
    #: Default: false for a resolution; confidence votes and elections are always secret.
    secret: bool | None = None
    rule: MotionRule = "majority_of_members"
    #: Default: the council's setting (allow_ballot_change).
    allow_change: bool | None = None
    duration_seconds: int | None = Field(default=None, ge=10, le=86400)
    options: list[OptionIn] = Field(default_factory=list, max_length=100)
    #: Election: seats to fill, the most candidates one ballot may mark.
    max_choices: int | None = Field(default=None, ge=1, le=100)


class MotionUpdateIn(Strict):
    agenda_item_id: Id | None = None
    title: str | None = Field(default=None, min_length=1, max_length=500)
    kind: MotionKind | None = None
    secret: bool | None = None
    rule: MotionRule | None = None
    allow_change: bool | None = None
    duration_seconds: int | None = Field(default=None, ge=10, le=86400)
    options: list[OptionIn] | None = Field(default=None, max_length=100)
    max_choices: int | None = Field(default=None, ge=1, le=100)


class OpenVoteIn(Strict):
    #: Open although the quorum is not reached; recorded in the audit log.
    override_quorum: bool = False


class BallotIn(Strict):
    """Exactly one of: `choice` (resolution), `ratings` (confidence), `choices` (election)."""

    choice: BallotChoice | None = None
    #: Option id (as a string key) -> rating, for every office holder on the ballot.
    ratings: dict[str, ConfidenceRating] | None = Field(default=None, max_length=100)
    #: Option ids of the chosen candidates, at most max_choices.
    choices: list[int] | None = Field(default=None, max_length=100)
    #: Spaces that make every ballot of a motion the same length on the wire, whatever it
    #: chooses (the web client pads to its motion's longest ballot); ignored.
    pad: str | None = Field(default=None, max_length=4096, pattern="^ *$")


class OptionOut(BaseModel):
    id: int
    label: str
    user_id: int | None


class Percentages(BaseModel):
    yes: float
    no: float
    abstain: float
    not_voted: float
    cast: float


class NamedBallot(BaseModel):
    user_id: int
    full_name: str
    choice: BallotChoice


class ResultOut(BaseModel):
    motion_id: int
    title: str
    kind: MotionKind
    secret: bool
    rule: MotionRule
    members: int
    present: int
    cast: int
    yes: int
    no: int
    abstain: int
    not_voted: int
    threshold: int | None
    passed: bool | None
    percentages: Percentages
    #: Confidence: per office holder {id, label, high, medium, low, percentages,
    #: low_over_half, low_two_thirds}; election: per candidate {id, label, votes,
    #: percentage, reached, elected, tied}.
    options: list[dict[str, Any]]
    thresholds: dict[str, int] | None = None
    seats: int | None = None
    opened_at: Timestamp | None
    closed_at: Timestamp
    quorum_overridden: bool
    #: Open (named) votes only: who chose what.
    named: list[NamedBallot] | None = None


class ResultAnswer(BaseModel):
    result: ResultOut


class MotionOut(BaseModel):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    title: str
    kind: MotionKind
    secret: bool
    rule: MotionRule
    allow_change: bool
    duration_seconds: int | None
    max_choices: int | None
    options: list[OptionOut]
    status: MotionStatus
    quorum_overridden: bool
    opened_at: Timestamp | None
    closes_at: Timestamp | None
    closed_at: Timestamp | None
    announced_at: Timestamp | None
    cast: int
    eligible: int
    my_vote: dict[str, Any] | None
    #: Spaces that give a member's motion one length whatever their own ballot; ignore.
    pad: str = ""
    result: ResultOut | None
    #: Closed votes: the hash of the close in the audit chain (shown to the room).
    audit_hash: str | None = None


class MotionListOut(BaseModel):
    motions: list[MotionOut]


class BallotAck(BaseModel):
    """The same length for every ballot of a motion, whatever it chose or whether it
    replaced another (`pad`): an answer's size on the wire tells nothing."""

    recorded: Literal[True]
    motion_id: int
    changed: bool
    my_vote: dict[str, Any]
    #: Spaces; ignore.
    pad: str


class NonVoter(BaseModel):
    user_id: int
    full_name: str
    seat: int | None
    attendance: AttendanceState | Literal["not_checked_in"]
    #: Checked in, so able to vote now.
    eligible: bool


class NonVotersOut(BaseModel):
    motion_id: int
    secret: bool
    cast: int
    eligible: int
    not_voted: int
    eligible_not_voted: int
    #: Named for an open vote; null for a secret one (the count only).
    non_voters: list[NonVoter] | None
