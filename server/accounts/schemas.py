"""JSON shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from server.accounts.models import Role

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$"


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=16, max_length=128)
    label: str = Field(default="Máy tính bảng", max_length=100)


class UserOut(BaseModel):
    id: int
    username: str
    full_name: str
    position: str | None = None
    roles: list[Role]
    language: str


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str


class LogoutOut(BaseModel):
    ok: bool


class UserAdminOut(UserOut):
    active: bool
    is_demo: bool
    last_login_at: datetime | None


class UserListOut(BaseModel):
    users: list[UserAdminOut]


class UserCreateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN)
    full_name: str = Field(min_length=1, max_length=200)
    position: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, min_length=8, max_length=256)
    roles: list[Role] = Field(min_length=1, max_length=6)


class UserUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    position: str | None = Field(default=None, max_length=200)
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=6)
    active: bool | None = None
    language: str | None = Field(default=None, pattern="^(vi|en)$")


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=8, max_length=256)


class PairingTokenOut(BaseModel):
    token: str
    user_id: int
    expires_at: datetime


class DeviceOut(BaseModel):
    id: int
    user_id: int
    label: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None


class DeviceListOut(BaseModel):
    devices: list[DeviceOut]
