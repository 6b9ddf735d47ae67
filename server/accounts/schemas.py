"""JSON shapes of the accounts API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.accounts.models import Role


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    user: UserOut
    csrf_token: str


class LogoutOut(BaseModel):
    ok: bool
