"""Documents: upload, the PyMuPDF pipeline (in worker processes), page images, text, search."""

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/api")

from server.documents import demo, messages, processing, routes, sections  # noqa: E402, F401
