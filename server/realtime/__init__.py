"""Realtime: Socket.IO handlers, rooms, the event stream (seq) and replay."""

from flask import Blueprint

bp = Blueprint("realtime", __name__, url_prefix="/api")

from server.realtime import cluster, events, messages, presence, routes, sections  # noqa: E402, F401
