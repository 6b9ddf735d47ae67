"""Messages of the minutes export."""

from server.i18n import register

register(
    {
        "minutes_export_failed": (
            "Không tạo được tệp dữ liệu biên bản. Vui lòng thử lại sau.",
            "The minutes data file could not be made. Please try again later.",
        ),
    }
)
