"""Messages of the realtime feature."""

from server.i18n import register

register(
    {
        "unknown_event": (
            "Ứng dụng gửi một yêu cầu không được hỗ trợ ({event}).",
            "The app sent a request the server does not know ({event}).",
        ),
        "not_joined": (
            "Thiết bị chưa vào kỳ họp này.",
            "This device has not joined that session.",
        ),
        "event_rate_limited": (
            "Thiết bị gửi quá nhiều yêu cầu. Vui lòng chờ vài giây.",
            "This device is sending too many requests. Please wait a few seconds.",
        ),
    }
)
