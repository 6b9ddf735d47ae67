"""Domain errors and the one JSON error shape: {"error": {"code", "message", ...}}."""

from __future__ import annotations

from typing import Any, ClassVar

from server.i18n import translate


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
