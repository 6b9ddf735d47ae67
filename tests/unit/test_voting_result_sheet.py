"""The result sheet PDF (server/pdf/result_sheet.py): text comes back out, user text escaped."""

from __future__ import annotations

import pytest

from server.pdf.compose import extract_text, html_pdf_from_args
from server.pdf.result_sheet import (
    CountRow,
    NamedRow,
    OptionRow,
    ResultSheet,
    result_sheet_pdf_args,
    sheet_html,
    vn_percent,
)


def _pdf(value: ResultSheet) -> bytes:
    return html_pdf_from_args(result_sheet_pdf_args(value))


def sheet(**changes) -> ResultSheet:
    base = {
        "council": "Hội đồng nhân dân tỉnh Đắk Lắk",
        "term": "Khóa XI, nhiệm kỳ 2026 - 2031",
        "meeting": "Kỳ họp thứ Ba",
        "location": "Hội trường tỉnh",
        "agenda_item": "2.1. Nghị quyết về dự toán ngân sách năm 2027",
        "motion": "Thông qua <script>alert(1)</script> & phụ lục",
        "method": "Biểu quyết công khai",
        "rule": "Quá nửa tổng số đại biểu Hội đồng nhân dân tán thành",
        "opened_at": "08:15:03 ngày 01/12/2026",
        "closed_at": "08:16:10 ngày 01/12/2026",
        "members": 494,
        "present": 470,
        "cast": 470,
        "counts": (
            CountRow("Số đại biểu tham gia biểu quyết", 470, 95.14),
            CountRow("Tán thành", 423, 85.63),
            CountRow("Không tán thành", 40, 8.10),
            CountRow("Không biểu quyết", 7, 1.42),
        ),
        "outcome": "KẾT QUẢ: THÔNG QUA",
        "threshold": "Cần ít nhất 248 phiếu tán thành để thông qua.",
        "generated_at": "08:17:00 ngày 01/12/2026",
        "ballots_digest": "ab" * 32,
        "named": (
            NamedRow("Nguyễn Thị Hồng Nhung", "Tán thành"),
            NamedRow("Y Bhin Niê", "Không tán thành"),
        ),
    }
    base.update(changes)
    return ResultSheet(**base)


def test_open_vote_sheet_text():
    text = extract_text(_pdf(sheet()))
    flat = " ".join(text.split())
    for expected in (
        "HỘI ĐỒNG NHÂN DÂN TỈNH ĐẮK LẮK",
        "BIÊN BẢN KIỂM PHIẾU",
        "Biểu quyết công khai",
        "Kỳ họp thứ Ba",
        "2.1. Nghị quyết về dự toán ngân sách năm 2027",
        "Thông qua <script>alert(1)</script> & phụ lục",
        "Quá nửa tổng số đại biểu Hội đồng nhân dân tán thành",
        "08:15:03 ngày 01/12/2026",
        "Tán thành 423 85,63%",
        "Không tán thành 40 8,10%",
        "Không biểu quyết 7 1,42%",
        "KẾT QUẢ: THÔNG QUA",
        "Nguyễn Thị Hồng Nhung Tán thành",
        "Y Bhin Niê Không tán thành",
        "ab" * 32,
    ):
        assert expected in flat, expected


def test_user_text_is_escaped_in_the_markup():
    html = sheet_html(sheet())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; phụ lục" in html


def test_secret_sheet_names_nobody():
    secret = sheet(method="Bỏ phiếu kín", named=(), secret=True)
    text = " ".join(extract_text(_pdf(secret)).split())
    assert "Bỏ phiếu kín" in text
    assert "không ghi tên người bỏ phiếu" in text
    assert "Nguyễn Thị Hồng Nhung" not in text
    with pytest.raises(ValueError, match="never names"):
        sheet_html(sheet(secret=True))


def test_confidence_sheet_lists_each_office_holder():
    confidence = sheet(
        method="Bỏ phiếu kín",
        named=(),
        secret=True,
        option_header=("Người được lấy phiếu", "Tín nhiệm cao", "Tín nhiệm", "Tín nhiệm thấp"),
        options=(
            OptionRow("Bà B - Chủ tịch UBND tỉnh", ("10 (20,00%)", "14 (28,00%)", "26 (52,00%)")),
        ),
        notes=("Bà B - Chủ tịch UBND tỉnh: quá nửa tổng số đại biểu đánh giá tín nhiệm thấp.",),
    )
    text = " ".join(extract_text(_pdf(confidence)).split())
    assert "Bà B - Chủ tịch UBND tỉnh 10 (20,00%) 14 (28,00%) 26 (52,00%)" in text
    assert "quá nửa tổng số đại biểu đánh giá tín nhiệm thấp" in text


def test_long_named_list_flows_over_pages():
    many = tuple(NamedRow(f"Đại biểu số {n}", "Tán thành") for n in range(1, 501))
    text = extract_text(_pdf(sheet(named=many)))
    assert "Đại biểu số 500" in text
    assert "Trang 1/" in text


@pytest.mark.parametrize(
    ("value", "text"), [(85.63, "85,63%"), (8.1, "8,10%"), (100.0, "100,00%"), (None, "")]
)
def test_vietnamese_percent(value, text):
    assert vn_percent(value) == text
