"""Councils, their members and the administration of people over REST."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from server.accounts import loader
from server.accounts import services as accounts
from server.api import operation
from server.councils import people, services
from server.councils.schemas import (
    CouncilCreateIn,
    CouncilListOut,
    CouncilOut,
    DeviceListOut,
    DeviceOut,
    MemberListOut,
    MemberOut,
    MembershipIn,
    MembershipRemovedOut,
    MembershipUpdateIn,
    PairingTokenOut,
    PasswordIn,
    UnlockedOut,
    UserAdminOut,
    UserCreateIn,
    UserListOut,
    UserUpdateIn,
)
from server.councils.serialize import council_out, device_out, member_out, user_admin_out
from server.extensions import db

bp = Blueprint("councils", __name__, url_prefix="/api")

MEMBERSHIP_RULES = (
    "The council's secretary (or the administrator) decides. Only the administrator gives or "
    "takes the staff roles (secretary, chair), changes their own place, or changes the "
    "electorate (elected members, seats) while a session of the council is in progress "
    "(409 `electorate_frozen`); every change is in the audit log, and during a session the "
    "chair and the secretariat are told (`electorate.changed`)."
)


# --- Councils ------------------------------------------------------------------------


@bp.get("/councils")
@operation(
    "listCouncils", "Councils the user belongs to or runs", tag="councils", response=CouncilListOut
)
def list_councils() -> CouncilListOut:
    return CouncilListOut(councils=[council_out(c) for c in services.list_councils(current_user)])


@bp.post("/councils")
@operation(
    "createCouncil",
    "Create a council: a province's, a commune's (administrator)",
    tag="councils",
    body=CouncilCreateIn,
    response=CouncilOut,
    status=201,
)
def create_council(body: CouncilCreateIn) -> CouncilOut:
    council = services.create_council(current_user, body.name, level=body.level, term=body.term)
    db.session.commit()
    return council_out(council)


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
    "Attach a user to the council, with their roles there (secretariat)",
    tag="councils",
    body=MembershipIn,
    response=MemberOut,
    status=201,
    description=MEMBERSHIP_RULES,
)
def add_council_member(council_id: int, body: MembershipIn) -> MemberOut:
    row = services.set_membership(
        current_user,
        council_id,
        body.user_id,
        roles=body.roles,
        is_member=body.is_member,
        seat=body.seat,
        group_name=body.group_name,
        active=True,
    )
    db.session.commit()
    return member_out(row, accounts.get_user(body.user_id))


@bp.patch("/councils/<int:council_id>/members/<int:user_id>")
@operation(
    "updateCouncilMember",
    "Change a person's roles, seat or group in the council (secretariat)",
    tag="councils",
    body=MembershipUpdateIn,
    response=MemberOut,
    description=MEMBERSHIP_RULES,
)
def update_council_member(council_id: int, user_id: int, body: MembershipUpdateIn) -> MemberOut:
    changes = body.model_dump(exclude_unset=True)
    row = services.set_membership(
        current_user,
        council_id,
        user_id,
        roles=changes.get("roles"),
        is_member=changes.get("is_member"),
        seat=changes.get("seat", services.UNCHANGED),
        group_name=changes.get("group_name", services.UNCHANGED),
    )
    db.session.commit()
    return member_out(row, accounts.get_user(user_id))


@bp.delete("/councils/<int:council_id>/members/<int:user_id>")
@operation(
    "removeCouncilMember",
    "Detach a person from the council (secretariat); the record of what they did stays",
    tag="councils",
    response=MembershipRemovedOut,
    description=MEMBERSHIP_RULES,
)
def remove_council_member(council_id: int, user_id: int) -> MembershipRemovedOut:
    row = services.set_membership(current_user, council_id, user_id, active=False)
    db.session.commit()
    return MembershipRemovedOut(user_id=user_id, council_id=council_id, active=row.active)


# --- People --------------------------------------------------------------------------


@bp.get("/users")
@operation(
    "listUsers",
    "The people the secretariat manages, with their places in its councils",
    tag="people",
    response=UserListOut,
)
def list_users() -> UserListOut:
    return UserListOut(
        users=[user_admin_out(u, places) for u, places in people.list_users(current_user)]
    )


def _places(user_id: int) -> UserAdminOut:
    user = accounts.get_user(user_id)
    seen = services.visible_places(current_user, user)
    return user_admin_out(user, seen)


@bp.post("/users")
@operation(
    "createUser",
    "Create a person's account, attached to a council with their roles there (secretariat)",
    tag="people",
    body=UserCreateIn,
    response=UserAdminOut,
    status=201,
    description="A secretary creates people into a council it runs; an account attached to "
    "no council, or an administrator, is the administrator's to create. " + MEMBERSHIP_RULES,
)
def create_user(body: UserCreateIn) -> UserAdminOut:
    user = people.create_user(
        current_user,
        body.username,
        body.full_name,
        password=body.password,
        position=body.position,
        is_admin=body.is_admin,
        council_id=body.council_id,
        roles=body.roles,
        is_member=body.is_member,
        seat=body.seat,
        group_name=body.group_name,
    )
    db.session.commit()
    return _places(user.id)


@bp.patch("/users/<int:user_id>")
@operation(
    "updateUser", "Change a user's details", tag="people", body=UserUpdateIn, response=UserAdminOut
)
def update_user(user_id: int, body: UserUpdateIn) -> UserAdminOut:
    user = people.update_user(current_user, user_id, **body.model_dump(exclude_unset=True))
    db.session.commit()
    return _places(user.id)


@bp.post("/users/<int:user_id>/password")
@operation(
    "setUserPassword",
    "Set a user's password (their other sessions end)",
    tag="people",
    body=PasswordIn,
    response=UserAdminOut,
)
def set_password(user_id: int, body: PasswordIn) -> UserAdminOut:
    own = loader.current_session().id if user_id == current_user.id else None
    user = people.set_password(current_user, user_id, body.password, keep_session=own)
    db.session.commit()
    return _places(user.id)


@bp.post("/users/<int:user_id>/unlock")
@operation(
    "unlockAccount",
    "Clear the delays failed logins put on an account (secretariat, administrator)",
    tag="people",
    response=UnlockedOut,
)
def unlock_account(user_id: int) -> UnlockedOut:
    user = people.unlock(current_user, user_id)
    db.session.commit()
    return UnlockedOut(user_id=user.id, unlocked=True)


@bp.post("/users/<int:user_id>/pairing-tokens")
@operation(
    "createPairingToken",
    "A one-time QR pairing token for a user's tablet",
    tag="people",
    response=PairingTokenOut,
    status=201,
    description="Who issued it for whom is in the audit log. A tablet paired with a token "
    "someone else issued casts no ballot until its user confirms it (`confirmDevice`).",
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
    "Revoke a paired device: its sessions end at once",
    tag="people",
    response=DeviceOut,
)
def revoke_device(device_id: int) -> DeviceOut:
    device = people.revoke_device(current_user, device_id)
    db.session.commit()
    return device_out(device)
