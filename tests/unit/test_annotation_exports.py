"""Exports without an app: Web Annotation JSON-LD, the comments CSV and summary HTML, and the
annotated PDF written by PyMuPDF (as a PDF worker runs it)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pymupdf

from server.annotations import summary, webanno
from server.pdf import annotate
from server.pdf.compose import html_to_pdf

WHEN = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)


def item(kind, geometry, **extra):
    values = {
        "id": "5a0f3c1e-8f0a-4d8e-9a53-1f1f1f1f1f1f",
        "page": 2,
        "kind": kind,
        "geometry": geometry,
        "color": "#ffd400",
        "text": None,
        "quote": None,
        "prefix": None,
        "suffix": None,
        "created": "2026-12-01T02:30:00+00:00",
        "modified": "2026-12-01T02:31:00+00:00",
    }
    values.update(extra)
    return webanno.Item(**values)


def test_web_annotation_of_a_highlight():
    mark = item(
        "highlight",
        {"rects": [[10, 20, 110, 34], [10, 40, 60, 54]]},
        text="Xem lại <b>số liệu</b>",
        quote="ngân sách",
        prefix="dự toán",
        suffix="nhà nước",
    )
    data = webanno.collection(
        [mark],
        collection_id="https://hop.example/api/documents/7/annotations.jsonld",
        source="https://hop.example/api/documents/7/download",
        label="Ghi chú",
        author="Nguyễn Văn A",
        page_sizes={2: (595.28, 841.89)},
        generated="2026-12-01T03:00:00+00:00",
    )
    assert data["@context"] == webanno.CONTEXT
    assert data["total"] == 1
    [entry] = data["first"]["items"]
    assert entry["id"] == "urn:uuid:5a0f3c1e-8f0a-4d8e-9a53-1f1f1f1f1f1f"
    assert entry["motivation"] == "highlighting"
    assert entry["body"]["value"] == "Xem lại <b>số liệu</b>"
    selectors = {s["type"]: s for s in entry["target"]["selector"]}
    assert selectors["FragmentSelector"] == {
        "type": "FragmentSelector",
        "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
        "value": "page=2&viewrect=10,20,100,34",
    }
    assert selectors["TextQuoteSelector"] == {
        "type": "TextQuoteSelector",
        "exact": "ngân sách",
        "prefix": "dự toán",
        "suffix": "nhà nước",
    }
    assert selectors["SvgSelector"]["value"].count("<rect ") == 2
    assert entry["stylesheet"]["value"] == ".highlight { color: #ffd400 }"


def test_web_annotation_of_other_kinds():
    ink = webanno.annotation(
        item("ink", {"strokes": [[[1, 2], [3, 4]]], "width": 2}),
        source="s",
        author="a",
        page_size=(100, 100),
    )
    assert "<polyline" in ink["target"]["selector"][1]["value"]
    mark = webanno.annotation(item("bookmark", {}), source="s", author="a", page_size=(100, 100))
    assert mark["motivation"] == "bookmarking"
    assert mark["target"]["selector"] == {
        "type": "FragmentSelector",
        "conformsTo": webanno.PDF_FRAGMENT,
        "value": "page=2",
    }
    note = webanno.annotation(
        item("note", {"point": [5, 6]}, text="x"), source="s", author="a", page_size=None
    )
    assert note["motivation"] == "commenting"
    assert note["target"]["selector"]["value"] == "page=2&viewrect=5,6,0,0"


def sections():
    entries = [
        summary.Entry(
            author="H'Hen Niê",
            text='=cmd|" /C calc"!A0',
            page=3,
            quote="@SUM(1+1)",
            visibility="all",
            status="considered",
            created=WHEN,
            replies=[summary.Reply("Văn phòng", "Đã tiếp thu <ý kiến>", WHEN)],
        ),
        summary.Entry(
            author="Nguyễn Văn An",
            text="Đề nghị bổ sung\nphụ lục <script>",
            page=None,
            quote=None,
            visibility="secretariat",
            status="received",
            created=WHEN,
        ),
    ]
    return [summary.Section("1. Báo cáo", "Báo cáo kinh tế", 2, entries)]


def test_csv_has_a_bom_and_no_formulas():
    data = summary.csv_bytes(sections())
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(summary.CSV_HEADER)
    first = rows[1]
    assert first[0] == "1"
    assert first[3] == "2"
    assert first[5] == "'@SUM(1+1)"
    assert first[6] == '\'=cmd|" /C calc"!A0'
    assert first[9] == "Đã tiếp thu"
    assert first[10] == "09:30 01/12/2026"
    assert first[11] == "Văn phòng (09:30 01/12/2026): Đã tiếp thu <ý kiến>"
    assert rows[2][4] == ""
    assert rows[2][6] == "Đề nghị bổ sung\nphụ lục <script>"
    assert summary.plain_cell("-1") == "'-1"
    assert summary.plain_cell("Bình thường") == "Bình thường"


def test_summary_html_escapes_user_text():
    heading = summary.Heading("HĐND tỉnh <X>", "Kỳ họp & phiên", WHEN, "Toàn kỳ họp")
    html = summary.summary_html(heading, sections())
    assert "<script>" not in html
    assert "phụ lục &lt;script&gt;" in html
    assert "Đã tiếp thu &lt;ý kiến&gt;" in html
    assert "HĐND TỈNH &lt;X&gt;" in html
    assert "Kỳ họp &amp; phiên" in html
    assert "(phiên bản 2)" in html
    empty = summary.summary_html(heading, [])
    assert "Chưa có ý kiến góp ý nào." in empty


def test_annotated_pdf_in_process(tmp_path: Path):
    source = tmp_path / "source.pdf"
    source.write_bytes(html_to_pdf("<h1>Tờ trình</h1><p>Nội dung trang một.</p>", title="Tờ trình"))
    out = tmp_path / "out.pdf"
    items = [
        {
            "id": "a",
            "page": 1,
            "kind": "highlight",
            "geometry": {"rects": [[60, 60, 200, 80]]},
            "color": "#ffd400",
            "text": "Ghi",
            "created_at": "2026-12-01T02:30:00+00:00",
        },
        {
            "id": "b",
            "page": 1,
            "kind": "textbox",
            "geometry": {"rect": [60, 300, 300, 360]},
            "color": "#202020",
            "text": "Hộp chữ tiếng Việt",
        },
        {"id": "c", "page": 5, "kind": "note", "geometry": {"point": [1, 1]}, "color": "#000000"},
        {
            "id": "d",
            "page": 1,
            "kind": "bookmark",
            "geometry": {},
            "color": "#e53935",
            "text": None,
        },
        {"id": "e", "page": 1, "kind": "highlight", "geometry": {}, "color": "#ffd400"},
    ]
    result = annotate.annotate(source, out, items, author="Đại biểu A")
    assert result["counts"] == {"highlight": 1, "textbox": 1, "bookmark": 1}
    assert result["skipped"] == 2
    with pymupdf.open(out) as pdf:
        kinds = sorted(a.type[1] for a in pdf[0].annots())
        assert kinds == ["FreeText", "Highlight"]
        assert pdf.get_toc()[-2:] == [[1, "Dấu trang của tôi", 1], [2, "Trang 1", 1]]
        highlight = next(a for a in pdf[0].annots() if a.type[1] == "Highlight")
        assert highlight.info["creationDate"] == "D:20261201023000+00'00'"
        assert highlight.info["id"] == "a"
    assert annotate.rgb("#ff0000") == (1.0, 0.0, 0.0)
    assert annotate.pdf_date("not a date") == ""
