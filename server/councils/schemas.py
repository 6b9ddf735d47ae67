"""JSON shapes of the councils API: councils, their members, the administration of people."""

from __future__ import annotations

from pydantic import BaseModel, Field

from server.accounts.models import Role
from server.accounts.schemas import UserOut
from server.api import Id, Strict, Timestamp
from server.councils.settings import CouncilSettings

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$"


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


# --- People ---------------------------------------------------------------------------


class UserAdminOut(UserOut):
    active: bool
    is_demo: bool
    last_login_at: Timestamp | None


class UserListOut(BaseModel):
    users: list[UserAdminOut]


class UserCreateIn(Strict):
    username: str = Field(pattern=USERNAME_PATTERN)
    full_name: str = Field(min_length=1, max_length=200)
    position: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, min_length=8, max_length=256)
    roles: list[Role] = Field(min_length=1, max_length=6)


class UserUpdateIn(Strict):
    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    position: str | None = Field(default=None, max_length=200)
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=6)
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


class DeviceListOut(BaseModel):
    devices: list[DeviceOut]
