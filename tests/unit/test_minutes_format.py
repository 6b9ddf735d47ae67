"""The minutes data's words: dates in Vietnam time, percentages, durations, outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from server.minutes import format as fmt

# 23:30 UTC on 30 November is 06:30 on 1 December in Vietnam.
LATE = datetime(2026, 11, 30, 23, 30, 5, tzinfo=UTC)


def test_dates_are_vietnam_time_dd_mm_yyyy():
    assert fmt.vn_date(LATE) == "01/12/2026"
    assert fmt.vn_time(LATE) == "06:30"
    assert fmt.vn_datetime(LATE) == "06:30 ngày 01/12/2026"
    assert fmt.vn_short(LATE) == "06:30 01/12/2026"
    assert fmt.vn_datetime_seconds(LATE) == "06:30:05 ngày 01/12/2026"


def test_naive_values_are_utc_and_other_zones_convert():
    assert fmt.vn_datetime(LATE.replace(tzinfo=None)) == "06:30 ngày 01/12/2026"
    paris = LATE.astimezone(timezone(timedelta(hours=1)))
    assert fmt.vn_datetime(paris) == "06:30 ngày 01/12/2026"


def test_missing_times_are_blank():
    for f in (fmt.vn_date, fmt.vn_time, fmt.vn_datetime, fmt.vn_short, fmt.vn_datetime_seconds):
        assert f(None) == ""


def test_period_on_one_day_and_over_several():
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert fmt.vn_period(start, start + timedelta(hours=9)) == "08:00 - 17:00 ngày 01/12/2026"
    assert (
        fmt.vn_period(start, start + timedelta(days=1, hours=3, minutes=30))
        == "08:00 ngày 01/12/2026 - 11:30 ngày 02/12/2026"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [(54.0, "54,00%"), (85.63, "85,63%"), (0.0, "0,00%"), (100.0, "100,00%"), (None, "")],
)
def test_percent_uses_a_decimal_comma(value, text):
    assert fmt.vn_percent(value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 giây"),
        (45, "45 giây"),
        (60, "1 phút 00 giây"),
        (125, "2 phút 05 giây"),
        (3600, "1 giờ 00 phút 00 giây"),
        (3725, "1 giờ 02 phút 05 giây"),
        (None, ""),
    ],
)
def test_duration(seconds, text):
    assert fmt.vn_duration(seconds) == text


def test_negative_duration_is_an_error():
    with pytest.raises(ValueError, match="negative"):
        fmt.vn_duration(-1)


def test_seconds_between():
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert fmt.seconds_between(start, start + timedelta(seconds=90.7)) == 90
    assert fmt.seconds_between(start.replace(tzinfo=None), start + timedelta(seconds=5)) == 5
    assert fmt.seconds_between(start + timedelta(seconds=5), start) == 0
    assert fmt.seconds_between(None, start) is None


def test_attendance_in_words():
    assert fmt.attendance_text("present") == "Có mặt tại hội trường"
    assert fmt.attendance_text("online") == "Tham dự trực tuyến"
    assert fmt.attendance_text("excused", "Ốm") == "Vắng mặt có lý do (Ốm)"
    assert fmt.attendance_text("excused") == "Vắng mặt có lý do"
    assert fmt.attendance_text("absent", "ignored") == "Vắng mặt"
    assert fmt.attendance_text("not_checked_in") == "Chưa điểm danh"


def test_outcomes_in_words():
    assert fmt.outcome_text("resolution", True) == "Thông qua"
    assert fmt.outcome_text("resolution", False) == "Không thông qua"
    assert fmt.outcome_text("election", False, elected=1, seats=2) == "Đã bầu 1/2 người"
    assert fmt.outcome_text("confidence", None) == "Kết quả lấy phiếu tín nhiệm như bảng trên"
    assert fmt.candidate_text(True, False) == "Trúng cử"
    assert fmt.candidate_text(False, True) == "Bằng phiếu, bầu lại"
    assert fmt.candidate_text(False, False) == "Không trúng cử"


def test_confidence_notes():
    assert fmt.confidence_note("A", False, False) is None
    assert "có thể xin từ chức" in (fmt.confidence_note("A", True, False) or "")
    assert "bỏ phiếu tín nhiệm" in (fmt.confidence_note("A", True, True) or "")


def test_filename_is_ascii():
    assert fmt.filename(7, "pdf") == "du-lieu-bien-ban-ky-hop-7.pdf"
