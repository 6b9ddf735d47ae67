"""Motions and votes over REST."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user

from server.accounts import loader
from server.api import operation
from server.extensions import db
from server.voting import services
from server.voting.schemas import (
    BallotAck,
    BallotIn,
    MotionCreateIn,
    MotionListOut,
    MotionOut,
    MotionUpdateIn,
    NonVotersOut,
    OpenVoteIn,
    ResultAnswer,
)
from server.voting.sheet import result_sheet_pdf

bp = Blueprint("voting", __name__, url_prefix="/api")

TAG = "voting"


def _motion_answer(motion_id: int) -> MotionOut:
    motion, meeting = services.get_motion(current_user, motion_id)
    return services.motion_out(motion, meeting, user=current_user)


@bp.post("/meetings/<int:meeting_id>/motions")
@operation(
    "createMotion",
    "Prepare a motion on an agenda item (secretariat, chair)",
    tag=TAG,
    body=MotionCreateIn,
    response=MotionOut,
    status=201,
    description="A draft motion: a resolution (yes / no / abstain), a confidence rating over "
    "office holders (always secret) or an election among candidates with at most max_choices "
    "marks (always secret). Drafts are seen by the secretariat and the chair only.",
)
def create_motion(meeting_id: int, body: MotionCreateIn) -> MotionOut:
    motion = services.create_motion(
        current_user,
        meeting_id,
        agenda_item_id=body.agenda_item_id,
        title=body.title,
        kind=body.kind,
        secret=body.secret,
        rule=body.rule,
        allow_change=body.allow_change,
        duration_seconds=body.duration_seconds,
        options=[o.model_dump() for o in body.options],
        max_choices=body.max_choices,
    )
    db.session.commit()
    return _motion_answer(motion.id)


@bp.get("/meetings/<int:meeting_id>/motions")
@operation("listMotions", "The session's motions", tag=TAG, response=MotionListOut)
def list_motions(meeting_id: int) -> MotionListOut:
    meeting, motions = services.list_motions(current_user, meeting_id)
    return MotionListOut(
        motions=[services.motion_out(m, meeting, user=current_user) for m in motions]
    )


@bp.get("/motions/<int:motion_id>")
@operation(
    "getMotion", "A motion, with the asking delegate's own ballot", tag=TAG, response=MotionOut
)
def get_motion(motion_id: int) -> MotionOut:
    return _motion_answer(motion_id)


@bp.patch("/motions/<int:motion_id>")
@operation(
    "updateMotion",
    "Change a draft motion (secretariat, chair)",
    tag=TAG,
    body=MotionUpdateIn,
    response=MotionOut,
)
def update_motion(motion_id: int, body: MotionUpdateIn) -> MotionOut:
    changes = body.model_dump(exclude_unset=True)
    if "options" in changes and changes["options"] is None:
        changes["options"] = []
    services.update_motion(current_user, motion_id, **changes)
    db.session.commit()
    return _motion_answer(motion_id)


@bp.post("/motions/<int:motion_id>/cancel")
@operation(
    "cancelMotion",
    "Withdraw a draft, or stop an open vote without a result (chair)",
    tag=TAG,
    response=MotionOut,
)
def cancel_motion(motion_id: int) -> MotionOut:
    services.cancel_motion(current_user, motion_id)
    db.session.commit()
    return _motion_answer(motion_id)


@bp.post("/motions/<int:motion_id>/open")
@operation(
    "openVote",
    "Open the vote (chair)",
    tag=TAG,
    body=OpenVoteIn,
    response=MotionOut,
    description="Refused (409 another_vote_open) while another vote of the session is open, "
    "and (409 no_quorum) without quorum unless override_quorum is true, which the audit log "
    "records. With a duration, the vote closes by itself at closes_at.",
)
def open_vote(motion_id: int, body: OpenVoteIn) -> MotionOut:
    services.open_vote(current_user, motion_id, override_quorum=body.override_quorum)
    db.session.commit()
    return _motion_answer(motion_id)


@bp.post("/motions/<int:motion_id>/ballot")
@operation(
    "castVote",
    "Cast (or change, where allowed) your ballot",
    tag=TAG,
    body=BallotIn,
    response=BallotAck,
    description="For members checked in as present (or online where allowed), from a "
    "password login or a paired tablet its user confirmed (else 403 `device_not_confirmed`). "
    "Answered only after the ballot is committed. The same ballot again is harmless "
    "(changed: false); a different one replaces it when the motion allows changing, else 409. "
    "After close 409.",
)
def cast_vote(motion_id: int, body: BallotIn) -> BallotAck:
    loader.require_own_device()
    cast = services.cast_vote(
        current_user, motion_id, body.model_dump(exclude_none=True, exclude={"pad"})
    )
    db.session.commit()
    # Answered from what was written: nothing is read again after the commit. One length
    # whatever the ballot says: `pad` fills up to the motion's longest.
    return BallotAck(
        recorded=True, motion_id=motion_id, changed=cast.changed, my_vote=cast.value, pad=cast.pad
    )


@bp.post("/motions/<int:motion_id>/close")
@operation("closeVote", "Close the vote and count it (chair)", tag=TAG, response=ResultAnswer)
def close_vote(motion_id: int) -> ResultAnswer:
    motion = services.close_vote(current_user, motion_id)
    db.session.commit()
    return ResultAnswer(result=services.result_out(motion, named=True))


@bp.get("/motions/<int:motion_id>/result")
@operation("getVoteResult", "The frozen result of a closed vote", tag=TAG, response=ResultAnswer)
def get_vote_result(motion_id: int) -> ResultAnswer:
    return ResultAnswer(result=services.vote_result(current_user, motion_id))


@bp.get("/motions/<int:motion_id>/non-voters")
@operation(
    "listNonVoters",
    "Who has not voted yet (chair; names for open votes, the count for secret ones)",
    tag=TAG,
    response=NonVotersOut,
)
def list_non_voters(motion_id: int) -> NonVotersOut:
    return services.non_voters(current_user, motion_id)


@bp.post("/motions/<int:motion_id>/announce")
@operation(
    "announceResult", "Show the result on the hall display (chair)", tag=TAG, response=MotionOut
)
def announce_result(motion_id: int) -> MotionOut:
    services.announce_result(current_user, motion_id)
    db.session.commit()
    return _motion_answer(motion_id)


@bp.get("/motions/<int:motion_id>/result-sheet.pdf")
@operation(
    "getResultSheet",
    "The result sheet (biên bản kiểm phiếu) as PDF",
    tag=TAG,
    produces=["application/pdf"],
)
def get_result_sheet(motion_id: int) -> Response:
    pdf, filename = result_sheet_pdf(current_user, motion_id)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
