"""Users, where they belong (council memberships and their roles), sessions, paired devices
and the login throttle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, utcnow


class Role(StrEnum):
    ADMIN = "admin"
    SECRETARY = "secretary"
    CHAIR = "chair"
    DELEGATE = "delegate"
    GUEST = "guest"
    DISPLAY = "display"


#: Roles held in a council (a membership's); "admin" belongs to the account and reaches all.
COUNCIL_ROLES = (Role.SECRETARY, Role.CHAIR, Role.DELEGATE, Role.GUEST, Role.DISPLAY)
#: Roles that run a council's sessions: they see unpublished documents and every comment.
STAFF_ROLES = frozenset({Role.SECRETARY, Role.CHAIR})


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-case login name, e.g. "delegate01".
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: Office held, shown beside the name (e.g. "Phó Chủ tịch UBND tỉnh").
    position: Mapped[str | None] = mapped_column(sa.String(200))
    #: argon2id hash; None for accounts that only log in by a pairing token.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    #: The administrator of the deployment: creates councils, reaches every council.
    is_admin: Mapped[bool] = mapped_column(default=False)
    #: Created by the demo seed; a production deployment refuses to start while any exist.
    is_demo: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(sa.String(5), default="vi")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    #: Every council the user is attached to, active or not (loaded with the user on every
    #: request: access checks read them without another query).
    memberships: Mapped[list[CouncilMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def membership(self, council_id: int) -> CouncilMembership | None:
        """The active membership of a council, if any (see server.councils.access)."""
        return next((m for m in self.memberships if m.council_id == council_id and m.active), None)

    @property
    def roles(self) -> list[str]:
        """Every role the user holds somewhere (what the client picks its faces by)."""
        held = {r for m in self.memberships if m.active for r in m.roles}
        if self.is_admin:
            held.add(Role.ADMIN)
        return sorted(held)

    # What Flask-Login asks of a user (written here: its UserMixin is untyped).
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class CouncilMembership(Base):
    """A user's place in a council and the roles they hold there.

    Roles belong to the membership, never to the user alone: the same person may chair a
    commune council, be a delegate of the province council and a guest elsewhere. An elected
    member (`is_member`) counts towards quorum and majorities and may vote; it holds the
    delegate role (the database checks it).
    """

    __tablename__ = "council_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("councils.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: True for elected members: they count towards quorum and majorities and may vote.
    is_member: Mapped[bool] = mapped_column(default=False)
    role_secretary: Mapped[bool] = mapped_column(default=False)
    role_chair: Mapped[bool] = mapped_column(default=False)
    role_delegate: Mapped[bool] = mapped_column(default=False)
    role_guest: Mapped[bool] = mapped_column(default=False)
    role_display: Mapped[bool] = mapped_column(default=False)
    #: Seat number in the hall, for the seating chart.
    seat: Mapped[int | None]
    #: Delegation (tổ đại biểu) the member belongs to.
    group_name: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")

    __table_args__ = (
        sa.UniqueConstraint("council_id", "user_id"),
        sa.CheckConstraint("NOT is_member OR role_delegate", name="member_is_delegate"),
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r for r in COUNCIL_ROLES if getattr(self, f"role_{r.value}"))

    @roles.setter
    def roles(self, roles: Iterable[Role | str]) -> None:
        wanted = {Role(r) for r in roles}
        if Role.ADMIN in wanted:
            raise ValueError("admin is not a council role")
        for role in COUNCIL_ROLES:
            setattr(self, f"role_{role.value}", role in wanted)


class Device(Base):
    """A tablet or screen logged in by a pairing token; revoking it ends its sessions.

    A device paired with a token someone else issued (the secretariat) cannot cast a ballot
    until its user confirms it with their own password (`confirmed_at`).
    """

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]


class UserSession(Base):
    """A logged-in browser or tablet: the cookie carries a random token, this row its hash.

    Every request and socket event finds its row (with the user, in one statement); logout,
    a password change, deactivation and revoking the device end it at once. It also ends
    after `idle_seconds` without a request, and at `expires_at` in any case.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("devices.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    idle_seconds: Mapped[int]
    revoked_at: Mapped[datetime | None]


class PairingToken(Base):
    """A one-time token printed as a QR card; using it logs a device in as its user."""

    __tablename__ = "pairing_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    device_id: Mapped[int | None] = mapped_column(sa.ForeignKey("devices.id", ondelete="SET NULL"))


class LoginThrottle(Base):
    """Failed logins counted per key in a window: "account:<name>", "address:<ip>" or
    "pair:<name>|<ip>". Past the key's free failures each attempt must wait a growing delay
    (`next_allowed_at`); there is no lock (see accounts.services)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime]
    next_allowed_at: Mapped[datetime | None]
