"""Writing new PDFs in Vietnamese: demo documents, result sheets, summaries.

HTML laid out by PyMuPDF's Story in Noto Sans (from pymupdf-fonts, full Vietnamese
coverage in four styles), A4 pages, and a footer with the page number. Pure: no Flask,
no database. Callers escape any user text they put into the HTML (html.escape).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf

from server.pdf.files import write_atomic

A4 = pymupdf.paper_rect("a4")
MARGIN_X = 56.0  # about 2 cm
MARGIN_TOP = 50.0
MARGIN_BOTTOM = 60.0

FONT_FAMILY = "notosans"

BASE_CSS = """
* { font-family: notosans; }
body { font-size: 11pt; line-height: 1.35; color: #111; }
h1 { font-size: 15pt; text-align: center; margin: 6pt 0 2pt 0; }
h2 { font-size: 12.5pt; margin: 10pt 0 4pt 0; }
h3 { font-size: 11.5pt; margin: 8pt 0 3pt 0; }
p { margin: 0 0 5pt 0; text-align: justify; }
.center { text-align: center; }
.right { text-align: right; }
.muted { color: #555; }
.small { font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt 0; }
th, td { border: 0.6pt solid #444; padding: 3pt 4pt; font-size: 10pt; }
th { background-color: #eee; }
td.num, th.num { text-align: right; }
"""


@dataclass(frozen=True)
class PageFooter:
    """Text at the bottom of each page; {page} and {pages} are filled in."""

    text: str = "Trang {page}/{pages}"


def _archive_and_css() -> tuple[pymupdf.Archive, str]:
    archive = pymupdf.Archive()
    css = pymupdf.css_for_pymupdf_font("notos", CSS=None, archive=archive, name=FONT_FAMILY)
    return archive, css


def html_to_pdf(
    body_html: str,
    *,
    title: str,
    author: str = "",
    css: str = "",
    footer: PageFooter | None = None,
) -> bytes:
    """An A4 PDF of `body_html` (trusted markup with escaped user text)."""
    archive, font_css = _archive_and_css()
    story = pymupdf.Story(html=body_html, user_css=font_css + BASE_CSS + css, archive=archive)
    content = pymupdf.Rect(MARGIN_X, MARGIN_TOP, A4.width - MARGIN_X, A4.height - MARGIN_BOTTOM)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    more = True
    while more:
        device = writer.begin_page(A4)
        more, _ = story.place(content)
        story.draw(device)
        writer.end_page()
    writer.close()

    doc = pymupdf.open("pdf", buffer.getvalue())
    footer = footer or PageFooter()
    font = pymupdf.Font("notos")
    for page in doc:
        page.insert_font(fontname="F-notos", fontbuffer=font.buffer)
        text = footer.text.format(page=page.number + 1, pages=doc.page_count)
        width = font.text_length(text, fontsize=8.5)
        page.insert_text(
            ((A4.width - width) / 2, A4.height - MARGIN_BOTTOM / 2),
            text,
            fontname="F-notos",
            fontsize=8.5,
            color=(0.35, 0.35, 0.35),
        )
    doc.set_metadata({"title": title, "author": author, "creator": "Phòng họp không giấy"})
    doc.subset_fonts()
    data: bytes = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def html_pdf_from_args(args: Mapping[str, Any]) -> bytes:
    """`html_to_pdf` from plain values: html, title, author, css, footer (its text)."""
    footer = args.get("footer")
    return html_to_pdf(
        str(args["html"]),
        title=str(args.get("title") or ""),
        author=str(args.get("author") or ""),
        css=str(args.get("css") or ""),
        footer=PageFooter(str(footer)) if footer else None,
    )


def _op_html_pdf(args: dict[str, Any], emit: Any) -> dict[str, Any]:
    data = html_pdf_from_args(args)
    # Read back by the server at once: whole or absent, no need to outlive a crash.
    write_atomic(Path(args["out"]), data, durable=False)
    return {"bytes": len(data)}


#: Registered with server.pdf.worker: comment summaries, result sheets, the minutes.
OPERATIONS = {"html_pdf": _op_html_pdf}


def extract_text(pdf: bytes) -> str:
    """All text of a PDF, page after page (for checks and tests)."""
    with pymupdf.open("pdf", pdf) as doc:
        return "\n".join(page.get_text() for page in doc)


def long_report(
    pages: int, *, seed: int = 1, title: str = "Báo cáo tổng hợp", seal: bool = False
) -> bytes:
    """A long A4 report in Vietnamese, page after page, fast to write (benchmarks, tests).

    With `seal`, every page carries a red round seal, as signed documents do (colour).

    Unlike `html_to_pdf` it sets each page's lines directly, so hundreds of pages take a
    second or two; every page has a heading, numbered paragraphs and a small table.
    """
    import random

    rng = random.Random(seed)  # noqa: S311 - made-up text, reproducible
    # Each report is about a few topics, as real ones are: a search for a topic's words
    # finds some documents, not all of them.
    topics = [
        [
            "dự toán thu ngân sách nhà nước",
            "chi ngân sách địa phương",
            "báo cáo thẩm tra của Ban Kinh tế - Ngân sách",
            "nguồn thu từ tiền sử dụng đất",
        ],
        [
            "kế hoạch đầu tư công trung hạn",
            "giải ngân vốn đầu tư công",
            "dự án cao tốc Khánh Hòa - Buôn Ma Thuột",
            "công tác giải phóng mặt bằng",
        ],
        [
            "cấp nước sinh hoạt mùa khô",
            "công trình thủy lợi hồ Ea Súp",
            "phòng, chống hạn hán và xâm nhập mặn",
            "nước tưới cho cây cà phê",
        ],
        [
            "chương trình mục tiêu quốc gia",
            "giảm nghèo bền vững",
            "vùng đồng bào dân tộc thiểu số",
            "hỗ trợ nhà ở cho hộ nghèo",
        ],
        [
            "chuyển đổi số trong cơ quan nhà nước",
            "dịch vụ công trực tuyến toàn trình",
            "cơ sở dữ liệu dân cư",
            "chữ ký số cho cán bộ, công chức",
        ],
        [
            "sản lượng cà phê, sầu riêng, hồ tiêu",
            "liên kết chuỗi giá trị nông sản",
            "mã số vùng trồng xuất khẩu",
            "hợp tác xã nông nghiệp kiểu mới",
        ],
        [
            "nâng cao chất lượng giáo dục",
            "hỗ trợ học phí cho học sinh, sinh viên",
            "sắp xếp mạng lưới trường lớp",
            "đội ngũ giáo viên mầm non",
        ],
        [
            "bảo hiểm y tế toàn dân",
            "Bệnh viện Đa khoa vùng Tây Nguyên",
            "y tế cơ sở ở các xã, phường",
            "phòng, chống dịch bệnh",
        ],
        [
            "phát triển du lịch Buôn Ma Thuột",
            "Lễ hội Cà phê Buôn Ma Thuột",
            "không gian văn hóa cồng chiêng",
            "bảo tồn buôn làng truyền thống",
        ],
        [
            "quản lý đất đai và tài nguyên",
            "bảo vệ và phát triển rừng",
            "xử lý chất thải rắn sinh hoạt",
            "khai thác khoáng sản trái phép",
        ],
    ]
    common = [
        "ý kiến, kiến nghị của cử tri",
        "Hội đồng nhân dân tỉnh giám sát",
        "Ủy ban nhân dân các xã, phường",
        "tăng trưởng kinh tế của tỉnh Đắk Lắk",
    ]
    phrases = common + [p for topic in rng.sample(topics, 3) for p in topic]
    linkers = ["và", "đồng thời", "trong đó", "nhằm", "theo", "gắn với", "để", "về"]
    font = pymupdf.Font("notos")
    bold = pymupdf.Font("notosbo")
    width = A4.width - 2 * MARGIN_X
    # Measured once: Font.text_length is too slow to call for every candidate line.
    size = {t: font.text_length(t, fontsize=10) for t in [*phrases, *linkers, " ", ","]}
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page(width=A4.width, height=A4.height)
        writer = pymupdf.TextWriter(page.rect)
        y = MARGIN_TOP + 20
        writer.append((MARGIN_X, y), f"{title} - Mục {number}", font=bold, fontsize=13)
        y += 26
        while y < A4.height - MARGIN_BOTTOM - 90:
            line = rng.choice(phrases)
            used = size[line]
            while True:
                linker, phrase = rng.choice(linkers), rng.choice(phrases)
                extra = 2 * size[" "] + size[linker] + size[phrase]
                if used + extra + size[","] > width:
                    break
                line, used = f"{line} {linker} {phrase}", used + extra
            line = line[0].upper() + line[1:] + ("." if rng.random() < 0.4 else ",")
            writer.append((MARGIN_X, y), line, font=font, fontsize=10)
            y += 15
        for row in range(4):
            cells = (f"Khoản {row + 1}", f"{rng.randint(100, 99999):,}".replace(",", "."))
            writer.append((MARGIN_X, y + 15 * row), cells[0], font=font, fontsize=10)
            writer.append(
                (A4.width - MARGIN_X - 80, y + 15 * row), cells[1], font=font, fontsize=10
            )
        writer.write_text(page)
        page.draw_rect(pymupdf.Rect(MARGIN_X - 4, y - 12, A4.width - MARGIN_X, y + 50), width=0.6)
        if seal:
            centre = pymupdf.Point(A4.width - MARGIN_X - 70, A4.height - MARGIN_BOTTOM - 40)
            red = (0.8, 0.1, 0.1)
            page.draw_circle(centre, 42, color=red, width=2.5, stroke_opacity=0.8)
            page.draw_circle(centre, 30, color=red, width=1, stroke_opacity=0.8)
            stamp = pymupdf.TextWriter(page.rect, color=red)
            stamp.append(pymupdf.Point(centre.x - 15, centre.y + 3), "HĐND", font=bold, fontsize=8)
            stamp.write_text(page)
        footer = f"Trang {number}/{pages}"
        page.insert_text(
            ((A4.width - font.text_length(footer, 8.5)) / 2, A4.height - MARGIN_BOTTOM / 2),
            footer,
            fontsize=8.5,
        )
    doc.set_metadata({"title": title, "creator": "Phòng họp không giấy"})
    doc.subset_fonts()
    data: bytes = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data
