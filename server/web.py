"""What is not the JSON API: the client's pages, /healthz, error pages and security headers."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, jsonify, request, send_from_directory
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from server.config import ROOT
from server.errors import DomainError
from server.extensions import db, socketio
from server.i18n import translate

log = logging.getLogger(__name__)

CLIENT_DIST = ROOT / "client_web" / "dist"

#: The four faces of the app and the built page that serves each.
PAGES = {
    "/": "index.html",
    "/secretariat": "secretariat.html",
    "/chair": "chair.html",
    "/display": "display.html",
}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "json_required",
    429: "too_many_requests",
}


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)
    for path, filename in PAGES.items():
        app.add_url_rule(path, f"page_{filename.split('.')[0]}", _page(filename))
    app.add_url_rule("/assets/<path:filename>", "client_asset", client_asset)
    app.add_url_rule(
        "/<any('sw.js', 'manifest.webmanifest', 'favicon.svg'):filename>",
        "client_root_file",
        client_root_file,
    )
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(sa.exc.OperationalError, _database_error)
    # No connection free within the pool's timeout (overload): 503, retry, not a 500.
    app.register_error_handler(sa.exc.TimeoutError, _database_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_security_headers)


def error_response(err: DomainError) -> Response:
    response = jsonify({"error": err.to_dict()})
    response.status_code = err.status
    return response


def _domain_error(err: DomainError) -> Response:
    db.session.rollback()
    return error_response(err)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _http_error(exc: HTTPException) -> Any:
    db.session.rollback()
    if not _wants_json():
        return exc
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "bad_request")
    params: dict[str, Any] = {}
    if isinstance(exc, RequestEntityTooLarge):
        params["limit_mb"] = current_app.config["MAX_UPLOAD_MB"]
    response = jsonify({"error": {"code": code, "message": translate(code, **params)}})
    response.status_code = status
    if status == 405 and exc.get_response().headers.get("Allow"):
        response.headers["Allow"] = exc.get_response().headers["Allow"]
    return response


def _database_error(exc: Exception) -> Any:
    log.warning("database unavailable: %s", exc)
    db.session.rollback()
    response = jsonify(
        {"error": {"code": "service_unavailable", "message": translate("service_unavailable")}}
    )
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    return response


def _unexpected_error(exc: Exception) -> Any:
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if current_app.testing and current_app.config.get("PROPAGATE_UNEXPECTED", True):
        raise exc
    response = jsonify(
        {"error": {"code": "internal_error", "message": translate("internal_error")}}
    )
    response.status_code = 500
    return response


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    if request.path.startswith("/api/") and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def healthz() -> Any:
    """200 {"status": "ok", ...} when the database answers; Redis is reported beside it."""
    body: dict[str, Any] = {"status": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
        body["database"] = "ok"
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    body["redis"] = _redis_status()
    body["async_mode"] = socketio.async_mode
    return jsonify(body)


def _redis_status() -> str:
    url = current_app.config["REDIS_URL"]
    if not url:
        return "not_configured"
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return "unreachable"
    return "ok"


_MISSING_CLIENT = """<!doctype html><html lang="vi"><meta charset="utf-8">
<title>Phòng họp không giấy</title><body><h1>Chưa có giao diện</h1>
<p>The web client has not been built. Run <code>make run</code> (or <code>make client</code>).</p>
</body></html>"""


def _page(filename: str) -> Any:
    def serve() -> Any:
        path = CLIENT_DIST / filename
        if not path.is_file():
            return Response(_MISSING_CLIENT, status=503, mimetype="text/html")
        # A page is a few hundred bytes naming its hashed assets: answer from memory (no open
        # file left to the WSGI server), revalidated by ETag so a new build is seen at once.
        body = path.read_bytes()
        response = Response(body, mimetype="text/html")
        response.set_etag(hashlib.sha256(body).hexdigest()[:32])
        response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)

    serve.__name__ = f"page_{Path(filename).stem}"
    return serve


def client_asset(filename: str) -> Any:
    # Built assets carry a content hash in their names: cache them for a year.
    return send_from_directory(CLIENT_DIST / "assets", filename, max_age=365 * 24 * 3600)


def client_root_file(filename: str) -> Any:
    response = send_from_directory(CLIENT_DIST, filename, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    if filename == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/"
    return response
