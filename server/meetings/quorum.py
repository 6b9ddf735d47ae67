"""Quorum: at least a fraction (default two thirds) of all members present. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    #: Smallest number present that makes the quorum.
    required: int
    reached: bool


def quorum(members: int, present: int, numerator: int = 2, denominator: int = 3) -> Quorum:
    """Whether `present` of `members` reaches numerator/denominator, in exact integers."""
    if members < 0 or present < 0 or numerator < 0 or denominator <= 0:
        raise ValueError("counts must be non-negative and the denominator positive")
    required = -(-members * numerator // denominator)  # ceiling without floats
    reached = members > 0 and present * denominator >= members * numerator
    return Quorum(members=members, present=present, required=required, reached=reached)
