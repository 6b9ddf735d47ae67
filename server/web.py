"""What is not the JSON API: the client's pages, /healthz, the hall CA for tablets to install,
error pages and security headers."""

from __future__ import annotations

import hashlib
import logging
from html import escape
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography import x509
from flask import Flask, Response, current_app, jsonify, request, send_from_directory
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from server.config import ROOT
from server.errors import DomainError, InsufficientStorage, storage_full
from server.extensions import db, socketio
from server.i18n import translate
from server.ops import tls

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
    app.add_url_rule("/ca", "hall_ca_page", hall_ca_page)
    app.add_url_rule("/ca.crt", "hall_ca_certificate", hall_ca_certificate)
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
    # A full disk met outside server/storage.py (a request body spooled to a temporary file):
    # 507 like storage's own, every other OSError a bug.
    app.register_error_handler(OSError, _os_error)
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
        code = "body_too_large"
        limit = request.max_content_length or current_app.config["MAX_BODY_BYTES"]
        params["limit_kb"] = max(1, limit // 1024)
    response = jsonify({"error": {"code": code, "message": translate(code, **params)}})
    response.status_code = status
    if status == 405 and exc.get_response().headers.get("Allow"):
        response.headers["Allow"] = exc.get_response().headers["Allow"]
    return response


def _storage_full(exc: Exception) -> Response:
    # The text, not the exception: a kept record would keep its traceback and the files
    # its frames hold open (Werkzeug's half-spooled request body).
    log.error("storage full on %s %s: %s", request.method, request.path, str(exc))
    db.session.rollback()
    return error_response(InsufficientStorage())


def _os_error(exc: OSError) -> Any:
    if storage_full(exc):
        return _storage_full(exc)
    return _unexpected_error(exc)


def _database_error(exc: Exception) -> Any:
    if storage_full(exc):
        # The database's disk is full: the transaction is rolled back, nothing was kept.
        return _storage_full(exc)
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
    hsts = int(current_app.config.get("HSTS_SECONDS", 0))
    if hsts > 0 and request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
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


# --- The hall's CA (flask tls init), for tablets to install ------------------------------


def _hall_ca() -> x509.Certificate:
    """The CA certificate of TLS_DIR; 404 when no CA was made there."""
    path = tls.Layout(Path(current_app.config["TLS_DIR"])).ca_cert
    if not path.is_file():
        raise NotFound()
    try:
        return tls.read_certificate(path)
    except tls.TLSError as exc:
        log.warning("the hall CA cannot be served: %s", exc)
        raise NotFound() from None


def hall_ca_certificate() -> Any:
    """The CA certificate alone (re-encoded from its parsed form: never a key beside it)."""
    response = Response(tls.pem(_hall_ca()), mimetype="application/x-x509-ca-cert")
    response.headers["Content-Disposition"] = 'attachment; filename="ca-phong-hop.crt"'
    response.headers["Cache-Control"] = "no-cache"
    return response


def hall_ca_page() -> Any:
    """How to install the CA on a tablet, in Vietnamese then English, with its fingerprint."""
    ca = _hall_ca()
    name = ca.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    values = {
        "name": escape(str(name[0].value) if name else ca.subject.rfc4514_string()),
        "fingerprint": escape(tls.fingerprint(ca)),
        "until": f"{ca.not_valid_after_utc:%d/%m/%Y}",
    }
    response = Response(_CA_PAGE.format(**values), mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response


_CA_PAGE = """<!doctype html><html lang="vi"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cài chứng chỉ phòng họp / Install the council room certificate</title>
<body>
<h1>Cài chứng chỉ của phòng họp</h1>
<p>Mỗi máy tính bảng cài chứng chỉ này <strong>một lần</strong>; sau đó ứng dụng phòng họp mở
qua kết nối an toàn (HTTPS) mà không còn cảnh báo.</p>
<p><a href="/ca.crt" download>Tải chứng chỉ “{name}”</a> (hiệu lực đến {until})</p>
<p>Dấu vân tay SHA-256:<br><code>{fingerprint}</code></p>
<p><strong>Chỉ cài khi dấu vân tay máy hiển thị trùng khớp hoàn toàn với dãy do bộ phận kỹ
thuật đưa</strong> (lệnh <code>flask tls show</code> trên máy chủ, in ra giấy): khi máy chưa tin
cậy chứng chỉ, chính trang này cũng có thể bị giả mạo.</p>
<h2>Android</h2>
<ol>
<li>Bấm “Tải chứng chỉ” ở trên.</li>
<li>Mở Cài đặt → Bảo mật → Cài đặt bảo mật khác → Mã hóa và thông tin xác thực → Cài đặt
chứng chỉ → Chứng chỉ CA (tên mục khác đôi chút tùy máy), chọn “Vẫn cài đặt” và tệp vừa tải.</li>
<li>Kiểm tra: Thông tin xác thực tin cậy → Người dùng → chạm vào chứng chỉ để xem dấu vân tay
SHA-256.</li>
<li>Mở lại địa chỉ phòng họp.</li>
</ol>
<h2>iPad</h2>
<ol>
<li>Mở trang này bằng Safari, bấm “Tải chứng chỉ”, chọn “Cho phép”.</li>
<li>Mở Cài đặt → Đã tải về hồ sơ (hoặc Cài đặt chung → VPN &amp; Quản lý thiết bị) → Cài đặt,
nhập mật mã. Trước khi cài, “Chi tiết khác” cho xem dấu vân tay SHA-256.</li>
<li>Cài đặt chung → Giới thiệu → Cài đặt tin cậy chứng nhận: bật tin cậy hoàn toàn cho
“{name}”.</li>
<li>Mở lại địa chỉ phòng họp.</li>
</ol>
<hr>
<h1 lang="en">Install the council room certificate</h1>
<div lang="en">
<p>Each tablet installs this certificate <strong>once</strong>; the council room app then
opens over a secure connection (HTTPS) without warnings.</p>
<p><a href="/ca.crt" download>Download the certificate “{name}”</a> (valid until {until})</p>
<p>SHA-256 fingerprint:<br><code>{fingerprint}</code></p>
<p><strong>Install it only if the fingerprint the tablet shows matches, in full, the one the
IT staff give you</strong> (<code>flask tls show</code> on the server, printed on paper): until
the tablet trusts the certificate, this page itself could be forged.</p>
<h2>Android</h2>
<ol>
<li>Tap “Download the certificate” above.</li>
<li>Open Settings → Security → More security settings → Encryption &amp; credentials → Install
a certificate → CA certificate (names vary a little between makers), choose “Install anyway”
and the downloaded file.</li>
<li>Check: Trusted credentials → User → tap the certificate to see its SHA-256
fingerprint.</li>
<li>Open the council room address again.</li>
</ol>
<h2>iPad</h2>
<ol>
<li>Open this page in Safari, tap “Download the certificate”, then “Allow”.</li>
<li>Open Settings → Profile Downloaded (or General → VPN &amp; Device Management) → Install,
and enter the passcode. Before installing, “More Details” shows the SHA-256 fingerprint.</li>
<li>General → About → Certificate Trust Settings: turn on full trust for “{name}”.</li>
<li>Open the council room address again.</li>
</ol>
</div>
</body></html>"""
