"""The councils API's answers, built from rows: the one place each is put together."""

from __future__ import annotations

from collections.abc import Iterable

from server.accounts.models import CouncilMembership, Device, User
from server.councils import services
from server.councils.models import Council
from server.councils.schemas import CouncilOut, DeviceOut, MemberOut, PlaceOut, UserAdminOut


def council_out(council: Council) -> CouncilOut:
    return CouncilOut(
        id=council.id,
        name=council.name,
        level=council.level,
        term=council.term,
        members=services.member_count(council.id),
        settings=services.settings_of(council),
        frozen_by_meeting_id=council.frozen_by_meeting_id,
    )


def member_out(membership: CouncilMembership, user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        position=user.position,
        seat=membership.seat,
        group_name=membership.group_name,
        is_member=membership.is_member,
        roles=sorted(membership.roles),
        active=membership.active,
    )


def user_admin_out(user: User, places: Iterable[CouncilMembership]) -> UserAdminOut:
    return UserAdminOut(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        position=user.position,
        roles=user.roles,
        language=user.language,
        active=user.active,
        is_admin=user.is_admin,
        is_demo=user.is_demo,
        last_login_at=user.last_login_at,
        councils=[
            PlaceOut(
                council_id=m.council_id,
                roles=sorted(m.roles),
                is_member=m.is_member,
                seat=m.seat,
                active=m.active,
            )
            for m in places
        ],
    )


def device_out(device: Device) -> DeviceOut:
    return DeviceOut.model_validate(device, from_attributes=True)
