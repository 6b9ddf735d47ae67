"""Accounts: users, roles, login, device pairing."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/api")

from server.accounts import cli, messages, routes  # noqa: E402, F401
