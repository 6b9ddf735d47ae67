"""JSON shapes of the councils API: councils, their members, the administration of people."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from server.accounts.schemas import UserOut
from server.api import Id, Strict, Timestamp
from server.councils.models import CouncilLevel
from server.councils.settings import CouncilSettings

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$"


CouncilRole = Literal["secretary", "chair", "delegate", "guest", "display"]


class CouncilOut(BaseModel):
    id: int
    name: str
    level: CouncilLevel
    term: str | None
    members: int
    settings: CouncilSettings
    #: The session in progress, if any: until it closes, the electorate is the
    #: administrator's to change.
    frozen_by_meeting_id: int | None


class CouncilCreateIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    level: CouncilLevel = "province"
    term: str | None = Field(default=None, max_length=100)


class CouncilListOut(BaseModel):
    councils: list[CouncilOut]


class MemberOut(BaseModel):
    user_id: int
    username: str
    full_name: str
    position: str | None
    seat: int | None
    group_name: str | None
    is_member: bool
    roles: list[CouncilRole]
    active: bool


class MemberListOut(BaseModel):
    members: list[MemberOut]


class MembershipIn(Strict):
    user_id: Id
    #: An elected member counts towards quorum and majorities and votes (holds "delegate").
    is_member: bool = True
    roles: list[CouncilRole] = Field(default_factory=list, max_length=5)
    seat: int | None = Field(default=None, ge=1, le=10000)
    group_name: str | None = Field(default=None, max_length=200)


class MembershipUpdateIn(Strict):
    """Fields left out stay as they are."""

    is_member: bool | None = None
    roles: list[CouncilRole] | None = Field(default=None, max_length=5)
    seat: int | None = Field(default=None, ge=1, le=10000)
    group_name: str | None = Field(default=None, max_length=200)


class MembershipRemovedOut(BaseModel):
    user_id: int
    council_id: int
    active: bool


# --- People ---------------------------------------------------------------------------


class PlaceOut(BaseModel):
    """Where a person belongs: a council and their roles there."""

    council_id: int
    roles: list[CouncilRole]
    is_member: bool
    seat: int | None
    active: bool


class UserAdminOut(UserOut):
    active: bool
    is_admin: bool
    is_demo: bool
    last_login_at: Timestamp | None
    #: Their places in the councils the asking user sees.
    councils: list[PlaceOut]


class UserListOut(BaseModel):
    users: list[UserAdminOut]


class UserCreateIn(Strict):
    username: str = Field(pattern=USERNAME_PATTERN)
    full_name: str = Field(min_length=1, max_length=200)
    position: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, min_length=8, max_length=256)
    #: The council the person is attached to (the secretariat's own); the administrator
    #: may create an account attached to none.
    council_id: Id | None = None
    #: Roles in that council.
    roles: list[CouncilRole] = Field(default_factory=list, max_length=5)
    #: An elected member of that council (default: when "delegate" is among the roles).
    is_member: bool | None = None
    seat: int | None = Field(default=None, ge=1, le=10000)
    group_name: str | None = Field(default=None, max_length=200)
    #: The administrator of the deployment (the administrator only).
    is_admin: bool = False


class UserUpdateIn(Strict):
    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    position: str | None = Field(default=None, max_length=200)
    active: bool | None = None
    language: str | None = Field(default=None, pattern="^(vi|en)$")


class PasswordIn(Strict):
    password: str = Field(min_length=8, max_length=256)


class PairingTokenOut(BaseModel):
    token: str
    user_id: int
    expires_at: Timestamp


class DeviceOut(BaseModel):
    id: int
    user_id: int
    label: str
    created_at: Timestamp
    last_seen_at: Timestamp | None
    revoked_at: Timestamp | None
    #: Confirmed by its user's own password: it may cast their ballots.
    confirmed_at: Timestamp | None


class DeviceListOut(BaseModel):
    devices: list[DeviceOut]


class UnlockedOut(BaseModel):
    user_id: int
    unlocked: bool
