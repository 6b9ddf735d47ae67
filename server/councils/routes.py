"""Councils, their members and the administration of people over REST."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_user

from server.accounts import services as accounts
from server.accounts.models import Role
from server.api import operation
from server.councils import access, people, services
from server.councils.schemas import (
    CouncilListOut,
    DeviceListOut,
    DeviceOut,
    MemberListOut,
    MemberOut,
    MembershipIn,
    PairingTokenOut,
    PasswordIn,
    UserAdminOut,
    UserCreateIn,
    UserListOut,
    UserUpdateIn,
)
from server.councils.serialize import council_out, device_out, member_out, user_admin_out
from server.errors import Forbidden
from server.extensions import db

bp = Blueprint("councils", __name__, url_prefix="/api")


# --- Councils ------------------------------------------------------------------------


@bp.get("/councils")
@operation(
    "listCouncils", "Councils the user belongs to or runs", tag="councils", response=CouncilListOut
)
def list_councils() -> CouncilListOut:
    return CouncilListOut(councils=[council_out(c) for c in services.list_councils(current_user)])


@bp.get("/councils/<int:council_id>/members")
@operation(
    "listCouncilMembers", "The council's elected members", tag="councils", response=MemberListOut
)
def list_council_members(council_id: int) -> MemberListOut:
    council = services.council_for(current_user, council_id)
    return MemberListOut(members=[member_out(m, u) for m, u in services.members(council.id)])


@bp.post("/councils/<int:council_id>/members")
@operation(
    "addCouncilMember",
    "Attach a user to the council (secretariat)",
    tag="councils",
    body=MembershipIn,
    response=MemberOut,
    status=201,
)
def add_council_member(council_id: int, body: MembershipIn) -> MemberOut:
    council = services.council_for(current_user, council_id)
    if not access.is_staff_of(current_user, council.id, frozenset({Role.SECRETARY})):
        raise Forbidden("forbidden")
    user = accounts.get_user(body.user_id)
    row = services.add_membership(
        council.id, user.id, is_member=body.is_member, seat=body.seat, group_name=body.group_name
    )
    db.session.commit()
    return member_out(row, user)


# --- People --------------------------------------------------------------------------


@bp.get("/users")
@operation("listUsers", "All users (secretariat)", tag="people", response=UserListOut)
def list_users() -> UserListOut:
    return UserListOut(users=[user_admin_out(u) for u in people.list_users(current_user)])


@bp.post("/users")
@operation(
    "createUser",
    "Create a user (secretariat)",
    tag="people",
    body=UserCreateIn,
    response=UserAdminOut,
    status=201,
)
def create_user(body: UserCreateIn) -> UserAdminOut:
    user = people.create_user(
        current_user,
        body.username,
        body.full_name,
        body.roles,
        password=body.password,
        position=body.position,
    )
    db.session.commit()
    return user_admin_out(user)


@bp.patch("/users/<int:user_id>")
@operation(
    "updateUser", "Change a user's details", tag="people", body=UserUpdateIn, response=UserAdminOut
)
def update_user(user_id: int, body: UserUpdateIn) -> UserAdminOut:
    user = people.update_user(current_user, user_id, **body.model_dump(exclude_unset=True))
    db.session.commit()
    return user_admin_out(user)


@bp.post("/users/<int:user_id>/password")
@operation(
    "setUserPassword",
    "Set a user's password (logs out their other sessions)",
    tag="people",
    body=PasswordIn,
    response=UserAdminOut,
)
def set_password(user_id: int, body: PasswordIn) -> UserAdminOut:
    user = people.set_password(current_user, user_id, body.password)
    db.session.commit()
    if user.id == current_user.id:
        login_user(user)  # keep this session, with the new session version
    return user_admin_out(user)


@bp.post("/users/<int:user_id>/pairing-tokens")
@operation(
    "createPairingToken",
    "A one-time QR pairing token for a user's tablet",
    tag="people",
    response=PairingTokenOut,
    status=201,
)
def create_pairing_token(user_id: int) -> PairingTokenOut:
    token, row = people.create_pairing_token(current_user, user_id)
    db.session.commit()
    return PairingTokenOut(token=token, user_id=row.user_id, expires_at=row.expires_at)


@bp.get("/users/<int:user_id>/devices")
@operation("listDevices", "A user's paired devices", tag="people", response=DeviceListOut)
def list_devices(user_id: int) -> DeviceListOut:
    return DeviceListOut(
        devices=[device_out(d) for d in people.list_devices(current_user, user_id)]
    )


@bp.post("/devices/<int:device_id>/revoke")
@operation(
    "revokeDevice",
    "Revoke a paired device: its session ends at once",
    tag="people",
    response=DeviceOut,
)
def revoke_device(device_id: int) -> DeviceOut:
    device = people.revoke_device(current_user, device_id)
    db.session.commit()
    return device_out(device)
