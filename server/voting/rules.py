"""Counting votes by the council's rules. Pure: plain values in, frozen dataclasses out.

The one entry point is `count(spec, ballots, members=..., present=...)`; `parse_ballot`
checks what a delegate sent against the motion. Percentages are of *all* members, rounded
half up to two decimals, as results are announced in Vietnamese councils ("423 đại biểu tán
thành, bằng 85,63% tổng số đại biểu"). Thresholds are whole numbers of votes computed in
exact integer arithmetic, never with floats.

Sources: a resolution passes with more than half of all members (Law on the Organisation of
Local Government 2015, Art. 91(3)); dismissing a delegate needs at least two thirds of all
members; in a confidence rating (lấy phiếu tín nhiệm) an office holder rated "tín nhiệm
thấp" by more than half of all members may resign, and one rated so by two thirds or more
("từ hai phần ba tổng số đại biểu trở lên", Resolution 96/2023/QH15) faces a formal
confidence vote; in an election a candidate needs more than half of all members and the
seats go to those with the most votes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypeAlias, get_args

Rule = Literal["majority_of_members", "two_thirds_of_members", "majority_of_present"]
Kind = Literal["resolution", "confidence", "election"]
Choice = Literal["yes", "no", "abstain"]
Rating = Literal["high", "medium", "low"]

RULES: tuple[Rule, ...] = get_args(Rule)
KINDS: tuple[Kind, ...] = get_args(Kind)
CHOICES: tuple[Choice, ...] = get_args(Choice)
RATINGS: tuple[Rating, ...] = get_args(Rating)

#: A resolution ballot is a choice; a confidence ballot rates every office holder (option id
#: -> rating); an election ballot is the set of chosen candidates' option ids, sorted.
BallotValue: TypeAlias = Choice | tuple[tuple[int, Rating], ...] | tuple[int, ...]

_HUNDREDTH = Decimal("0.01")


class BallotError(ValueError):
    """A ballot that does not fit its motion; `code` names the message shown."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class MotionSpec:
    """What counting needs to know about a motion."""

    kind: Kind
    rule: Rule
    #: Office holders (confidence) or candidates (election), in ballot order.
    option_ids: tuple[int, ...] = ()
    #: Election: the number of seats, which is also the most names a ballot may mark.
    max_choices: int = 0


# --- Thresholds and percentages ---------------------------------------------------------


def _check_counts(members: int, present: int) -> None:
    if members < 0 or present < 0:
        raise ValueError("counts must not be negative")
    if present > members:
        raise ValueError("more present than members")


def threshold(rule: Rule, members: int, present: int) -> int:
    """The smallest number of yes votes that carries a motion under `rule`.

    Never below 1: with no members (or nobody present) nothing can pass.
    """
    _check_counts(members, present)
    if rule == "majority_of_members":
        return members // 2 + 1
    if rule == "two_thirds_of_members":
        return max(1, -(-2 * members // 3))
    if rule == "majority_of_present":
        return present // 2 + 1
    raise ValueError(f"unknown rule {rule!r}")


def percent(count: int, members: int) -> float:
    """`count` as a percentage of all members, rounded half up to two decimals (0 if none)."""
    if members <= 0:
        return 0.0
    value = (Decimal(count) * 100 / Decimal(members)).quantize(_HUNDREDTH, ROUND_HALF_UP)
    return float(value)


def more_than_half(count: int, members: int) -> bool:
    return members > 0 and 2 * count > members


def at_least_two_thirds(count: int, members: int) -> bool:
    return members > 0 and 3 * count >= 2 * members


# --- Ballots ----------------------------------------------------------------------------


def parse_ballot(spec: MotionSpec, raw: Mapping[str, Any]) -> BallotValue:
    """The canonical ballot for `raw` ({"choice"} / {"ratings"} / {"choices"}) or BallotError."""
    given = {key for key, value in raw.items() if value is not None}
    if spec.kind == "resolution":
        if given != {"choice"}:
            raise BallotError("ballot_needs_choice")
        choice = raw["choice"]
        if choice not in CHOICES:
            raise BallotError("ballot_unknown_choice")
        return choice  # type: ignore[no-any-return]
    if spec.kind == "confidence":
        if given != {"ratings"} or not isinstance(raw["ratings"], Mapping):
            raise BallotError("ballot_needs_ratings")
        ratings: dict[int, Rating] = {}
        for key, rating in raw["ratings"].items():
            option_id = _option_id(key)
            if option_id not in spec.option_ids:
                raise BallotError("ballot_unknown_option")
            if rating not in RATINGS:
                raise BallotError("ballot_unknown_rating")
            ratings[option_id] = rating
        if set(ratings) != set(spec.option_ids):
            raise BallotError("ballot_rate_everyone")
        return tuple(sorted(ratings.items()))
    if spec.kind == "election":
        if given != {"choices"} or isinstance(raw["choices"], str | bytes | Mapping):
            raise BallotError("ballot_needs_choices")
        try:
            chosen = [_option_id(c) for c in raw["choices"]]
        except TypeError:
            raise BallotError("ballot_needs_choices") from None
        if len(set(chosen)) != len(chosen):
            raise BallotError("ballot_duplicate_choice")
        if any(c not in spec.option_ids for c in chosen):
            raise BallotError("ballot_unknown_option")
        if len(chosen) > spec.max_choices:
            raise BallotError("ballot_too_many_choices")
        return tuple(sorted(chosen))
    raise ValueError(f"unknown kind {spec.kind!r}")


def _option_id(value: object) -> int:
    if isinstance(value, bool):
        raise BallotError("ballot_unknown_option")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise BallotError("ballot_unknown_option")


def ballot_json(value: BallotValue) -> dict[str, Any]:
    """The stored and transmitted form of a canonical ballot."""
    if isinstance(value, str):
        return {"choice": value}
    if value and isinstance(value[0], tuple):
        return {"ratings": {str(option): rating for option, rating in value}}
    if not value:
        # An empty tuple is an election ballot that marks nobody (a blank ballot).
        return {"choices": []}
    return {"choices": list(value)}


def ballot_from_json(spec: MotionSpec, data: Mapping[str, Any]) -> BallotValue:
    """The canonical ballot from its stored form."""
    return parse_ballot(spec, data)


# --- Results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Percentages:
    yes: float
    no: float
    abstain: float
    not_voted: float


@dataclass(frozen=True)
class Rated:
    """How one office holder was rated in a confidence vote."""

    option_id: int
    high: int
    medium: int
    low: int
    high_percentage: float
    medium_percentage: float
    low_percentage: float
    #: More than half of all members rated "tín nhiệm thấp": may resign.
    low_over_half: bool
    #: Two thirds of all members or more rated "tín nhiệm thấp": a confidence vote follows.
    low_two_thirds: bool


@dataclass(frozen=True)
class Candidate:
    option_id: int
    votes: int
    percentage: float
    #: Reached the rule's threshold.
    reached: bool
    elected: bool
    #: Reached the threshold but tied with others for the last seat: a further round decides.
    tied: bool


@dataclass(frozen=True)
class Result:
    """The outcome of a vote; the fields that do not apply to a kind are zero or empty."""

    kind: Kind
    rule: Rule
    members: int
    present: int
    #: Ballots cast.
    cast: int
    yes: int
    no: int
    abstain: int
    #: Members who cast no ballot.
    not_voted: int
    #: Votes needed: yes votes (resolution) or votes per candidate (election); None for a
    #: confidence rating, which has its own two thresholds.
    threshold: int | None
    #: Resolution: carried. Election: every seat filled. Confidence rating: None.
    passed: bool | None
    percentages: Percentages
    rated: tuple[Rated, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    seats: int = 0

    def as_json(self) -> dict[str, Any]:
        """The Result JSON of the API (without times, titles and names)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "rule": self.rule,
            "members": self.members,
            "present": self.present,
            "cast": self.cast,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "not_voted": self.not_voted,
            "threshold": self.threshold,
            "passed": self.passed,
            "percentages": {
                "yes": self.percentages.yes,
                "no": self.percentages.no,
                "abstain": self.percentages.abstain,
                "not_voted": self.percentages.not_voted,
                "cast": percent(self.cast, self.members),
            },
            "options": [],
        }
        if self.kind == "confidence":
            data["thresholds"] = {
                "low_over_half": self.members // 2 + 1,
                "low_two_thirds": -(-2 * self.members // 3),
            }
            data["options"] = [
                {
                    "id": r.option_id,
                    "high": r.high,
                    "medium": r.medium,
                    "low": r.low,
                    "percentages": {
                        "high": r.high_percentage,
                        "medium": r.medium_percentage,
                        "low": r.low_percentage,
                    },
                    "low_over_half": r.low_over_half,
                    "low_two_thirds": r.low_two_thirds,
                }
                for r in self.rated
            ]
        if self.kind == "election":
            data["seats"] = self.seats
            data["options"] = [
                {
                    "id": c.option_id,
                    "votes": c.votes,
                    "percentage": c.percentage,
                    "reached": c.reached,
                    "elected": c.elected,
                    "tied": c.tied,
                }
                for c in self.candidates
            ]
        return data


def count(
    spec: MotionSpec, ballots: Iterable[BallotValue], *, members: int, present: int
) -> Result:
    """Count `ballots` (canonical, one per voter) for `spec` among `members`, `present` of whom
    were present. Raises ValueError when the ballots cannot belong to this vote."""
    _check_counts(members, present)
    cast_ballots = list(ballots)
    cast = len(cast_ballots)
    if cast > present:
        raise ValueError("more ballots than members present")
    not_voted = members - cast
    if spec.kind == "resolution":
        return _count_resolution(spec, cast_ballots, members, present)
    zero = Percentages(0.0, 0.0, 0.0, percent(not_voted, members))
    if spec.kind == "confidence":
        return Result(
            kind="confidence",
            rule=spec.rule,
            members=members,
            present=present,
            cast=cast,
            yes=0,
            no=0,
            abstain=0,
            not_voted=not_voted,
            threshold=None,
            passed=None,
            percentages=zero,
            rated=_rate(spec, cast_ballots, members),
        )
    if spec.kind == "election":
        needed = threshold(spec.rule, members, present)
        candidates = _elect(spec, cast_ballots, members, needed)
        elected = sum(1 for c in candidates if c.elected)
        return Result(
            kind="election",
            rule=spec.rule,
            members=members,
            present=present,
            cast=cast,
            yes=0,
            no=0,
            abstain=0,
            not_voted=not_voted,
            threshold=needed,
            passed=elected == spec.max_choices and spec.max_choices > 0,
            percentages=zero,
            candidates=candidates,
            seats=spec.max_choices,
        )
    raise ValueError(f"unknown kind {spec.kind!r}")


def _count_resolution(
    spec: MotionSpec, ballots: list[BallotValue], members: int, present: int
) -> Result:
    tally: Counter[str] = Counter()
    for ballot in ballots:
        if not isinstance(ballot, str) or ballot not in CHOICES:
            raise ValueError(f"not a resolution ballot: {ballot!r}")
        tally[ballot] += 1
    yes, no, abstain = tally["yes"], tally["no"], tally["abstain"]
    not_voted = members - len(ballots)
    needed = threshold(spec.rule, members, present)
    return Result(
        kind="resolution",
        rule=spec.rule,
        members=members,
        present=present,
        cast=len(ballots),
        yes=yes,
        no=no,
        abstain=abstain,
        not_voted=not_voted,
        threshold=needed,
        passed=yes >= needed,
        percentages=Percentages(
            yes=percent(yes, members),
            no=percent(no, members),
            abstain=percent(abstain, members),
            not_voted=percent(not_voted, members),
        ),
    )


def _rate(spec: MotionSpec, ballots: list[BallotValue], members: int) -> tuple[Rated, ...]:
    tallies: dict[int, Counter[str]] = {option: Counter() for option in spec.option_ids}
    for ballot in ballots:
        if isinstance(ballot, str) or (ballot and not isinstance(ballot[0], tuple)):
            raise ValueError(f"not a confidence ballot: {ballot!r}")
        ratings = dict(ballot)  # type: ignore[arg-type]
        if set(ratings) != set(spec.option_ids):
            raise ValueError("a confidence ballot must rate every office holder")
        for option, rating in ratings.items():
            tallies[option][rating] += 1
    return tuple(
        Rated(
            option_id=option,
            high=tallies[option]["high"],
            medium=tallies[option]["medium"],
            low=tallies[option]["low"],
            high_percentage=percent(tallies[option]["high"], members),
            medium_percentage=percent(tallies[option]["medium"], members),
            low_percentage=percent(tallies[option]["low"], members),
            low_over_half=more_than_half(tallies[option]["low"], members),
            low_two_thirds=at_least_two_thirds(tallies[option]["low"], members),
        )
        for option in spec.option_ids
    )


def _elect(
    spec: MotionSpec, ballots: list[BallotValue], members: int, needed: int
) -> tuple[Candidate, ...]:
    votes: Counter[int] = Counter()
    for ballot in ballots:
        if isinstance(ballot, str) or any(not isinstance(c, int) for c in ballot):
            raise ValueError(f"not an election ballot: {ballot!r}")
        chosen: Sequence[int] = ballot  # type: ignore[assignment]
        if len(set(chosen)) != len(chosen) or len(chosen) > spec.max_choices:
            raise ValueError("an election ballot marks each candidate once, at most K of them")
        for option in chosen:
            if option not in spec.option_ids:
                raise ValueError(f"unknown candidate {option}")
            votes[option] += 1
    reached = sorted((o for o in spec.option_ids if votes[o] >= needed), key=lambda o: -votes[o])
    elected: set[int] = set()
    tied: set[int] = set()
    seats = spec.max_choices
    index = 0
    while index < len(reached) and len(elected) < seats:
        level = votes[reached[index]]
        group = [o for o in reached[index:] if votes[o] == level]
        if len(elected) + len(group) <= seats:
            elected.update(group)
        else:
            tied.update(group)
            break
        index += len(group)
    return tuple(
        Candidate(
            option_id=o,
            votes=votes[o],
            percentage=percent(votes[o], members),
            reached=votes[o] >= needed,
            elected=o in elected,
            tied=o in tied,
        )
        for o in spec.option_ids
    )
