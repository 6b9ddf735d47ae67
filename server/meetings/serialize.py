"""JSON of meeting objects, shared by the REST answers and the events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.accounts.models import User
from server.meetings.agenda import Node, number_items
from server.meetings.models import AgendaItem, SpeakerRequest


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def agenda_json(items: list[AgendaItem], current_id: int | None) -> list[dict[str, Any]]:
    by_id = {i.id: i for i in items}
    numbered = number_items([Node(i.id, i.parent_id, i.position) for i in items])
    child_count: dict[int, int] = {}
    for i in items:
        if i.parent_id is not None:
            child_count[i.parent_id] = child_count.get(i.parent_id, 0) + 1
    out = []
    for n in numbered:
        item = by_id[n.id]
        out.append(
            {
                "id": item.id,
                "parent_id": n.parent_id,
                "number": n.number,
                "depth": n.depth,
                "title": item.title,
                "kind": item.kind,
                "presenter": item.presenter,
                "description": item.description,
                "planned_at": _iso(item.planned_at),
                "status": item.status,
                "is_current": item.id == current_id,
                "has_children": child_count.get(item.id, 0) > 0,
            }
        )
    return out


def attendance_entry_json(
    user_id: int,
    full_name: str,
    seat: int | None,
    group_name: str | None,
    state: str | None,
    method: str | None,
    reason: str | None,
    checked_in_at: datetime | None,
) -> dict[str, Any]:
    """One member's line of the attendance list; no state means not yet checked in."""
    return {
        "user_id": user_id,
        "full_name": full_name,
        "seat": seat,
        "group_name": group_name,
        "state": state or "not_checked_in",
        "method": method,
        "reason": reason,
        "checked_in_at": _iso(checked_in_at),
    }


def speaker_json(row: SpeakerRequest, user: User) -> dict[str, Any]:
    return {
        "id": row.id,
        "agenda_item_id": row.agenda_item_id,
        "user_id": user.id,
        "full_name": user.full_name,
        "kind": row.kind,
        "addressee": row.addressee,
        "status": row.status,
        "position": row.position,
        "requested_at": _iso(row.requested_at),
        "started_at": _iso(row.started_at),
        "ended_at": _iso(row.ended_at),
        "spoken_seconds": row.spoken_seconds,
    }
