"""Minutes data (dữ liệu biên bản) of a session: what happened, read back from the record."""

from flask import Blueprint

bp = Blueprint("minutes", __name__, url_prefix="/api")

from server.minutes import messages, routes  # noqa: E402, F401
