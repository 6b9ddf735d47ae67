"""Councils and their memberships: create, read, attach people.

Each function that acts for someone takes the acting user and checks permission through
server/councils/access.py; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from server.accounts.models import Role, User, UserRole
from server.councils import access
from server.councils.models import Council, CouncilMembership
from server.councils.settings import CouncilSettings, council_settings
from server.errors import Conflict, NotFound
from server.extensions import db


def create_council(
    name: str,
    *,
    level: str = "province",
    term: str | None = None,
    settings: dict[str, Any] | None = None,
) -> Council:
    council = Council(
        name=name,
        level=level,
        term=term,
        settings=CouncilSettings.model_validate(settings or {}).model_dump(),
    )
    db.session.add(council)
    db.session.flush()
    return council


def get_council(council_id: int) -> Council:
    council = db.session.get(Council, council_id)
    if council is None:
        raise NotFound("council_not_found")
    return council


def council_for(actor: User, council_id: int) -> Council:
    """The council if `actor` reaches it, else 404 (ids of other councils reveal nothing)."""
    council = db.session.get(Council, council_id)
    if council is None or not access.can_reach_council(actor, council_id):
        raise NotFound("council_not_found")
    return council


def settings_of(council: Council) -> CouncilSettings:
    return council_settings(council.settings)


def list_councils(actor: User) -> list[Council]:
    ids = access.council_ids(actor)
    query = sa.select(Council).order_by(Council.name)
    if ids is not None:
        query = query.where(Council.id.in_(ids))
    return list(db.session.scalars(query))


def add_membership(
    council_id: int,
    user_id: int,
    *,
    is_member: bool,
    seat: int | None = None,
    group_name: str | None = None,
) -> CouncilMembership:
    """Attach a user to a council (as an elected member when `is_member`)."""
    existing = db.session.scalar(
        sa.select(CouncilMembership).where(
            CouncilMembership.council_id == council_id, CouncilMembership.user_id == user_id
        )
    )
    if existing is not None:
        raise Conflict("member_exists")
    row = CouncilMembership(
        council_id=council_id,
        user_id=user_id,
        is_member=is_member,
        seat=seat,
        group_name=group_name,
    )
    db.session.add(row)
    db.session.flush()
    return row


def elected_member_of(council_id: int) -> sa.ColumnElement[bool]:
    """The condition on CouncilMembership for the council's active elected members."""
    return sa.and_(
        CouncilMembership.council_id == council_id,
        CouncilMembership.is_member.is_(True),
        CouncilMembership.active.is_(True),
    )


def members(council_id: int) -> list[tuple[CouncilMembership, User]]:
    """The council's active elected members, by seat then name."""
    rows = db.session.execute(
        sa.select(CouncilMembership, User)
        .join(User, User.id == CouncilMembership.user_id)
        .where(elected_member_of(council_id))
        .order_by(CouncilMembership.seat, User.full_name)
    ).all()
    return [(m, u) for m, u in rows]


def member_rows(council_id: int) -> Sequence[sa.Row[int, str, int | None, str | None]]:
    """(user_id, full_name, seat, group_name) of the council's active elected members, by
    seat then name: plain rows, no objects (a 500-seat hall reads this on every check-in)."""
    return list(
        db.session.execute(
            sa.select(User.id, User.full_name, CouncilMembership.seat, CouncilMembership.group_name)
            .join(User, User.id == CouncilMembership.user_id)
            .where(elected_member_of(council_id))
            .order_by(CouncilMembership.seat, User.full_name)
        ).all()
    )


def member_names(council_id: int) -> list[tuple[int, str]]:
    """(user id, full name) of the council's active members, in seat order."""
    return [(int(uid), str(name)) for uid, name, _, _ in member_rows(council_id)]


def member_ids(council_id: int) -> set[int]:
    """User ids of the council's active elected members."""
    return set(
        db.session.scalars(
            sa.select(CouncilMembership.user_id).where(elected_member_of(council_id))
        )
    )


def member_count(council_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(CouncilMembership)
            .where(elected_member_of(council_id))
        )
        or 0
    )


def chairs(council_id: int) -> list[str]:
    """The full names of the council's chairs (people with the chair role attached to it)."""
    rows = db.session.scalars(
        sa.select(User.full_name)
        .join(CouncilMembership, CouncilMembership.user_id == User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            CouncilMembership.council_id == council_id,
            CouncilMembership.active.is_(True),
            UserRole.role == Role.CHAIR.value,
        )
        .order_by(User.full_name)
    )
    return list(dict.fromkeys(str(name) for name in rows))
