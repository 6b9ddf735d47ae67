"""Voting: motions, ballots, results; rules.py counts and is pure."""

from flask import Blueprint

bp = Blueprint("voting", __name__, url_prefix="/api")

from server.voting import demo, housekeeping, messages, routes, sections  # noqa: E402, F401
