"""Per-council rules of procedure, with the defaults of the design brief."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class BallotLabels(BaseModel):
    """Words on the ballot; the API values stay yes / no / abstain."""

    yes: str = Field(default="Tán thành", max_length=60)
    no: str = Field(default="Không tán thành", max_length=60)
    abstain: str = Field(default="Không biểu quyết", max_length=60)


class CouncilSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: A sitting proceeds when at least this fraction of all members is present.
    quorum_numerator: int = Field(default=2, ge=1)
    quorum_denominator: int = Field(default=3, ge=1)
    ballot_labels: BallotLabels = Field(default_factory=BallotLabels)
    #: Documents should reach delegates this many days before the session.
    publish_days_before: int = Field(default=5, ge=0, le=60)
    #: Whether members may attend online (and count as present).
    online_attendance: bool = False
    #: Whether checking in as present needs the code shown on the hall display.
    checkin_requires_hall_code: bool = False
    #: Default for new motions: may a delegate change the ballot while the vote is open.
    allow_ballot_change: bool = True
    #: Speaking time allowed per speech, in seconds.
    speaking_time_seconds: int = Field(default=300, ge=30, le=3600)

    @property
    def present_states(self) -> tuple[str, ...]:
        """The attendance states that count as present (quorum, eligibility to vote)."""
        return ("present", "online") if self.online_attendance else ("present",)

    @model_validator(mode="after")
    def _fraction(self) -> CouncilSettings:
        if self.quorum_numerator > self.quorum_denominator:
            raise ValueError("quorum fraction above 1")
        return self


def council_settings(raw: dict[str, Any] | None) -> CouncilSettings:
    """The council's settings with defaults filled in."""
    return CouncilSettings.model_validate(raw or {})
