"""Motions and votes: create, open, cast, close, announce, cancel.

Each function takes the acting user, checks permission through meetings.access, changes
rows, records the meeting events and audit entries (sent and kept only if the caller's
transaction commits) and returns what it changed. Counting is `rules.count`.

Concurrency. `castVote` holds a shared lock on the motion row (FOR SHARE on PostgreSQL) and
`closeVote` an exclusive one (FOR UPDATE), so a close waits for ballots being written and a
ballot arriving after the close sees the vote closed: every acknowledged ballot is counted.
On SQLite every write transaction takes the database lock up front (BEGIN IMMEDIATE), which
orders them the same way. The primary key of `ballots` (motion, user) is the one-ballot-per-
delegate guarantee; a partial unique index keeps one open vote per meeting.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from server.accounts import services as accounts
from server.accounts.models import Role, User
from server.api import MAX_ID, jsonable
from server.audit import service as audit
from server.councils import access as councils_access
from server.councils import services as councils
from server.db import SQLITE_BUSY_SECONDS, upsert_insert, utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.events.decisions import decide
from server.events.outbox import notify, publish, staff_room
from server.extensions import db, socketio
from server.lifecycle import on_serve
from server.meetings import access
from server.meetings import services as meetings
from server.transaction import after_commit
from server.voting import housekeeping, rules, secrecy
from server.voting.models import Ballot, Motion, MotionOption, SecretBallot, VoteParticipant
from server.voting.schemas import MotionOut, NonVoter, NonVotersOut, OptionOut, ResultOut

if TYPE_CHECKING:
    from server.meetings.models import Meeting

log = logging.getLogger(__name__)

MAX_DURATION_SECONDS = 24 * 3600
#: A key file this young may belong to a vote whose opening has not committed yet.
KEY_GRACE_SECONDS = 60.0


# --- Looking up --------------------------------------------------------------------------


def is_staff(user: User, meeting: Meeting) -> bool:
    return access.is_staff(user, meeting)


def visible_to(user: User, meeting: Meeting, motion: Motion) -> bool:
    """Delegates, guests and the display see votes once opened; staff see drafts too."""
    return motion.opened_at is not None or is_staff(user, meeting)


def get_motion(actor: User, motion_id: int, *, lock: str | None = None) -> tuple[Motion, Meeting]:
    """The motion and its meeting if `actor` may see them (else 404).

    `lock`: "share" (casting) or "update" (closing, opening) takes the row lock on PostgreSQL.
    """
    if not 0 < motion_id <= MAX_ID:
        raise NotFound("motion_not_found")
    query = sa.select(Motion).where(Motion.id == motion_id)
    if lock is not None:
        query = query.with_for_update(read=lock == "share").execution_options(
            populate_existing=True
        )
    motion = db.session.scalar(query)
    if motion is None:
        raise NotFound("motion_not_found")
    meeting = access.get_meeting_for(actor, motion.meeting_id)
    if not visible_to(actor, meeting, motion):
        raise NotFound("motion_not_found")
    return motion, meeting


def options_of(motion_id: int) -> list[MotionOption]:
    return list(
        db.session.scalars(
            sa.select(MotionOption)
            .where(MotionOption.motion_id == motion_id)
            .order_by(MotionOption.position)
        )
    )


def spec_of(motion: Motion, options: Sequence[MotionOption] | None = None) -> rules.MotionSpec:
    if options is None:
        options = options_of(motion.id) if motion.kind != "resolution" else []
    return rules.MotionSpec(
        kind=motion.kind,
        rule=motion.rule,
        option_ids=tuple(o.id for o in options),
        max_choices=motion.max_choices or 0,
    )


def meeting_for(actor: User, meeting_id: int) -> Meeting:
    """The meeting if `actor` may see it (404 also for ids no database column can hold)."""
    if not 0 < meeting_id <= MAX_ID:
        raise NotFound("meeting_not_found")
    return access.get_meeting_for(actor, meeting_id)


def list_motions(actor: User, meeting_id: int) -> tuple[Meeting, list[Motion]]:
    meeting = meeting_for(actor, meeting_id)
    staff = is_staff(actor, meeting)
    motions = [
        m
        for m in db.session.scalars(
            sa.select(Motion).where(Motion.meeting_id == meeting.id).order_by(Motion.id)
        )
        if staff or m.opened_at is not None
    ]
    return meeting, motions


def opened_motions(meeting_id: int) -> list[Motion]:
    """The meeting's motions that were put to the vote, in the order they were opened."""
    return list(
        db.session.scalars(
            sa.select(Motion)
            .where(Motion.meeting_id == meeting_id, Motion.opened_at.is_not(None))
            .order_by(Motion.opened_at, Motion.id)
        )
    )


def open_vote_count() -> int:
    """Votes open now, across every meeting."""
    return int(db.session.scalar(sa.select(sa.func.count()).where(Motion.status == "open")) or 0)


def open_motion_id(meeting_id: int) -> int | None:
    return db.session.scalar(
        sa.select(Motion.id).where(Motion.meeting_id == meeting_id, Motion.status == "open")
    )


def voter_ids(motion_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(Ballot.user_id).where(Ballot.motion_id == motion_id)))


def live_counts(motion: Motion, meeting: Meeting) -> tuple[int, int]:
    """(ballots cast, members eligible) now: eligible are members present and those who
    already voted; after close, the frozen figures."""
    if motion.status == "closed" and motion.result is not None:
        return int(motion.result["cast"]), int(motion.result["present"])
    if motion.status == "draft":
        return 0, len(meetings.present_member_ids(meeting))
    if motion.status != "open":
        return 0, 0
    voters = voter_ids(motion.id)
    return len(voters), len(meetings.present_member_ids(meeting) | voters)


def my_ballot(motion: Motion, user: User) -> dict[str, Any] | None:
    """The user's own ballot while the vote is open (shown only to them)."""
    if motion.status != "open":
        return None
    row = db.session.get(Ballot, (motion.id, user.id))
    return _opened(motion, user.id, row.value) if row is not None else None


# --- Secret ballots at rest (secrecy.py) -------------------------------------------------


def ballot_keys() -> secrecy.BallotKeys:
    return secrecy.BallotKeys(Path(current_app.config["BALLOT_KEYS_DIR"]))


def _key(motion: Motion) -> bytes:
    try:
        return ballot_keys().key(motion.id)
    except secrecy.KeyMissing:
        log.error("secret vote %s: its ballot key is gone; it cannot be counted", motion.id)
        raise Conflict("ballot_key_missing") from None


def _stored(motion: Motion, spec: rules.MotionSpec, user_id: int, value: dict[str, Any]) -> Any:
    """A ballot as `ballots` keeps it: sealed for a secret vote."""
    if not motion.secret:
        return value
    return secrecy.seal(_key(motion), spec, motion.id, user_id, value)


def _opener(motion: Motion) -> Callable[[int, dict[str, Any]], dict[str, Any]]:
    """Opens ballots from `ballots` (user id, stored value): sealed ones with the key read once."""
    if not motion.secret:
        return lambda _user_id, stored: dict(stored)
    key = _key(motion)

    def opened(user_id: int, stored: dict[str, Any]) -> dict[str, Any]:
        try:
            return secrecy.unseal(key, motion.id, user_id, stored)
        except secrecy.SealBroken:
            log.error("secret vote %s: a sealed ballot (user %s) does not open", motion.id, user_id)
            raise Conflict("sealed_ballot_broken") from None

    return opened


def _opened(motion: Motion, user_id: int, stored: dict[str, Any]) -> dict[str, Any]:
    return _opener(motion)(user_id, stored)


def _destroy_key_later(motion: Motion) -> None:
    """Once the close or cancel commits: the key goes, then the storage is scrubbed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    keys, motion_id = ballot_keys(), motion.id
    after_commit(lambda: keys.destroy(motion_id))
    after_commit(lambda: keeper(app).request_scrub())


def forget_stale_keys() -> None:
    """Destroy the keys of votes no longer open (a close whose after-commit work was lost)."""
    open_secret = db.session.scalars(
        sa.select(Motion.id).where(Motion.status == "open", Motion.secret)
    )
    for motion_id in ballot_keys().destroy_unless(open_secret, older_than=KEY_GRACE_SECONDS):
        log.warning("secret vote %s: its ballot key outlived the vote; destroyed now", motion_id)


# --- JSON --------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def motion_out(
    motion: Motion,
    meeting: Meeting,
    *,
    user: User | None = None,
    options: Sequence[MotionOption] | None = None,
) -> MotionOut:
    """A motion as the API shows it. `user` adds their own ballot (`my_vote`) while the vote
    is open; events leave it out (null), since they go to everyone."""
    if options is None:
        options = options_of(motion.id)
    cast, eligible = live_counts(motion, meeting)
    mine = my_ballot(motion, user) if user is not None else None
    return MotionOut(
        id=motion.id,
        meeting_id=motion.meeting_id,
        agenda_item_id=motion.agenda_item_id,
        title=motion.title,
        kind=motion.kind,
        secret=motion.secret,
        rule=motion.rule,
        allow_change=motion.allow_change,
        duration_seconds=motion.duration_seconds,
        max_choices=motion.max_choices,
        options=[OptionOut(id=o.id, label=o.label, user_id=o.user_id) for o in options],
        status=motion.status,
        quorum_overridden=motion.quorum_overridden,
        opened_at=motion.opened_at,
        closes_at=motion.closes_at,
        closed_at=motion.closed_at,
        announced_at=motion.announced_at,
        cast=cast,
        eligible=eligible,
        my_vote=mine,
        pad=secrecy.padding(spec_of(motion, options), mine) if mine is not None else "",
        result=result_out(motion) if motion.status == "closed" else None,
        audit_hash=motion.audit_hash,
    )


def result_out(motion: Motion, *, named: bool = False) -> ResultOut:
    """The frozen result; with `named`, the named list of an open (non-secret) vote."""
    if motion.result is None:
        raise Conflict("result_not_ready")
    named_record = motion.named_record if (named and not motion.secret) else None
    return ResultOut.model_validate({**motion.result, "named": named_record})


# --- Creating and changing motions ------------------------------------------------------


def _check_definition(
    meeting: Meeting,
    *,
    agenda_item_id: int | None,
    kind: str,
    secret: bool,
    duration_seconds: int | None,
    options: Sequence[Mapping[str, Any]],
    max_choices: int | None,
) -> None:
    if agenda_item_id is not None:
        meetings.require_item_of(meeting, agenda_item_id)
    if kind != "resolution" and not secret:
        raise Invalid("motion_must_be_secret")
    if kind == "resolution" and options:
        raise Invalid("motion_options_not_allowed")
    if kind != "resolution" and not options:
        raise Invalid("motion_options_needed")
    labels = [str(o["label"]).strip() for o in options]
    if any(not label for label in labels):
        raise Invalid("motion_option_label")
    if len(set(labels)) != len(labels):
        raise Invalid("motion_option_duplicate")
    if kind == "election":
        if max_choices is None or not 1 <= max_choices <= len(options):
            raise Invalid("motion_max_choices", options=len(options))
    elif max_choices is not None:
        raise Invalid("motion_max_choices_not_allowed")
    if duration_seconds is not None and not 10 <= duration_seconds <= MAX_DURATION_SECONDS:
        raise Invalid("motion_duration")
    for option in options:
        user_id = option.get("user_id")
        if user_id is not None and accounts.find_user_by_id(user_id) is None:
            raise Invalid("motion_option_user")


def _replace_options(motion: Motion, options: Sequence[Mapping[str, Any]]) -> None:
    db.session.execute(sa.delete(MotionOption).where(MotionOption.motion_id == motion.id))
    for position, option in enumerate(options):
        db.session.add(
            MotionOption(
                motion_id=motion.id,
                position=position,
                label=str(option["label"]).strip(),
                user_id=option.get("user_id"),
            )
        )
    db.session.flush()


def create_motion(
    actor: User,
    meeting_id: int,
    *,
    agenda_item_id: int | None,
    title: str,
    kind: str = "resolution",
    secret: bool | None = None,
    rule: str = "majority_of_members",
    allow_change: bool | None = None,
    duration_seconds: int | None = None,
    options: Sequence[Mapping[str, Any]] = (),
    max_choices: int | None = None,
) -> Motion:
    """A draft motion on an agenda item (secretariat or chair)."""
    meeting = meeting_for(actor, meeting_id)
    access.require_chair_or_secretariat(actor, meeting)
    meetings_require_open(meeting)
    if secret is None:
        secret = kind != "resolution"
    if allow_change is None:
        allow_change = councils.settings_of(meeting.council).allow_ballot_change
    _check_definition(
        meeting,
        agenda_item_id=agenda_item_id,
        kind=kind,
        secret=secret,
        duration_seconds=duration_seconds,
        options=options,
        max_choices=max_choices,
    )
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=agenda_item_id,
        title=title.strip(),
        kind=kind,
        secret=secret,
        rule=rule,
        allow_change=allow_change,
        duration_seconds=duration_seconds,
        max_choices=max_choices,
        status="draft",
        created_by_id=actor.id,
    )
    if not motion.title:
        raise Invalid("motion_title")
    db.session.add(motion)
    db.session.flush()
    # Not in the audit log: a draft decides nothing. Opening, closing and cancelling a
    # vote are recorded.
    _replace_options(motion, options)
    _notify_staff(motion, meeting)
    return motion


def meetings_require_open(meeting: Meeting) -> None:
    if meeting.status == "closed":
        raise Conflict("meeting_closed")


def update_motion(actor: User, motion_id: int, **changes: Any) -> Motion:
    """Change a draft motion (secretariat or chair); fields left out stay as they are."""
    motion, meeting = get_motion(actor, motion_id, lock="update")
    access.require_chair_or_secretariat(actor, meeting)
    if motion.status != "draft":
        raise Conflict("motion_not_draft")
    current = {
        "agenda_item_id": motion.agenda_item_id,
        "title": motion.title,
        "kind": motion.kind,
        "secret": motion.secret,
        "rule": motion.rule,
        "allow_change": motion.allow_change,
        "duration_seconds": motion.duration_seconds,
        "max_choices": motion.max_choices,
        "options": [{"label": o.label, "user_id": o.user_id} for o in options_of(motion.id)],
    }
    # null means "leave as is" for fields that cannot be empty.
    changes = {
        k: v
        for k, v in changes.items()
        if v is not None or k not in ("title", "kind", "secret", "rule", "allow_change")
    }
    wanted = {**current, **changes}
    if "kind" in changes and "secret" not in changes:
        wanted["secret"] = wanted["kind"] != "resolution" or motion.secret
    if wanted["kind"] == "resolution" and "options" not in changes and "kind" in changes:
        wanted["options"] = []
        wanted["max_choices"] = None
    _check_definition(
        meeting,
        agenda_item_id=wanted["agenda_item_id"],
        kind=wanted["kind"],
        secret=wanted["secret"],
        duration_seconds=wanted["duration_seconds"],
        options=wanted["options"],
        max_choices=wanted["max_choices"],
    )
    title = str(wanted["title"]).strip()
    if not title:
        raise Invalid("motion_title")
    for field in (
        "agenda_item_id",
        "kind",
        "secret",
        "rule",
        "allow_change",
        "duration_seconds",
        "max_choices",
    ):
        setattr(motion, field, wanted[field])
    motion.title = title
    if "options" in changes or "kind" in changes:
        _replace_options(motion, wanted["options"])
    db.session.flush()
    _notify_staff(motion, meeting)
    return motion


def _notify_staff(motion: Motion, meeting: Meeting) -> None:
    """Drafts are for the secretariat and the chair: a notice to their room, outside the stream."""
    notify(
        staff_room(meeting.id), "motion.updated", {"motion": jsonable(motion_out(motion, meeting))}
    )


def cancel_motion(actor: User, motion_id: int) -> Motion:
    """Withdraw a draft (secretariat or chair) or stop an open vote without a result (chair).

    Ballots of a cancelled secret vote are destroyed; those of an open vote are kept, uncounted.
    """
    motion, meeting = get_motion(actor, motion_id, lock="update")
    if motion.status == "draft":
        access.require_chair_or_secretariat(actor, meeting)
    elif motion.status == "open":
        require_chair(actor, meeting)
    elif motion.status == "closed":
        raise Conflict("vote_already_closed")
    else:
        raise Conflict("motion_cancelled")
    was_open = motion.status == "open"
    motion.status = "cancelled"
    motion.cancelled_at = utcnow()
    discarded = 0
    if was_open:
        discarded = len(voter_ids(motion.id))
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if motion.secret:
            db.session.execute(sa.delete(Ballot).where(Ballot.motion_id == motion.id))
            _destroy_key_later(motion)
        after_commit(lambda: keeper(app).disarm(motion.id))
    db.session.flush()
    if was_open:
        decide(
            "vote.cancelled",
            actor_id=actor.id,
            meeting_id=meeting.id,
            subject=f"motion:{motion.id}",
            data={"title": motion.title, "ballots_discarded": discarded},
            events=[
                (
                    "vote.cancelled",
                    {"motion_id": motion.id, "motion": jsonable(motion_out(motion, meeting))},
                )
            ],
        )
    else:
        _notify_staff(motion, meeting)
    return motion


# --- Opening -----------------------------------------------------------------------------


def require_chair(actor: User, meeting: Meeting) -> None:
    """403 unless `actor` chairs this council's sessions (or is an administrator)."""
    if not access.is_staff(actor, meeting, Role.CHAIR):
        raise Forbidden("chair_only")


def open_vote(actor: User, motion_id: int, *, override_quorum: bool = False) -> Motion:
    """The chair opens the vote: refused while another is open, and without quorum unless
    the chair overrides it (recorded in the audit log)."""
    motion, meeting = get_motion(actor, motion_id, lock="update")
    require_chair(actor, meeting)
    meetings_require_open(meeting)
    if motion.status != "draft":
        raise Conflict(
            {
                "open": "vote_already_open",
                "closed": "vote_already_closed",
                "cancelled": "motion_cancelled",
            }[motion.status]
        )
    other = open_motion_id(meeting.id)
    if other is not None:
        raise Conflict("another_vote_open", data={"open_motion_id": other})
    quorum = meetings.quorum_of(meeting)
    if not quorum.reached and not override_quorum:
        raise Conflict(
            "no_quorum",
            data={"present": quorum.present, "required": quorum.required},
            present=quorum.present,
            required=quorum.required,
        )
    now = utcnow()
    if motion.secret:
        ballot_keys().create(motion.id)
    motion.status = "open"
    motion.opened_at = now
    motion.opened_by_id = actor.id
    motion.quorum_overridden = not quorum.reached
    motion.closes_at = (
        now + timedelta(seconds=motion.duration_seconds) if motion.duration_seconds else None
    )
    try:
        # The partial unique index refuses a second open vote that slipped past the check.
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("another_vote_open") from None
    decide(
        "vote.opened_without_quorum" if motion.quorum_overridden else "vote.opened",
        actor_id=actor.id,
        meeting_id=meeting.id,
        subject=f"motion:{motion.id}",
        data={
            "title": motion.title,
            "kind": motion.kind,
            "secret": motion.secret,
            "rule": motion.rule,
            "closes_at": _iso(motion.closes_at),
            "quorum": {
                "members": quorum.members,
                "present": quorum.present,
                "required": quorum.required,
                "reached": quorum.reached,
            },
        },
        events=[
            (
                "vote.opened",
                {"motion": jsonable(motion_out(motion, meeting)), "server_time": now.isoformat()},
            )
        ],
    )
    if motion.closes_at is not None:
        closes_at = motion.closes_at
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        after_commit(lambda: keeper(app).arm(motion.id, closes_at))
    return motion


# --- Casting -----------------------------------------------------------------------------

#: One statement for everything a ballot's gate needs: the motion (shared lock: a close waits
#: for ballots in flight and counts them), its meeting, the actor's membership and attendance.
#: Built once: building and keying it again for every ballot cost more than running it.
_CAST_GATE = (
    access.with_voter(sa.select(Motion), Motion.meeting_id)
    .where(Motion.id == sa.bindparam("motion_id"))
    .with_for_update(read=True, of=Motion)
    .execution_options(populate_existing=True)
)


@dataclass(frozen=True)
class Cast:
    """A ballot recorded: its motion, whether it replaced another, and its canonical value."""

    motion: Motion
    spec: rules.MotionSpec
    changed: bool
    value: dict[str, Any]

    @property
    def pad(self) -> str:
        """Spaces that give every acknowledgement of this motion one length (`secrecy`)."""
        return secrecy.padding(self.spec, self.value) + (" " if self.changed else "")


def cast_vote(actor: User, motion_id: int, raw: Mapping[str, Any]) -> Cast:
    """Record a member's ballot. The same ballot again changes nothing; a different one
    replaces it only where the motion allows it.

    This is the hot path of a vote (500 ballots within a second): few queries, no objects
    loaded that are not needed.
    """
    if not 0 < motion_id <= MAX_ID:
        raise NotFound("motion_not_found")
    gate = db.session.execute(_CAST_GATE, {"motion_id": motion_id, "user_id": actor.id}).first()
    if gate is None:
        raise NotFound("motion_not_found")
    motion, meeting_status, council_id, attendance = gate
    if meeting_status == "draft":
        access.get_meeting_for(actor, motion.meeting_id)  # staff only: 404 for anyone else
    if councils_access.member_of(actor, council_id) is None:
        # Not a member: say so where the motion may be seen, else reveal nothing.
        get_motion(actor, motion_id)
        raise Forbidden("not_a_member")
    if motion.status != "open":
        if motion.opened_at is None:
            raise NotFound("motion_not_found")  # a draft is not shown to delegates
        raise Conflict("motion_cancelled" if motion.status == "cancelled" else "vote_closed")
    if motion.closes_at is not None and utcnow() >= motion.closes_at:
        raise Conflict("vote_closed")
    if not _eligible(attendance, council_id):
        raise Forbidden("not_checked_in")
    spec = spec_of(motion)
    try:
        value = rules.ballot_json(rules.parse_ballot(spec, raw))
    except rules.BallotError as err:
        raise Invalid(err.code) from None

    stored = _stored(motion, spec, actor.id, value)
    insert = upsert_insert(db.session)
    inserted = db.session.execute(
        insert(Ballot)
        .values(motion_id=motion.id, user_id=actor.id, value=stored)
        .on_conflict_do_nothing()
        .returning(Ballot.user_id)
    ).first()
    changed = False
    if inserted is None:
        existing = db.session.execute(
            sa.select(Ballot.value).where(Ballot.motion_id == motion.id, Ballot.user_id == actor.id)
        ).scalar_one()
        if _opened(motion, actor.id, existing) != value:
            if not motion.allow_change:
                raise Conflict("ballot_already_cast")
            db.session.execute(
                sa.update(Ballot)
                .where(Ballot.motion_id == motion.id, Ballot.user_id == actor.id)
                .values(value=stored)
            )
            changed = True
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    after_commit(lambda: keeper(app).mark_progress(motion_id))
    return Cast(motion=motion, spec=spec, changed=changed, value=value)


def is_eligible(user: User, meeting: Meeting) -> bool:
    """A member checked in as present, or online where the council allows it."""
    return _eligible(meetings.attendance_state(meeting.id, user.id), meeting.council_id)


def _eligible(state: str | None, council_id: int) -> bool:
    if state == "present":
        return True  # counted everywhere: no need to read the council's settings
    if state != "online":
        return False
    return state in councils.settings_of(councils.get_council(council_id)).present_states


def publish_progress(motion_ids: Sequence[int]) -> None:
    """`vote.progress` for each motion still open: counts only, never who or what."""
    for motion_id in motion_ids:
        motion = db.session.scalar(
            sa.select(Motion)
            .where(Motion.id == motion_id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
        if motion is None or motion.status != "open":
            continue
        meeting = meetings.meeting_by_id(motion.meeting_id)
        cast, eligible = live_counts(motion, meeting)
        publish(
            meeting.id,
            "vote.progress",
            {"motion_id": motion.id, "cast": cast, "eligible": eligible},
        )


# --- Closing -----------------------------------------------------------------------------


def close_vote(actor: User, motion_id: int) -> Motion:
    """The chair closes the vote; the result is counted and frozen."""
    motion, meeting = get_motion(actor, motion_id, lock="update")
    require_chair(actor, meeting)
    if motion.status != "open":
        raise Conflict(
            {
                "draft": "vote_not_open",
                "closed": "vote_already_closed",
                "cancelled": "motion_cancelled",
            }[motion.status]
        )
    _close(motion, meeting, closed_by=actor)
    return motion


def close_if_due(motion_id: int) -> bool | datetime:
    """Close a vote whose time ran out (the timer). True when it is closed now or was no
    longer open; its deadline when that has not come yet. Safe to run in several processes."""
    motion = db.session.scalar(
        sa.select(Motion)
        .where(Motion.id == motion_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if motion is None or motion.status != "open" or motion.closes_at is None:
        return True
    if motion.closes_at > utcnow():
        deadline: datetime = motion.closes_at
        return deadline
    meeting = meetings.meeting_by_id(motion.meeting_id)
    _close(motion, meeting, closed_by=None)
    return True


def open_deadlines() -> dict[int, datetime]:
    """Open votes that close by themselves, with their deadlines."""
    rows = db.session.execute(
        sa.select(Motion.id, Motion.closes_at).where(
            Motion.status == "open", Motion.closes_at.is_not(None)
        )
    ).all()
    return {motion_id: closes_at for motion_id, closes_at in rows if closes_at is not None}


def _digest(values: Sequence[Mapping[str, Any]]) -> str:
    canonical = sorted(
        json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for v in values
    )
    return hashlib.sha256("\n".join(canonical).encode()).hexdigest()


def _close(motion: Motion, meeting: Meeting, *, closed_by: User | None) -> None:
    now = utcnow()
    options = options_of(motion.id)
    spec = spec_of(motion, options)
    # Plain rows, not objects: a 500-seat hall has 500 of them.
    opened = _opener(motion)
    rows = [
        (int(uid), opened(int(uid), value))
        for uid, value in db.session.execute(
            sa.select(Ballot.user_id, Ballot.value).where(Ballot.motion_id == motion.id)
        )
    ]
    member_rows = councils.member_names(meeting.council_id)
    names = dict(member_rows)
    voters = {uid for uid, _ in rows}
    member_ids = set(names) | voters
    # member_ids holds the members just read: only their attendance is needed on top.
    present_ids = (meetings.checked_in_ids(meeting) | voters) & member_ids
    counted = rules.count(
        spec,
        [rules.ballot_from_json(spec, value) for _, value in rows],
        members=len(member_ids),
        present=len(present_ids),
    )
    result = counted.as_json()
    labels = {o.id: o.label for o in options}
    for option in result["options"]:
        option["label"] = labels[option["id"]]
    result.update(
        {
            "motion_id": motion.id,
            "title": motion.title,
            "secret": motion.secret,
            "closed_at": now.isoformat(),
            "opened_at": _iso(motion.opened_at),
            "quorum_overridden": motion.quorum_overridden,
        }
    )
    values = [value for _, value in rows]
    digest = _digest(values)
    named: list[dict[str, Any]] | None = None
    if not motion.secret:
        # A voter who left the council since is still named.
        for uid in voters - set(names):
            user = accounts.find_user_by_id(uid)
            names[uid] = user.full_name if user is not None else str(uid)
        # In seat order, as the council's own lists are.
        order = {uid: i for i, (uid, _) in enumerate(member_rows)}
        named = [
            {"user_id": uid, "full_name": names[uid], **value}
            for uid, value in sorted(rows, key=lambda r: (order.get(r[0], len(order)), r[0]))
        ]

    motion.status = "closed"
    motion.closed_at = now
    motion.closed_by_id = closed_by.id if closed_by is not None else None
    motion.result = result
    motion.members_snapshot = sorted(member_ids)
    motion.present_snapshot = sorted(present_ids)
    motion.named_record = named
    motion.ballots_digest = digest

    if voters:
        # Who took part, in user order: nothing about when or how they voted. Copied in the
        # database from the ballots read above (the motion's lock keeps ballots out).
        db.session.execute(
            sa.insert(VoteParticipant).from_select(
                ["motion_id", "user_id"],
                sa.select(Ballot.motion_id, Ballot.user_id)
                .where(Ballot.motion_id == motion.id)
                .order_by(Ballot.user_id),
            )
        )
    if motion.secret:
        _anonymise(motion, values)
    db.session.flush()

    entry = decide(
        "vote.closed",
        actor_id=closed_by.id if closed_by is not None else None,
        meeting_id=meeting.id,
        subject=f"motion:{motion.id}",
        data={
            "result": result,
            "ballots_sha256": digest,
            "closed_by": "chair" if closed_by is not None else "timer",
            "members": motion.members_snapshot,
            "present": motion.present_snapshot,
            "named": [[n["user_id"], n.get("choice")] for n in named] if named else None,
        },
        events=[
            (
                "vote.closed",
                {
                    "motion_id": motion.id,
                    "result": jsonable(result_out(motion)),
                    "motion": jsonable(motion_out(motion, meeting)),
                },
            )
        ],
        stamp=True,
    )
    motion.audit_hash = entry.hash
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    after_commit(lambda: keeper(app).disarm(motion.id))
    if motion.secret:
        _destroy_key_later(motion)


def _anonymise(motion: Motion, values: list[dict[str, Any]]) -> None:
    """Secret vote: the ballots, shuffled, under random ids; then the linked rows go."""
    shuffled = list(values)
    secrets.SystemRandom().shuffle(shuffled)
    if shuffled:
        db.session.execute(
            sa.insert(SecretBallot),
            [
                {"id": secrets.token_hex(16), "motion_id": motion.id, "value": value}
                for value in shuffled
            ],
        )
    db.session.execute(sa.delete(Ballot).where(Ballot.motion_id == motion.id))


def _checkpoint(engine: sa.Engine) -> tuple[int, ...]:
    """One TRUNCATE checkpoint: (busy, log frames, checkpointed), busy 1 when a reader or a
    writer (another process: a backup, a CLI command) was in the way."""
    raw = engine.raw_connection()
    cursor = raw.cursor()
    try:
        # Connections run outside any transaction until one is begun explicitly (app.py), so
        # nothing here begins one. No waiting inside SQLite's busy handler, which would
        # block every greenlet: the caller waits between tries instead.
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            return tuple(cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
        except sqlite3.OperationalError:
            return (1, -1, -1)
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    finally:
        cursor.close()
        raw.close()


class ScrubFailed(Exception):
    """The storage still holds the deleted (sealed) ballots of a closed secret vote."""


#: How often, and how long apart, a checkpoint is tried before the scrub is reported failed.
SCRUB_ATTEMPTS = 20
SCRUB_PAUSE_SECONDS = 0.25


def scrub_linked_ballots() -> None:
    """Clear what the storage keeps of deleted linked ballots (after a secret vote closed).

    They were sealed, and their key is gone by now: this is the second line. SQLite
    overwrites deleted rows (secure_delete) but its write-ahead log holds the old pages until
    a checkpoint; the checkpoint runs on a connection of its own outside any transaction (a
    transaction's lock would make it fail), its answer is checked, and the log must be empty
    after it. PostgreSQL keeps dead row versions until VACUUM (its WAL, archives and
    replicas keep theirs: docs/security.md).
    """
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ballots")
        return
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return
    wal = Path(f"{engine.url.database}-wal")
    outcome: tuple[int, ...] = ()
    for attempt in range(SCRUB_ATTEMPTS):
        if attempt:
            socketio.sleep(SCRUB_PAUSE_SECONDS)
        outcome = _checkpoint(engine)
        busy, frames = outcome[0], outcome[1]
        if busy == 0 and frames <= 0 and (not wal.exists() or wal.stat().st_size == 0):
            return
    log.error(
        "secret ballots: the write-ahead log %s could not be cleared after %d tries "
        "(busy, log frames, checkpointed = %s); it holds sealed ballots whose key is gone",
        wal,
        SCRUB_ATTEMPTS,
        outcome,
    )
    raise ScrubFailed(str(wal))


# --- After the vote ----------------------------------------------------------------------


def vote_result(actor: User, motion_id: int) -> ResultOut:
    """The frozen result of a closed vote, with the named list for an open vote."""
    motion, _ = get_motion(actor, motion_id)
    if motion.status != "closed":
        raise Conflict("result_not_ready")
    return result_out(motion, named=True)


def non_voters(actor: User, motion_id: int) -> NonVotersOut:
    """While a vote is open, the chair sees who has not voted (named only for an open vote)."""
    motion, meeting = get_motion(actor, motion_id)
    require_chair(actor, meeting)
    if motion.status != "open":
        raise Conflict("non_voters_only_while_open")
    voters = voter_ids(motion.id)
    rows = meetings.attendance_rows(meeting.id)
    member_rows = councils.members(meeting.council_id)
    counted = councils.settings_of(meeting.council).present_states
    present = {u.id for _, u in member_rows if u.id in rows and rows[u.id].state in counted}
    missing = [(m, u) for m, u in member_rows if u.id not in voters]
    entries = None
    if not motion.secret:
        entries = [
            NonVoter(
                user_id=u.id,
                full_name=u.full_name,
                seat=m.seat,
                attendance=rows[u.id].state if u.id in rows else "not_checked_in",
                eligible=u.id in present,
            )
            for m, u in missing
        ]
    return NonVotersOut(
        motion_id=motion.id,
        secret=motion.secret,
        cast=len(voters),
        eligible=len(present | voters),
        not_voted=len(missing),
        eligible_not_voted=len(present - voters),
        non_voters=entries,
    )


def announce_result(actor: User, motion_id: int) -> Motion:
    """The chair puts the result on the hall display (`vote.announced`)."""
    motion, meeting = get_motion(actor, motion_id, lock="update")
    require_chair(actor, meeting)
    if motion.status != "closed":
        raise Conflict("result_not_ready")
    first = motion.announced_at is None
    if first:
        motion.announced_at = utcnow()
        db.session.flush()
    event = (
        "vote.announced",
        {
            "motion_id": motion.id,
            "announced_at": _iso(motion.announced_at),
            "result": jsonable(result_out(motion)),
        },
    )
    if first:
        decide(
            "vote.announced",
            actor_id=actor.id,
            meeting_id=meeting.id,
            subject=f"motion:{motion.id}",
            data={"passed": (motion.result or {}).get("passed")},
            events=[event],
        )
    else:
        publish(meeting.id, *event)  # shown again: the decision is recorded once
    return motion


def recount(motion_id: int) -> dict[str, Any]:
    """Count a closed vote again from the ballots it keeps and compare with the frozen result.

    {"matches": bool, "digest_matches": bool, "result": recounted Result JSON}.
    """
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        raise NotFound("motion_not_found")
    if motion.status != "closed" or motion.result is None:
        raise Conflict("result_not_ready")
    options = options_of(motion.id)
    spec = spec_of(motion, options)
    model = SecretBallot if motion.secret else Ballot
    values = list(db.session.scalars(sa.select(model.value).where(model.motion_id == motion.id)))
    counted = rules.count(
        spec,
        [rules.ballot_from_json(spec, v) for v in values],
        members=len(motion.members_snapshot or []),
        present=len(motion.present_snapshot or []),
    ).as_json()
    frozen = {k: motion.result[k] for k in counted if k != "options"}
    fresh = {k: v for k, v in counted.items() if k != "options"}
    same_options = [
        {k: v for k, v in o.items() if k != "label"} for o in motion.result["options"]
    ] == counted["options"]
    return {
        "matches": frozen == fresh and same_options,
        "digest_matches": _digest(values) == motion.ballots_digest,
        "result": counted,
    }


def closed_motion_ids() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Motion.id).where(Motion.status == "closed").order_by(Motion.id)
        )
    )


def check_against_record(motion_id: int) -> list[str]:
    """What does not agree about a closed vote: its ballots recounted, its frozen result and
    the `vote.closed` entry of the audit chain. Empty when all three say the same."""
    motion = db.session.get(Motion, motion_id)
    if motion is None or motion.result is None:
        return [f"motion {motion_id}: no frozen result"]
    problems = []
    again = recount(motion_id)
    if not again["matches"]:
        problems.append(f"motion {motion_id}: its ballots counted again give another result")
    if not again["digest_matches"]:
        problems.append(f"motion {motion_id}: its ballots are not those it was counted from")
    entry = audit.decision_of("vote.closed", f"motion:{motion_id}")
    if entry is None:
        problems.append(f"motion {motion_id}: no vote.closed entry in the audit chain")
        return problems
    recorded = entry.data.get("result") or {}
    for key, value in motion.result.items():
        if recorded.get(key) != value:
            problems.append(
                f"motion {motion_id}: its result's {key!r} differs from the audit chain's"
            )
            break
    if entry.data.get("ballots_sha256") != motion.ballots_digest:
        problems.append(f"motion {motion_id}: its ballots' digest differs from the audit chain's")
    return problems


# --- The housekeeper ---------------------------------------------------------------------

#: What the housekeeper runs for voting: closing on time, progress, scrubbing, the sweep.
TASKS = housekeeping.Tasks(
    close_if_due=close_if_due,
    publish_progress=publish_progress,
    scrub=scrub_linked_ballots,
    open_deadlines=open_deadlines,
    forget_keys=forget_stale_keys,
)


def keeper(app: Flask) -> housekeeping.Housekeeper:
    """The application's voting housekeeper."""
    return housekeeping.housekeeper(app, TASKS)


@on_serve
def start_housekeeping(app: Flask) -> None:
    """Serving process: re-arm the timers of votes that are open, then keep sweeping."""
    housekeeping.serve(keeper(app))
