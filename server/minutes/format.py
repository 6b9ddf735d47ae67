"""How the minutes data (dữ liệu biên bản) says things in Vietnamese. Pure: no Flask, no database.

Times are shown in Vietnam time (UTC+7, no daylight saving) as dd/mm/yyyy; percentages with
a decimal comma and two decimals, as results are announced ("bằng 54,00% tổng số đại
biểu"); durations in hours, minutes and seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

#: An attendance state (or "not_checked_in") in words.
ATTENDANCE_TEXT = {
    "present": "Có mặt tại hội trường",
    "online": "Tham dự trực tuyến",
    "excused": "Vắng mặt có lý do",
    "absent": "Vắng mặt",
    "not_checked_in": "Chưa điểm danh",
}

#: How a check-in was recorded.
METHOD_TEXT = {
    "self": "Tự điểm danh",
    "qr": "Quét mã tại hội trường",
    "secretariat": "Văn phòng ghi hộ",
}

RULE_TEXT = {
    "majority_of_members": "Quá nửa tổng số đại biểu Hội đồng nhân dân tán thành",
    "two_thirds_of_members": "Ít nhất hai phần ba tổng số đại biểu Hội đồng nhân dân tán thành",
    "majority_of_present": "Quá nửa số đại biểu có mặt tán thành",
}

KIND_TEXT = {
    "resolution": "Biểu quyết thông qua",
    "confidence": "Lấy phiếu tín nhiệm",
    "election": "Bầu cử",
}

DOCUMENT_KIND_TEXT = {
    "main": "Tài liệu chính",
    "reference": "Tài liệu tham khảo",
    "link": "Liên kết",
}

SPEAKER_KIND_TEXT = {"debate": "Thảo luận", "question": "Chất vấn"}

RATING_TEXT = {"high": "Tín nhiệm cao", "medium": "Tín nhiệm", "low": "Tín nhiệm thấp"}

MOTION_STATUS_TEXT = {
    "open": "Đang biểu quyết",
    "closed": "Đã kết thúc",
    "cancelled": "Đã hủy",
    "draft": "Chưa mở",
}


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:
        # The database keeps UTC; a naive value read back from SQLite is UTC too.
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VIETNAM)


def vn_date(value: datetime | None) -> str:
    """e.g. "30/11/2026" (Vietnam time); "" for none."""
    return _local(value).strftime("%d/%m/%Y") if value is not None else ""


def vn_time(value: datetime | None) -> str:
    """e.g. "08:15" (Vietnam time); "" for none."""
    return _local(value).strftime("%H:%M") if value is not None else ""


def vn_datetime(value: datetime | None) -> str:
    """e.g. "08:15 ngày 30/11/2026" (Vietnam time); "" for none."""
    if value is None:
        return ""
    return f"{vn_time(value)} ngày {vn_date(value)}"


def vn_short(value: datetime | None) -> str:
    """e.g. "08:15 30/11/2026" (Vietnam time), for table cells; "" for none."""
    if value is None:
        return ""
    return f"{vn_time(value)} {vn_date(value)}"


def vn_datetime_seconds(value: datetime | None) -> str:
    """e.g. "08:15:03 ngày 30/11/2026" (Vietnam time); "" for none."""
    if value is None:
        return ""
    return _local(value).strftime("%H:%M:%S ngày %d/%m/%Y")


def vn_period(start: datetime, end: datetime) -> str:
    """A session's dates: "08:00 - 17:00 ngày 30/11/2026", or over several days
    "08:00 ngày 30/11/2026 - 11:30 ngày 02/12/2026"."""
    if vn_date(start) == vn_date(end):
        return f"{vn_time(start)} - {vn_time(end)} ngày {vn_date(start)}"
    return f"{vn_datetime(start)} - {vn_datetime(end)}"


def vn_percent(value: float | None) -> str:
    """54.0 -> "54,00%", 85.625 -> "85,63%" (the value is already rounded by the counting
    rules; this only writes it with two decimals and a decimal comma); "" for none."""
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", ",") + "%"


def vn_duration(seconds: int | None) -> str:
    """45 -> "45 giây", 125 -> "2 phút 05 giây", 3725 -> "1 giờ 02 phút 05 giây"."""
    if seconds is None:
        return ""
    if seconds < 0:
        raise ValueError("a duration is never negative")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} giờ {minutes:02d} phút {secs:02d} giây"
    if minutes:
        return f"{minutes} phút {secs:02d} giây"
    return f"{secs} giây"


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole seconds from `start` to `end` (None if either is missing; never negative)."""
    if start is None or end is None:
        return None
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    return max(0, int((end - start).total_seconds()))


def attendance_text(state: str, reason: str | None = None) -> str:
    """The state in words, with the reason of an excused absence."""
    text = ATTENDANCE_TEXT.get(state, state)
    if state == "excused" and reason:
        return f"{text} ({reason})"
    return text


def outcome_text(kind: str, passed: bool | None, elected: int = 0, seats: int = 0) -> str:
    """A closed vote's outcome in words."""
    if kind == "resolution":
        return "Thông qua" if passed else "Không thông qua"
    if kind == "election":
        return f"Đã bầu {elected}/{seats} người"
    return "Kết quả lấy phiếu tín nhiệm như bảng trên"


def candidate_text(elected: bool, tied: bool) -> str:
    if elected:
        return "Trúng cử"
    return "Bằng phiếu, bầu lại" if tied else "Không trúng cử"


def confidence_note(label: str, low_over_half: bool, low_two_thirds: bool) -> str | None:
    """What a confidence rating means for the office holder, if anything follows from it."""
    if low_two_thirds:
        return (
            f"{label}: từ hai phần ba tổng số đại biểu trở lên đánh giá tín nhiệm thấp; "
            "trình Hội đồng nhân dân bỏ phiếu tín nhiệm."
        )
    if low_over_half:
        return f"{label}: quá nửa tổng số đại biểu đánh giá tín nhiệm thấp; có thể xin từ chức."
    return None


def filename(meeting_id: int, extension: str) -> str:
    """The download's file name, ASCII only."""
    return f"du-lieu-bien-ban-ky-hop-{meeting_id}.{extension}"
