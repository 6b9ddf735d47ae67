"""Annotations (private to their author) and comments (góp ý) on the session's documents."""

from flask import Blueprint

bp = Blueprint("annotations", __name__, url_prefix="/api")

from server.annotations import messages, models, routes  # noqa: E402, F401
