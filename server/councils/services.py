"""Councils and their memberships: create, read, attach people and give them roles.

Each function that acts for someone takes the acting user and checks permission through
server/councils/access.py; the caller commits. Every change of a membership is a decision
in the audit log. While a session of the council is in progress (`frozen_by_meeting_id`),
its electorate (who is an elected member, their seats, the staff roles) changes only by
the administrator, and the session's staff are told of every change.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from server.accounts import services as accounts
from server.accounts.models import STAFF_ROLES, CouncilMembership, Role, User
from server.councils import access
from server.councils.models import Council, CouncilLevel
from server.councils.settings import CouncilSettings, council_settings
from server.errors import Conflict, Forbidden, NotFound
from server.events.decisions import Notice, decide
from server.events.outbox import staff_room
from server.extensions import db


def create_council(
    actor: User | None,
    name: str,
    *,
    level: CouncilLevel = "province",
    term: str | None = None,
    settings: dict[str, Any] | None = None,
) -> Council:
    """A new council (the administrator's; `actor` None: the demo seed or the CLI)."""
    if actor is not None:
        access.require_admin(actor)
    council = Council(
        name=_clean(name),
        level=level,
        term=_clean(term) if term else None,
        settings=CouncilSettings.model_validate(settings or {}).model_dump(),
    )
    db.session.add(council)
    db.session.flush()
    decide(
        "council.created",
        actor_id=actor.id if actor is not None else None,
        subject=f"council:{council.id}",
        data={"name": council.name, "level": council.level, "term": council.term},
    )
    return council


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


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


def all_councils() -> list[Council]:
    return list(db.session.scalars(sa.select(Council).order_by(Council.id)))


def list_councils(actor: User) -> list[Council]:
    ids = access.council_ids(actor)
    query = sa.select(Council).order_by(Council.name)
    if ids is not None:
        query = query.where(Council.id.in_(ids))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Place:
    """A membership as the audit log keeps it."""

    active: bool
    is_member: bool
    roles: tuple[str, ...]
    seat: int | None
    group_name: str | None

    @classmethod
    def of(cls, row: CouncilMembership | None) -> Place | None:
        if row is None:
            return None
        return cls(row.active, row.is_member, tuple(sorted(row.roles)), row.seat, row.group_name)

    def electorate(self) -> tuple[bool, int | None]:
        """What counts in a vote: being an active elected member, and the seat."""
        counted = self.active and self.is_member
        return counted, self.seat if counted else None

    def staff(self) -> frozenset[str]:
        return frozenset(r for r in self.roles if r in STAFF_ROLES) if self.active else frozenset()


#: Leave a field of a membership as it is.
UNCHANGED: Any = object()


def set_membership(
    actor: User | None,
    council_id: int,
    user_id: int,
    *,
    roles: Iterable[Role | str] | None = None,
    is_member: bool | None = None,
    seat: int | None = UNCHANGED,
    group_name: str | None = UNCHANGED,
    active: bool | None = None,
) -> CouncilMembership:
    """Attach a user to a council, or change their place in it (None / UNCHANGED: keep).

    The council's secretary (or the administrator) decides; only the administrator gives or
    takes the staff roles (secretary, chair), changes their own place, or changes the
    electorate while a session is in progress. An elected member holds the delegate role; a
    new place with the delegate role is an elected member unless `is_member` says otherwise.
    `actor` None: the demo seed or the CLI.
    """
    council = get_council(council_id)
    user = accounts.get_user(user_id)
    admin = actor is None or actor.is_admin
    if actor is not None:
        if not access.can_reach_council(actor, council.id):
            raise NotFound("council_not_found")
        access.require_secretary_of(actor, council.id)
        if actor.id == user.id and not admin:
            raise Forbidden("own_membership")
        if user.is_admin and not admin:
            raise Forbidden("forbidden")
    row = next((m for m in user.memberships if m.council_id == council.id), None)
    before = Place.of(row)
    if row is None:
        row = CouncilMembership(council_id=council.id, user_id=user.id, active=True)
        user.memberships.append(row)
        row.roles = []
        # A new place with the delegate role is an elected member unless said otherwise.
        row.is_member = (
            Role.DELEGATE in {Role(r) for r in roles or ()} if is_member is None else is_member
        )
    if roles is not None:
        row.roles = list(roles)
    if is_member is not None:
        row.is_member = is_member
    if row.is_member:
        row.role_delegate = True
    if seat is not UNCHANGED:
        row.seat = seat
    if group_name is not UNCHANGED:
        row.group_name = _clean(group_name) if group_name else None
    if active is not None:
        row.active = active
    after = Place.of(row)
    assert after is not None
    if before == after:
        return row
    was = before or Place(False, False, (), None, None)
    if was.staff() != after.staff() and not admin:
        raise Forbidden("staff_roles_admin_only")
    frozen = council.frozen_by_meeting_id
    if frozen is not None and was.electorate() != after.electorate() and not admin:
        raise Conflict("electorate_frozen")
    db.session.flush()
    change = {
        "user_id": user.id,
        "full_name": user.full_name,
        "before": asdict(before) if before is not None else None,
        "after": asdict(after),
    }
    action = (
        "membership.added"
        if before is None
        else "membership.removed"
        if was.active and not after.active
        else "membership.changed"
    )
    decide(
        action,
        actor_id=actor.id if actor is not None else None,
        meeting_id=frozen,
        subject=f"council:{council.id}",
        data=change,
        notices=(
            [Notice(staff_room(frozen), "electorate.changed", {"meeting_id": frozen, **change})]
            if frozen is not None and was.electorate() != after.electorate()
            else []
        ),
    )
    return row


def freeze(council_id: int, meeting_id: int | None) -> None:
    """Note the session in progress (or none): its electorate is then the administrator's."""
    get_council(council_id).frozen_by_meeting_id = meeting_id


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
    """The full names of the council's chairs (people holding the chair role in it)."""
    rows = db.session.scalars(
        sa.select(User.full_name)
        .join(CouncilMembership, CouncilMembership.user_id == User.id)
        .where(
            CouncilMembership.council_id == council_id,
            CouncilMembership.active.is_(True),
            CouncilMembership.role_chair.is_(True),
        )
        .order_by(User.full_name)
    )
    return list(dict.fromkeys(str(name) for name in rows))


def visible_places(actor: User, user: User) -> list[CouncilMembership]:
    """`user`'s memberships of the councils `actor` reaches."""
    mine = access.council_ids(actor)
    return [m for m in user.memberships if mine is None or m.council_id in mine]


def people_of(council_id: int) -> list[tuple[CouncilMembership, User]]:
    """Everyone attached to the council (members, staff, guests, displays; active or not)."""
    rows = db.session.execute(
        sa.select(CouncilMembership, User)
        .join(User, User.id == CouncilMembership.user_id)
        .where(CouncilMembership.council_id == council_id)
        .order_by(CouncilMembership.is_member.desc(), CouncilMembership.seat, User.full_name)
    ).all()
    return [(m, u) for m, u in rows]
