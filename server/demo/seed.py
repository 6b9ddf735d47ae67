"""The demo council, seeded once by `flask seed-demo`: accounts, members, a session, its agenda.

Accounts (password "demo"): admin, secretary, chair, display, guest, delegate01..delegate50.
Then the session's documents (server/demo/documents.py) and draft motions
(server/demo/voting.py) are added through those features' services.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from server.accounts import services as accounts
from server.accounts.models import Role, User
from server.accounts.passwords import hash_password
from server.councils import services as councils
from server.demo import content
from server.demo.documents import seed_documents
from server.demo.session import DemoSession
from server.demo.voting import add_demo_motions
from server.extensions import db
from server.meetings import services as meetings

DEMO_PASSWORD = "demo"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

#: (username, name, roles in the demo council, position); the administrator holds none.
STAFF = [
    ("admin", "Quản trị hệ thống", [], "Trung tâm Chuyển đổi số tỉnh"),
    (
        "secretary",
        "Nguyễn Thị Thu Hà",
        [Role.SECRETARY],
        "Chuyên viên Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    ),
    ("chair", "Trần Quốc Khánh", [Role.CHAIR], "Chủ tịch HĐND tỉnh, chủ tọa kỳ họp"),
    ("display", "Màn hình hội trường", [Role.DISPLAY], None),
    ("guest", "Lê Minh Tuấn", [Role.GUEST], "Phóng viên Báo Đắk Lắk (khách mời)"),
]


def is_seeded() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).where(User.is_demo.is_(True))) != 0


def member_names(rng: random.Random, count: int) -> list[str]:
    """Plausible, distinct Vietnamese full names, with highland delegates among them."""
    names: list[str] = []
    highland = iter(content.HIGHLAND_NAMES)
    while len(names) < count:
        if len(names) % 6 == 5:
            name = next(highland, None)
            if name is not None:
                names.append(name)
                continue
        female = rng.random() < 0.45
        middle = rng.choice(content.MIDDLE_NAMES_FEMALE if female else content.MIDDLE_NAMES_MALE)
        given = rng.choice(content.GIVEN_NAMES_FEMALE if female else content.GIVEN_NAMES_MALE)
        name = f"{rng.choice(content.FAMILY_NAMES)} {middle} {given}"
        if name not in names:
            names.append(name)
    return names


def _session_start(now: datetime) -> datetime:
    """08:00 Vietnam time a week from now, so documents published today are on time."""
    day = (now.astimezone(VIETNAM) + timedelta(days=7)).date()
    return datetime.combine(day, time(8, 0), tzinfo=VIETNAM)


def seed_demo(now: datetime) -> DemoSession | None:
    """Create the demo council once; None when it already exists."""
    if is_seeded():
        return None
    rng = random.Random(2026)
    password_hash = hash_password(DEMO_PASSWORD)

    def account(username: str, name: str, position: str | None) -> User:
        user = accounts.create_user(
            username, name, position=position, is_admin=username == "admin", is_demo=True
        )
        user.password_hash = password_hash
        return user

    staff = {u: account(u, n, p) for u, n, _, p in STAFF}
    council = councils.create_council(
        None, content.COUNCIL_NAME, level="province", term=content.COUNCIL_TERM
    )
    for username, _, roles, _ in STAFF:
        if roles:
            councils.set_membership(None, council.id, staff[username].id, roles=roles)

    delegates = []
    positions = iter(content.POSITIONS)
    for number, name in enumerate(member_names(rng, content.MEMBER_COUNT), start=1):
        user = account(
            f"delegate{number:02d}", name, next(positions, "Đại biểu Hội đồng nhân dân tỉnh")
        )
        councils.set_membership(
            None,
            council.id,
            user.id,
            roles=[Role.DELEGATE],
            is_member=True,
            seat=number,
            group_name=content.GROUPS[(number - 1) // 5],
        )
        delegates.append(user)

    starts = _session_start(now)
    meeting = meetings.create_meeting(
        staff["secretary"],
        council.id,
        title=content.MEETING_TITLE,
        starts_at=starts,
        ends_at=starts + timedelta(days=1, hours=9),
        location=content.MEETING_LOCATION,
        status="scheduled",
    )
    items = []
    slot = starts
    for kind, title, presenter, children in content.AGENDA:
        section = meetings.create_agenda_item(
            staff["secretary"],
            meeting.id,
            title=title,
            kind=kind,
            presenter=presenter,
            planned_at=slot,
        )
        items.append(section)
        for child_kind, child_title, child_presenter in children:
            items.append(
                meetings.create_agenda_item(
                    staff["secretary"],
                    meeting.id,
                    title=child_title,
                    kind=child_kind,
                    parent_id=section.id,
                    presenter=child_presenter,
                    planned_at=slot,
                )
            )
            slot += timedelta(minutes=45)
            if slot.astimezone(VIETNAM).hour >= 17:
                next_day = slot.astimezone(VIETNAM).date() + timedelta(days=1)
                slot = datetime.combine(next_day, time(8, 0), tzinfo=VIETNAM)

    demo = DemoSession(
        council_id=council.id,
        meeting=meeting,
        items=items,
        secretary=staff["secretary"],
        chair=staff["chair"],
        delegates=delegates,
    )
    seed_documents(demo)
    add_demo_motions(demo)
    return demo
