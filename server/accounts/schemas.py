"""JSON shapes of the accounts API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.accounts.models import Role
from server.api import Strict


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PairIn(Strict):
    token: str = Field(min_length=16, max_length=128)
    label: str = Field(default="Máy tính bảng", max_length=100)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str
    position: str | None = None
    roles: list[Role]
    language: str


class SessionOut(BaseModel):
    #: None for a visitor (getCurrentUser answers 200 to everyone).
    user: UserOut | None
    csrf_token: str
    #: False on a paired tablet its user has not confirmed yet: it may not vote.
    device_confirmed: bool = True


class ConfirmDeviceIn(Strict):
    password: str = Field(min_length=1, max_length=256)


class DeviceConfirmedOut(BaseModel):
    confirmed: bool


class LogoutOut(BaseModel):
    ok: bool
