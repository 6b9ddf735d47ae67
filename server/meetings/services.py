"""Councils, sessions, the agenda, attendance and the speakers' queue.

Each function takes the acting user, checks permission, changes state, records the
meeting event (sent after the caller commits) and returns what it changed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from server.accounts.models import Role, User
from server.api import jsonable
from server.audit import service as audit
from server.councils import access as council_access
from server.councils import services as councils
from server.db import utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.events.decisions import decide
from server.events.outbox import publish
from server.extensions import db
from server.meetings import access
from server.meetings.agenda import (
    MAX_DEPTH,
    AgendaError,
    Node,
    apply_order,
    depth_of,
    descendants,
)
from server.meetings.kinds import AttendanceMethod, AttendanceState
from server.meetings.models import AgendaItem, Attendance, Meeting, SpeakerRequest
from server.meetings.quorum import Quorum, quorum
from server.meetings.schemas import (
    AgendaItemOut,
    AttendanceCountsOut,
    AttendanceEntryOut,
    AttendanceOut,
    QuorumOut,
    SpeakerOut,
)
from server.meetings.serialize import (
    agenda_out,
    attendance_entry_out,
    follow_out,
    meeting_out,
    speaker_out,
)

#: The hall code changes every this many seconds; the previous code stays valid too.
HALL_CODE_PERIOD = 30

PRESENT_STATES = ("present", "online")


# --- Meetings ------------------------------------------------------------------------


def meeting_by_id(meeting_id: int) -> Meeting:
    """A meeting for work the server does by itself (timers, jobs): no one's access checked."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting_not_found")
    return meeting


def list_meetings(actor: User) -> list[Meeting]:
    """Meetings the actor may see, newest first."""
    query = sa.select(Meeting).order_by(Meeting.starts_at.desc())
    ids = council_access.council_ids(actor)
    if ids is not None:
        query = query.where(Meeting.council_id.in_(ids))
        staff_councils = [c for c in ids if council_access.is_staff_of(actor, c)]
        query = query.where(
            sa.or_(Meeting.status != "draft", Meeting.council_id.in_(staff_councils))
        )
    return list(db.session.scalars(query))


def create_meeting(
    actor: User,
    council_id: int,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str | None = None,
    status: str = "draft",
) -> Meeting:
    councils.get_council(council_id)
    if not council_access.can_reach_council(actor, council_id):
        raise NotFound("council_not_found")
    if not council_access.is_staff_of(actor, council_id, frozenset({Role.SECRETARY})):
        raise Forbidden("forbidden")
    if ends_at <= starts_at:
        raise Invalid("meeting_dates")
    meeting = Meeting(
        council_id=council_id,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        status=status,
    )
    db.session.add(meeting)
    db.session.flush()
    decide(
        "meeting.created",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"meeting:{meeting.id}",
        data={"title": meeting.title},
    )
    return meeting


def update_meeting(actor: User, meeting_id: int, **changes: Any) -> Meeting:
    """Change a session's title, place, times or status (secretariat); recorded in the audit
    log. While it is in progress its council's electorate is frozen."""
    meeting = access.get_meeting_for(actor, meeting_id)
    access.require_secretariat(actor, meeting)
    changed: dict[str, Any] = {}
    for field in ("title", "location", "starts_at", "ends_at", "status"):
        value = changes.get(field)
        if value is not None and value != getattr(meeting, field):
            before = getattr(meeting, field)
            setattr(meeting, field, value)
            changed[field] = {"from": _plain(before), "to": _plain(value)}
    if meeting.ends_at <= meeting.starts_at:
        raise Invalid("meeting_dates")
    meeting.updated_at = utcnow()
    if "status" in changed:
        _freeze_electorate(meeting)
    decide(
        "meeting.updated",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"meeting:{meeting.id}",
        data=changed,
        events=[("meeting.updated", {"meeting": jsonable(meeting_out(meeting))})],
    )
    return meeting


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _freeze_electorate(meeting: Meeting) -> None:
    """Keep the council's electorate frozen while one of its sessions is in progress."""
    db.session.flush()
    running = db.session.scalar(
        sa.select(sa.func.min(Meeting.id)).where(
            Meeting.council_id == meeting.council_id, Meeting.status == "in_progress"
        )
    )
    councils.freeze(meeting.council_id, running)


def electorate_changes(meeting: Meeting) -> list[dict[str, Any]]:
    """Changes of the council's members while this session was in progress, from the audit
    log: who, what before and after, by whom and when."""
    out = []
    for entry in audit.entries_for_meeting(meeting.id, action_prefix="membership."):
        before = entry.data.get("before") or {}
        after = entry.data.get("after") or {}
        if _counted(before) == _counted(after):
            continue
        out.append(
            {
                "action": entry.action,
                "user_id": entry.data.get("user_id"),
                "full_name": entry.data.get("full_name"),
                "before": before,
                "after": after,
                "actor_id": entry.actor_id,
                "at": entry.created_at.isoformat(),
            }
        )
    return out


def _counted(place: dict[str, Any]) -> tuple[bool, int | None]:
    """What of a membership counts in a vote: an active elected member, and their seat."""
    counted = bool(place.get("active") and place.get("is_member"))
    return counted, place.get("seat") if counted else None


def _require_open(meeting: Meeting) -> None:
    if meeting.status == "closed":
        raise Conflict("meeting_closed")


# --- Agenda --------------------------------------------------------------------------


def agenda_items(meeting_id: int) -> list[AgendaItem]:
    return list(
        db.session.scalars(sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
    )


def agenda(meeting: Meeting) -> list[AgendaItemOut]:
    """The agenda in reading order, numbered, with the current item marked."""
    return agenda_out(agenda_items(meeting.id), meeting.current_agenda_item_id)


def require_item_of(meeting: Meeting, item_id: int) -> AgendaItem:
    """The agenda item, which must belong to `meeting` (404 unknown, 422 another meeting's)."""
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("agenda_item_not_found")
    if item.meeting_id != meeting.id:
        raise Invalid("agenda_item_other_meeting")
    return item


def _nodes(items: list[AgendaItem]) -> list[Node]:
    return [Node(i.id, i.parent_id, i.position) for i in items]


def get_agenda_item(actor: User, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("agenda_item_not_found")
    meeting = access.get_meeting_for(actor, item.meeting_id)
    return item, meeting


def _publish_agenda(meeting: Meeting) -> None:
    publish(meeting.id, "agenda.updated", {"agenda": jsonable(agenda(meeting))})


def create_agenda_item(
    actor: User,
    meeting_id: int,
    *,
    title: str,
    kind: str = "other",
    parent_id: int | None = None,
    presenter: str | None = None,
    description: str | None = None,
    planned_at: datetime | None = None,
) -> AgendaItem:
    """Add an item at the end of its section (or of the agenda)."""
    meeting = access.get_meeting_for(actor, meeting_id)
    access.require_secretariat(actor, meeting)
    _require_open(meeting)
    items = agenda_items(meeting.id)
    if parent_id is not None:
        if parent_id not in {i.id for i in items}:
            raise Invalid("agenda_order_unknown_parent")
        if depth_of(_nodes(items), parent_id) > MAX_DEPTH:
            raise Invalid("agenda_too_deep")
    siblings = [i.position for i in items if i.parent_id == parent_id]
    item = AgendaItem(
        meeting_id=meeting.id,
        parent_id=parent_id,
        position=max(siblings, default=-1) + 1,
        title=title.strip(),
        kind=kind,
        presenter=presenter,
        description=description,
        planned_at=planned_at,
    )
    db.session.add(item)
    db.session.flush()
    _publish_agenda(meeting)
    return item


def update_agenda_item(actor: User, item_id: int, **changes: Any) -> AgendaItem:
    item, meeting = get_agenda_item(actor, item_id)
    access.require_secretariat(actor, meeting)
    _require_open(meeting)
    # title and kind cannot be empty: null leaves them as they are; the rest may be cleared.
    for field in ("title", "kind"):
        if changes.get(field) is not None:
            setattr(item, field, changes[field])
    for field in ("presenter", "description", "planned_at"):
        if field in changes:
            setattr(item, field, changes[field])
    db.session.flush()
    _publish_agenda(meeting)
    return item


def delete_agenda_item(actor: User, item_id: int) -> Meeting:
    """Remove an item and everything below it."""
    item, meeting = get_agenda_item(actor, item_id)
    access.require_secretariat(actor, meeting)
    _require_open(meeting)
    items = agenda_items(meeting.id)
    doomed = {item.id} | descendants(_nodes(items), item.id)
    if meeting.current_agenda_item_id in doomed:
        meeting.current_agenda_item_id = None
    db.session.execute(sa.delete(AgendaItem).where(AgendaItem.id.in_(doomed)))
    db.session.expire_all()
    _publish_agenda(meeting)
    return meeting


def reorder_agenda(actor: User, meeting_id: int, order: list[tuple[int, int | None]]) -> Meeting:
    """Apply a complete new order [(item id, parent id), ...] from the console."""
    meeting = access.get_meeting_for(actor, meeting_id)
    access.require_secretariat(actor, meeting)
    _require_open(meeting)
    items = agenda_items(meeting.id)
    try:
        placement = apply_order(_nodes(items), order)
    except AgendaError as exc:
        raise Invalid(exc.code) from None
    for item in items:
        item.parent_id, item.position = placement[item.id]
    db.session.flush()
    _publish_agenda(meeting)
    return meeting


def set_current_item(actor: User, meeting_id: int, item_id: int | None) -> Meeting:
    """The chair moves the session to an item (or to none, between items)."""
    meeting = access.get_meeting_for(actor, meeting_id)
    access.require_chair_or_secretariat(actor, meeting)
    _require_open(meeting)
    if item_id is not None:
        require_item_of(meeting, item_id)
    meeting.current_agenda_item_id = item_id
    if meeting.status == "scheduled" and item_id is not None:
        meeting.status = "in_progress"
        councils.freeze(meeting.council_id, meeting.id)
        decide(
            "meeting.updated",
            actor_id=actor.id,
            meeting_id=meeting.id,
            subject=f"meeting:{meeting.id}",
            data={"status": {"from": "scheduled", "to": "in_progress"}},
        )
    meeting.follow_document_id = None
    meeting.follow_page = None
    decide(
        "agenda.current",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"agenda_item:{item_id}" if item_id else None,
        events=[
            (
                "agenda.current",
                {"agenda_item_id": item_id, "status": meeting.status, "follow": None},
            )
        ],
    )
    return meeting


def set_item_done(actor: User, item_id: int, done: bool) -> AgendaItem:
    item, meeting = get_agenda_item(actor, item_id)
    access.require_chair_or_secretariat(actor, meeting)
    _require_open(meeting)
    item.status = "done" if done else "pending"
    db.session.flush()
    _publish_agenda(meeting)
    return item


def set_follow(actor: User, meeting: Meeting, document_id: int | None, page: int | None) -> Meeting:
    """Ask every tablet to open a document at a page ("follow the chair"), or stop asking.

    The caller has checked that the document belongs to the meeting and is published.
    """
    access.require_chair_or_secretariat(actor, meeting)
    _require_open(meeting)
    meeting.follow_document_id = document_id
    meeting.follow_page = page if document_id is not None else None
    publish(meeting.id, "follow.updated", {"follow": jsonable(follow_out(meeting))})
    return meeting


# --- Attendance ----------------------------------------------------------------------


def hall_code(meeting_id: int, at: float | None = None) -> tuple[str, int]:
    """The code the hall display shows now, and seconds until it changes."""
    now = time.time() if at is None else at
    window = int(now // HALL_CODE_PERIOD)
    remaining = HALL_CODE_PERIOD - int(now % HALL_CODE_PERIOD)
    return _code_for(meeting_id, window), remaining


def _code_for(meeting_id: int, window: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"hall:{meeting_id}:{window}".encode(), hashlib.sha256).hexdigest()
    return digest[:10]


def hall_code_is_valid(meeting_id: int, code: str, at: float | None = None) -> bool:
    """True for the current code and the one before it (a scan may take a few seconds)."""
    now = time.time() if at is None else at
    window = int(now // HALL_CODE_PERIOD)
    sent = code.encode()
    return any(
        hmac.compare_digest(_code_for(meeting_id, w).encode(), sent) for w in (window, window - 1)
    )


def attendance_rows(meeting_id: int) -> dict[int, Attendance]:
    rows = db.session.scalars(sa.select(Attendance).where(Attendance.meeting_id == meeting_id))
    return {row.user_id: row for row in rows}


def attendance_entries(meeting: Meeting) -> list[AttendanceEntryOut]:
    """Every member's attendance, by seat then name. Two queries and no ORM objects: this
    goes to every tablet that joins and with every check-in, for councils of up to 500
    members. The attendance is read apart and matched here: as an outer join, PostgreSQL
    planned it over freshly filled tables as a nested loop over every pair (16 ms for 500
    members, against 1 ms for the two reads)."""
    members = councils.member_rows(meeting.council_id)
    checked = {
        row.user_id: row
        for row in db.session.execute(
            sa.select(
                Attendance.user_id,
                Attendance.state,
                Attendance.method,
                Attendance.reason,
                Attendance.checked_in_at,
            ).where(Attendance.meeting_id == meeting.id)
        )
    }
    entries = []
    for user_id, full_name, seat, group_name in members:
        row = checked.get(user_id)
        entries.append(
            attendance_entry_out(
                user_id,
                full_name,
                seat,
                group_name,
                *((row.state, row.method, row.reason, row.checked_in_at) if row else (None,) * 4),
            )
        )
    return entries


def checked_in_ids(meeting: Meeting) -> set[int]:
    """Who is checked in as present (or online where the council allows it), members or not.

    A column read, not objects: it runs on every vote.progress of a 500-seat hall.
    """
    counted = councils.settings_of(meeting.council).present_states
    return set(
        db.session.scalars(
            sa.select(Attendance.user_id).where(
                Attendance.meeting_id == meeting.id, Attendance.state.in_(counted)
            )
        )
    )


def present_member_ids(meeting: Meeting) -> set[int]:
    """Members checked in as present (or online where the council allows it).

    Two single-table reads intersected here rather than one join: with the statistics of
    freshly filled tables (members added and checked in just before the session),
    PostgreSQL planned the join as a nested loop over every pair, 15 ms for 500 members,
    on every vote.progress and at every close.
    """
    return checked_in_ids(meeting) & councils.member_ids(meeting.council_id)


def attendance_state(meeting_id: int, user_id: int) -> AttendanceState | None:
    return db.session.scalar(
        sa.select(Attendance.state).where(
            Attendance.meeting_id == meeting_id, Attendance.user_id == user_id
        )
    )


def quorum_of(meeting: Meeting) -> Quorum:
    return _quorum(meeting, [entry.state for entry in attendance_entries(meeting)])


def _quorum(meeting: Meeting, states: list[str]) -> Quorum:
    """The quorum from every member's attendance state."""
    settings = councils.settings_of(meeting.council)
    present = sum(1 for state in states if state in settings.present_states)
    return quorum(len(states), present, settings.quorum_numerator, settings.quorum_denominator)


def attendance(meeting: Meeting) -> AttendanceOut:
    """Counts, quorum and every member's state."""
    entries = attendance_entries(meeting)
    return AttendanceOut(**dict(attendance_counts(meeting, entries)), entries=entries)


def attendance_counts(meeting: Meeting, entries: list[AttendanceEntryOut]) -> AttendanceCountsOut:
    counts = {s: 0 for s in ("present", "online", "excused", "absent", "not_checked_in")}
    for entry in entries:
        counts[entry.state] += 1
    q = _quorum(meeting, [entry.state for entry in entries])
    return AttendanceCountsOut(
        members=q.members,
        present=q.present,
        counts=counts,
        quorum=QuorumOut(required=q.required, reached=q.reached),
    )


def check_in(
    actor: User,
    meeting_id: int,
    *,
    user_id: int | None = None,
    state: AttendanceState = "present",
    reason: str | None = None,
    code: str | None = None,
) -> Attendance:
    """Record a member's attendance: by the member, or by the secretariat for them."""
    meeting = access.get_meeting_for(actor, meeting_id)
    _require_open(meeting)
    settings = councils.settings_of(meeting.council)
    target_id = user_id if user_id is not None else actor.id
    on_behalf = target_id != actor.id
    method: AttendanceMethod
    if on_behalf:
        _require_member_target(actor, meeting, target_id)
        method = "secretariat"
    else:
        access.require_member(actor, meeting)
        if state == "absent":
            raise Forbidden("forbidden")
        method = "self"
        if state == "present" and code is not None:
            if not hall_code_is_valid(meeting.id, code):
                raise Invalid("hall_code_invalid")
            method = "qr"
        elif state == "present" and settings.checkin_requires_hall_code:
            raise Invalid("hall_code_required")
    if state == "online" and not settings.online_attendance:
        raise Invalid("online_not_allowed")
    if state == "excused" and not (reason and reason.strip()):
        raise Invalid("reason_required")

    row = db.session.get(Attendance, (meeting.id, target_id))
    now = utcnow()
    if row is None:
        row = Attendance(meeting_id=meeting.id, user_id=target_id, state=state, method=method)
        db.session.add(row)
    row.state = state
    row.method = method
    row.reason = reason.strip() if reason else None
    row.recorded_by_id = actor.id
    row.updated_at = now
    if state in PRESENT_STATES:
        row.checked_in_at = row.checked_in_at or now
    db.session.flush()
    _record_attendance(actor, meeting, target_id, {"state": state, "reason": row.reason})
    return row


def check_out(actor: User, meeting_id: int, *, user_id: int | None = None) -> Attendance:
    """A member leaves the sitting: recorded as absent from now on."""
    meeting = access.get_meeting_for(actor, meeting_id)
    _require_open(meeting)
    target_id = user_id if user_id is not None else actor.id
    if target_id != actor.id:
        _require_member_target(actor, meeting, target_id)
    else:
        access.require_member(actor, meeting)
    row = db.session.get(Attendance, (meeting.id, target_id))
    if row is None:
        row = Attendance(meeting_id=meeting.id, user_id=target_id, state="absent", method="self")
        db.session.add(row)
    row.state = "absent"
    row.method = "self" if target_id == actor.id else "secretariat"
    row.recorded_by_id = actor.id
    row.updated_at = utcnow()
    db.session.flush()
    _record_attendance(actor, meeting, target_id, {"state": "absent"})
    return row


def _require_member_target(actor: User, meeting: Meeting, user_id: int) -> None:
    """The secretariat records attendance for an elected member of this council only."""
    access.require_secretariat(actor, meeting)
    target = db.session.get(User, user_id)
    if target is None or access.member_of(target, meeting) is None:
        raise Invalid("not_a_member_user")


def _record_attendance(actor: User, meeting: Meeting, user_id: int, data: dict[str, Any]) -> None:
    """`attendance.updated` to the room; recorded in the audit log when the secretariat
    recorded it for someone (a member's own check-in is theirs to make)."""
    entries = attendance_entries(meeting)
    changed = next((e for e in entries if e.user_id == user_id), None)
    event = (
        "attendance.updated",
        {**jsonable(attendance_counts(meeting, entries)), "entry": jsonable(changed)},
    )
    if user_id == actor.id:
        publish(meeting.id, *event)
        return
    decide(
        "attendance.recorded",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"user:{user_id}",
        data=data,
        events=[event],
    )


# --- Speakers ------------------------------------------------------------------------


def speakers(meeting: Meeting, agenda_item_id: int | None = None) -> list[SpeakerOut]:
    """The queue of the given item (default: the current one): speaking, waiting, done."""
    item_id = agenda_item_id or meeting.current_agenda_item_id
    if item_id is None:
        return []
    rows = db.session.execute(
        sa.select(SpeakerRequest, User.full_name)
        .join(User, User.id == SpeakerRequest.user_id)
        .where(
            SpeakerRequest.meeting_id == meeting.id,
            SpeakerRequest.agenda_item_id == item_id,
            SpeakerRequest.status != "withdrawn",
        )
    ).all()
    order = {"speaking": 0, "waiting": 1, "done": 2}
    rows = sorted(
        rows,
        key=lambda r: (
            order[r[0].status],
            r[0].position if r[0].status == "waiting" else 0,
            r[0].started_at or r[0].requested_at,
        ),
    )
    return [speaker_out(s, name) for s, name in rows]


def speeches(meeting_id: int) -> list[tuple[SpeakerRequest, str]]:
    """Every speech given in the meeting (with the speaker's name), in the order given:
    withdrawn and still waiting requests are not a record."""
    rows = db.session.execute(
        sa.select(SpeakerRequest, User.full_name)
        .join(User, User.id == SpeakerRequest.user_id)
        .where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.status.in_(("speaking", "done")),
            SpeakerRequest.started_at.is_not(None),
        )
        .order_by(SpeakerRequest.started_at, SpeakerRequest.id)
    ).all()
    return [(row, str(name)) for row, name in rows]


def _publish_speakers(meeting: Meeting, agenda_item_id: int) -> None:
    publish(
        meeting.id,
        "speakers.updated",
        {
            "agenda_item_id": agenda_item_id,
            "speakers": jsonable(speakers(meeting, agenda_item_id)),
        },
    )


def request_to_speak(
    actor: User,
    meeting_id: int,
    *,
    kind: str = "debate",
    addressee: str | None = None,
) -> SpeakerRequest:
    """A member asks to speak on the current item."""
    meeting = access.get_meeting_for(actor, meeting_id)
    _require_open(meeting)
    access.require_member(actor, meeting)
    item_id = meeting.current_agenda_item_id
    if item_id is None:
        raise Conflict("no_current_item")
    if kind == "question" and not (addressee and addressee.strip()):
        raise Invalid("addressee_required")
    existing = db.session.scalar(
        sa.select(SpeakerRequest).where(
            SpeakerRequest.agenda_item_id == item_id,
            SpeakerRequest.user_id == actor.id,
            SpeakerRequest.status.in_(("waiting", "speaking")),
        )
    )
    if existing is not None:
        raise Conflict("already_requested")
    last = db.session.scalar(
        sa.select(sa.func.max(SpeakerRequest.position)).where(
            SpeakerRequest.agenda_item_id == item_id
        )
    )
    row = SpeakerRequest(
        meeting_id=meeting.id,
        agenda_item_id=item_id,
        user_id=actor.id,
        kind=kind,
        addressee=addressee.strip() if addressee else None,
        position=(last if last is not None else -1) + 1,
    )
    db.session.add(row)
    db.session.flush()
    _publish_speakers(meeting, item_id)
    return row


def _speaker(actor: User, speaker_id: int) -> tuple[SpeakerRequest, Meeting]:
    row = db.session.get(SpeakerRequest, speaker_id)
    if row is None:
        raise NotFound("speaker_not_found")
    meeting = access.get_meeting_for(actor, row.meeting_id)
    _require_open(meeting)
    return row, meeting


def withdraw_request(actor: User, speaker_id: int) -> SpeakerRequest:
    row, meeting = _speaker(actor, speaker_id)
    if row.user_id != actor.id:
        access.require_chair_or_secretariat(actor, meeting)
    if row.status != "waiting":
        raise Conflict("speaker_state", status=row.status)
    row.status = "withdrawn"
    db.session.flush()
    _publish_speakers(meeting, row.agenda_item_id)
    return row


def _end(row: SpeakerRequest, now: datetime) -> None:
    row.status = "done"
    row.ended_at = now
    if row.started_at is not None:
        row.spoken_seconds = max(0, int((now - row.started_at).total_seconds()))


def give_floor(actor: User, speaker_id: int) -> SpeakerRequest:
    """The chair gives the floor; whoever was speaking on the item is ended first."""
    row, meeting = _speaker(actor, speaker_id)
    access.require_chair_or_secretariat(actor, meeting)
    if row.status != "waiting":
        raise Conflict("speaker_state", status=row.status)
    now = utcnow()
    speaking = db.session.scalars(
        sa.select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.status == "speaking"
        )
    )
    for other in speaking:
        _end(other, now)
    row.status = "speaking"
    row.started_at = now
    db.session.flush()
    _publish_speakers(meeting, row.agenda_item_id)
    return row


def end_floor(actor: User, speaker_id: int) -> SpeakerRequest:
    row, meeting = _speaker(actor, speaker_id)
    access.require_chair_or_secretariat(actor, meeting)
    if row.status != "speaking":
        raise Conflict("speaker_state", status=row.status)
    _end(row, utcnow())
    db.session.flush()
    _publish_speakers(meeting, row.agenda_item_id)
    return row


def reorder_speakers(actor: User, meeting_id: int, speaker_ids: list[int]) -> Meeting:
    """The chair puts the waiting speakers of the current item in a new order."""
    meeting = access.get_meeting_for(actor, meeting_id)
    access.require_chair_or_secretariat(actor, meeting)
    _require_open(meeting)
    item_id = meeting.current_agenda_item_id
    if item_id is None:
        raise Conflict("no_current_item")
    waiting = {
        r.id: r
        for r in db.session.scalars(
            sa.select(SpeakerRequest).where(
                SpeakerRequest.agenda_item_id == item_id, SpeakerRequest.status == "waiting"
            )
        )
    }
    if sorted(speaker_ids) != sorted(waiting) or len(set(speaker_ids)) != len(speaker_ids):
        raise Invalid("speaker_order_incomplete")
    for position, sid in enumerate(speaker_ids):
        waiting[sid].position = position
    db.session.flush()
    _publish_speakers(meeting, item_id)
    return meeting
