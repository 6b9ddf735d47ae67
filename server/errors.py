"""Domain errors and the one JSON error shape: {"error": {"code", "message", ...}}."""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from server.i18n import translate
from server.pdf.files import STORAGE_FULL, disk_full


class DomainError(Exception):
    """An error a person can act on; routes and socket handlers turn it into JSON."""

    status: ClassVar[int] = 400

    def __init__(self, code: str, *, data: dict[str, Any] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        #: Extra machine-readable fields added to the error object (e.g. a current version).
        self.data = data or {}

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": translate(self.code, lang, **self.params),
        }
        body.update(self.data)
        return body


class BadRequest(DomainError):
    status = 400


class NotAuthenticated(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class PayloadTooLarge(DomainError):
    status = 413


class UnsupportedMediaType(DomainError):
    status = 415


class Invalid(DomainError):
    status = 422


class TooManyRequests(DomainError):
    status = 429


class Unavailable(DomainError):
    status = 503


class InsufficientStorage(DomainError):
    """The disk (or quota) holding the files or the database is full: 507, and nothing was
    kept of what was asked. Not a bug, and not the client's fault: someone must free space."""

    status = 507

    def __init__(self, code: str = STORAGE_FULL, **params: Any) -> None:
        super().__init__(code, **params)


#: PostgreSQL's SQLSTATE for "could not extend file: No space left on device".
_PG_DISK_FULL = "53100"


def storage_full(exc: BaseException) -> bool:
    """Whether `exc` says a disk or quota is full: a file write's ENOSPC or EDQUOT, SQLite's
    SQLITE_FULL or PostgreSQL's disk_full (both wrapped by SQLAlchemy, as `orig`)."""
    orig = getattr(exc, "orig", None)
    if orig is None:
        return isinstance(exc, OSError) and disk_full(exc)
    if isinstance(orig, sqlite3.Error):
        return (getattr(orig, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_FULL
    return getattr(orig, "sqlstate", None) == _PG_DISK_FULL
