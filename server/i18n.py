"""Messages shown to people, in Vietnamese first and English.

Each feature package registers its catalogue (code -> (Vietnamese, English)) with
`register`; errors carry only a code and parameters and are rendered in the
language of the request.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("vi", "en")

_catalogue: dict[str, tuple[str, str]] = {}


def register(table: dict[str, tuple[str, str]]) -> None:
    """Add a feature's messages; a code may be defined once only."""
    for code in table:
        if code in _catalogue:
            raise ValueError(f"message code {code!r} defined twice")
    _catalogue.update(table)


def request_language() -> str:
    """The language of the current request (Accept-Language), Vietnamese by default."""
    from flask import has_request_context, request

    if not has_request_context():
        return "vi"
    best = request.accept_languages.best_match(LANGUAGES, default="vi")
    return best or "vi"


def translate(code: str, lang: str | None = None, **params: Any) -> str:
    """The message for `code` in `lang`, with its parameters filled in."""
    lang = lang or request_language()
    vi, en = _catalogue.get(code, (code, code))
    template = en if lang == "en" else vi
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def is_defined(code: str) -> bool:
    return code in _catalogue


register(
    {
        "bad_request": ("Yêu cầu không hợp lệ.", "The request is not valid."),
        "invalid_json": (
            "Nội dung gửi lên không phải JSON hợp lệ.",
            "The request body is not valid JSON.",
        ),
        "json_required": (
            "Yêu cầu này cần nội dung dạng JSON (Content-Type: application/json).",
            "This request needs a JSON body (Content-Type: application/json).",
        ),
        "validation_error": (
            "Dữ liệu chưa hợp lệ: {details}",
            "Some values are not valid: {details}",
        ),
        "not_authenticated": (
            "Vui lòng đăng nhập để tiếp tục.",
            "Please log in to continue.",
        ),
        "csrf_failed": (
            "Phiên làm việc đã hết hạn hoặc yêu cầu không đến từ ứng dụng. Hãy tải lại trang.",
            "Your session expired or the request did not come from the app. Reload the page.",
        ),
        "forbidden": (
            "Bạn không có quyền thực hiện thao tác này.",
            "You are not allowed to do this.",
        ),
        "not_found": ("Không tìm thấy nội dung yêu cầu.", "Not found."),
        "method_not_allowed": (
            "Thao tác này không được hỗ trợ tại địa chỉ này.",
            "This method is not allowed here.",
        ),
        "payload_too_large": (
            "Tệp hoặc nội dung gửi lên quá lớn (tối đa {limit_mb} MB).",
            "The file or request is too large (at most {limit_mb} MB).",
        ),
        "body_too_large": (
            "Nội dung gửi lên quá lớn (tối đa {limit_kb} KB).",
            "The request is too large (at most {limit_kb} KB).",
        ),
        "too_many_requests": (
            "Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.",
            "Too many requests. Please try again in a few minutes.",
        ),
        "internal_error": (
            "Đã xảy ra lỗi hệ thống. Bộ phận kỹ thuật đã được ghi nhận.",
            "Something went wrong on the server. It has been logged.",
        ),
        "service_unavailable": (
            "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Vui lòng thử lại.",
            "The server cannot reach its database right now. Please try again.",
        ),
        "storage_full": (
            "Máy chủ hết chỗ lưu trữ nên chưa làm được việc này; không có gì dở dang được lưu "
            "lại. Hãy báo bộ phận kỹ thuật giải phóng dung lượng rồi thử lại.",
            "The server's storage is full, so this could not be done; nothing half-done was "
            "kept. Ask the technical staff to free some space, then try again.",
        ),
    }
)
