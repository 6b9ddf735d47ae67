"""The Vietnamese PDF writer: text comes back out exactly, pages are numbered."""

from __future__ import annotations

import pymupdf

from server.pdf.compose import PageFooter, extract_text, html_to_pdf

SAMPLE = "Nghị quyết về dự toán ngân sách nhà nước năm 2027 — Đắk Lắk, ỨNG Ử Ữ ự ỳ ỹ"


def test_vietnamese_text_round_trips():
    pdf = html_to_pdf(f"<h1>{SAMPLE}</h1><p><b>{SAMPLE}</b> <i>{SAMPLE}</i></p>", title="Thử")
    text = extract_text(pdf).replace("\n", " ")
    assert text.count(SAMPLE) == 3


def test_long_text_flows_over_numbered_pages():
    body = "".join(f"<p>Đoạn {n}. {SAMPLE}. {SAMPLE}. {SAMPLE}.</p>" for n in range(120))
    pdf = html_to_pdf(body, title="Dài", footer=PageFooter("Trang {page} trên {pages}"))
    with pymupdf.open("pdf", pdf) as doc:
        pages = doc.page_count
        assert pages >= 3
        assert doc.metadata["title"] == "Dài"
        assert f"Trang {pages} trên {pages}" in doc[-1].get_text()
        fonts = {f[3] for f in doc[0].get_fonts()}
    assert any("Noto" in f for f in fonts)
    assert "Đoạn 119." in extract_text(pdf)
