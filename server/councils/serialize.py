"""The councils API's answers, built from rows: the one place each is put together."""

from __future__ import annotations

from server.accounts.models import Device, User
from server.councils import services
from server.councils.models import Council, CouncilMembership
from server.councils.schemas import CouncilOut, DeviceOut, MemberOut, UserAdminOut


def council_out(council: Council) -> CouncilOut:
    return CouncilOut(
        id=council.id,
        name=council.name,
        level=council.level,
        term=council.term,
        members=services.member_count(council.id),
        settings=services.settings_of(council),
    )


def member_out(membership: CouncilMembership, user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        position=user.position,
        seat=membership.seat,
        group_name=membership.group_name,
    )


def user_admin_out(user: User) -> UserAdminOut:
    return UserAdminOut.model_validate(user)


def device_out(device: Device) -> DeviceOut:
    return DeviceOut.model_validate(device, from_attributes=True)
