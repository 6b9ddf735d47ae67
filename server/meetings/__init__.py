"""Meetings: councils, sessions, agenda, attendance and speakers."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/api")

from server.meetings import messages, routes  # noqa: E402, F401
