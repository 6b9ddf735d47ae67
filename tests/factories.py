"""Factories for records the demo council does not have (another council, extra users)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import Flask

from server.accounts import services as accounts
from server.accounts.models import Role
from server.councils import services as councils
from server.db import utcnow
from server.extensions import db
from server.meetings import services as meetings
from server.meetings.models import Meeting

PASSWORD = "a-long-test-password"


def make_user(
    app: Flask,
    username: str,
    roles: Iterable[Role | str] = (),
    *,
    council_id: int | None = None,
    is_member: bool | None = None,
    is_admin: bool = False,
    **kwargs: Any,
) -> int:
    """An account with the password PASSWORD, attached to `council_id` with `roles` there."""
    with app.app_context():
        user = accounts.create_user(
            username,
            kwargs.pop("full_name", username.title()),
            password=PASSWORD,
            is_admin=is_admin,
            **kwargs,
        )
        if council_id is not None:
            councils.set_membership(None, council_id, user.id, roles=roles, is_member=is_member)
        db.session.commit()
        return int(user.id)


def make_council(
    app: Flask,
    name: str = "Hội đồng nhân dân xã Ea Tu",
    *,
    members: int = 3,
    prefix: str = "other",
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A council with `members` delegates (usernames prefix01...), a secretary and a meeting."""
    with app.app_context():
        council = councils.create_council(None, name, level="commune", settings=settings)
        secretary = accounts.create_user(f"{prefix}-secretary", "Thư ký", password=PASSWORD)
        councils.set_membership(None, council.id, secretary.id, roles=[Role.SECRETARY])
        delegates = []
        for n in range(1, members + 1):
            user = accounts.create_user(f"{prefix}{n:02d}", f"Đại biểu {n}", password=PASSWORD)
            councils.set_membership(
                None, council.id, user.id, roles=[Role.DELEGATE], is_member=True, seat=n
            )
            delegates.append(user.id)
        start = utcnow() + timedelta(days=3)
        meeting = meetings.create_meeting(
            secretary,
            council.id,
            title="Kỳ họp chuyên đề",
            starts_at=start,
            ends_at=start + timedelta(hours=8),
            status="scheduled",
        )
        item = meetings.create_agenda_item(
            secretary, meeting.id, title="Nội dung 1", kind="resolution"
        )
        db.session.commit()
        return {
            "council_id": council.id,
            "meeting_id": meeting.id,
            "item_id": item.id,
            "secretary": secretary.username,
            "delegates": delegates,
        }


def meeting_of(app: Flask, meeting_id: int) -> Meeting:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting is not None
        db.session.expunge(meeting)
        return meeting


def photo_png(size: tuple[int, int], noise: float) -> bytes:
    """A photograph-like PNG: smooth colour with a camera's noise (`noise`: its sigma)."""
    import io

    from PIL import Image

    photo = Image.merge(
        "RGB",
        (
            Image.effect_noise(size, noise),
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
        ),
    )
    stream = io.BytesIO()
    photo.save(stream, format="PNG")
    return stream.getvalue()


def photo_pdf(pages: int = 1) -> bytes:
    """A4 pages, each with a heading and a photograph."""
    import pymupdf

    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page(width=595, height=842)
        heading = f"Ảnh hiện trường công trình số {number}"
        page.insert_text((72, 90), heading, fontname="notos", fontsize=16)
        page.insert_image(pymupdf.Rect(72, 120, 523, 416), stream=photo_png((640, 420), 50))
    data: bytes = doc.tobytes()
    return data
