"""The minutes data export (thin: server.minutes.services gathers, server.pdf lays out)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response
from flask_login import current_user

from server.api import operation
from server.extensions import db
from server.minutes import services
from server.minutes.schemas import MinutesOut, MinutesQuery

bp = Blueprint("minutes", __name__, url_prefix="/api")


@bp.get("/meetings/<int:meeting_id>/minutes")
@operation(
    "exportMeetingMinutes",
    "The session's minutes data (dữ liệu biên bản): attendance, agenda, speakers, documents "
    "and votes, as JSON or an A4 PDF (secretary, chair, admin)",
    tag="minutes",
    query=MinutesQuery,
    response=MinutesOut,
    produces=("application/json", "application/pdf"),
    description="Everything read from the database at the time of export. Vote results are "
    "the frozen results of each closed vote; per-name choices appear only for open votes. "
    "Ends with the audit chain's head hash. `format=pdf` answers an attachment.",
)
def export_meeting_minutes(meeting_id: int, query: MinutesQuery) -> MinutesOut | Response:
    data = services.minutes_data(current_user, meeting_id)
    if query.format == "json":
        return MinutesOut.model_validate(data)
    # Nothing more to read: end the transaction before the layout, which takes a while.
    db.session.commit()
    pdf, filename = services.minutes_pdf(data)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
