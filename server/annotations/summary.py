"""The secretariat's compilation of comments: a CSV table and the HTML of a PDF summary.

Pure: no Flask, no database. Sections come in agenda order, one per document. The CSV is
UTF-8 with a byte order mark (Excel then reads Vietnamese correctly) and cells that a
spreadsheet would take for a formula are made plain text. Every piece of user text in the
HTML is escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Final
from zoneinfo import ZoneInfo

VIETNAM: Final = ZoneInfo("Asia/Ho_Chi_Minh")

STATUS_LABELS: Final = {
    "received": "Đã tiếp nhận",
    "considered": "Đã tiếp thu",
    "answered": "Đã trả lời",
}
VISIBILITY_LABELS: Final = {
    "secretariat": "Gửi Văn phòng",
    "all": "Công khai với đại biểu",
}
CSV_HEADER: Final = (
    "STT",
    "Nội dung chương trình",
    "Tài liệu",
    "Phiên bản",
    "Trang",
    "Đoạn trích dẫn",
    "Nội dung góp ý",
    "Đại biểu",
    "Phạm vi",
    "Trạng thái",
    "Thời gian gửi",
    "Trả lời của Văn phòng",
)
#: First characters that make a spreadsheet evaluate a cell (CSV injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Reply:
    author: str
    text: str
    created: datetime


@dataclass(frozen=True)
class Entry:
    """One comment."""

    author: str
    text: str
    page: int | None
    quote: str | None
    visibility: str
    status: str
    created: datetime
    replies: Sequence[Reply] = ()


@dataclass(frozen=True)
class Section:
    """The comments on one document."""

    #: "2.1. Tờ trình ..." (the agenda item's number and title), or "" when none.
    agenda: str
    document: str
    version: int
    entries: Sequence[Entry] = field(default_factory=tuple)


@dataclass(frozen=True)
class Heading:
    council: str
    meeting: str
    generated: datetime
    #: "Toàn kỳ họp" or the document's title when the summary covers one document.
    scope: str


def when(value: datetime) -> str:
    """A time as people in Vietnam read it: 14:05 20/12/2026."""
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def plain_cell(value: str) -> str:
    """Text a spreadsheet shows as typed, never evaluates."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _replies(entry: Entry) -> str:
    return "\n".join(f"{r.author} ({when(r.created)}): {r.text}" for r in entry.replies)


def csv_bytes(sections: Sequence[Section]) -> bytes:
    """The comments as a table, one row per comment, UTF-8 with BOM and CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    number = 0
    for section in sections:
        for entry in section.entries:
            number += 1
            writer.writerow(
                [
                    number,
                    plain_cell(section.agenda),
                    plain_cell(section.document),
                    section.version,
                    entry.page if entry.page is not None else "",
                    plain_cell(entry.quote or ""),
                    plain_cell(entry.text),
                    plain_cell(entry.author),
                    VISIBILITY_LABELS.get(entry.visibility, entry.visibility),
                    STATUS_LABELS.get(entry.status, entry.status),
                    when(entry.created),
                    plain_cell(_replies(entry)),
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _multiline(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.split("\n"))


SUMMARY_CSS: Final = """
table.comments td { vertical-align: top; }
table.comments p { text-align: left; }
td.quote { font-style: italic; color: #333; }
p.reply { margin: 2pt 0 0 0; color: #1a3d6b; font-size: 9.5pt; }
p.lead { text-align: center; margin: 0; }
"""


def summary_html(heading: Heading, sections: Sequence[Section]) -> str:
    """The body of the PDF summary: a heading, then one section per document."""
    total = sum(len(s.entries) for s in sections)
    counts = {
        status: sum(1 for s in sections for e in s.entries if e.status == status)
        for status in STATUS_LABELS
    }
    parts = [
        f"<p class='lead'><b>{escape(heading.council.upper())}</b></p>",
        f"<p class='lead'>{escape(heading.meeting)}</p>",
        "<h1>TỔNG HỢP Ý KIẾN GÓP Ý CỦA ĐẠI BIỂU</h1>",
        f"<p class='center'>{escape(heading.scope)}</p>",
        f"<p class='center muted small'>Lập lúc {when(heading.generated)}</p>",
        f"<p>Tổng số: <b>{total}</b> ý kiến trên <b>{len(sections)}</b> tài liệu; "
        + "; ".join(f"{escape(label.lower())}: {counts[s]}" for s, label in STATUS_LABELS.items())
        + ".</p>",
    ]
    if not sections:
        parts.append("<p><i>Chưa có ý kiến góp ý nào.</i></p>")
    for n, section in enumerate(sections, start=1):
        title = escape(section.document)
        if section.version > 1:
            title += f" (phiên bản {section.version})"
        parts.append(f"<h2>{n}. {title}</h2>")
        if section.agenda:
            parts.append(f"<p class='muted small'>Nội dung: {escape(section.agenda)}</p>")
        parts.append(
            "<table class='comments'><tr><th class='num' style='width:22pt'>STT</th>"
            "<th style='width:84pt'>Đại biểu</th><th class='num' style='width:30pt'>Trang</th>"
            "<th style='width:216pt'>Ý kiến</th><th style='width:64pt'>Trạng thái</th></tr>"
        )
        for k, entry in enumerate(section.entries, start=1):
            cell = ""
            if entry.quote:
                cell += f"<p class='quote'>“{_multiline(entry.quote)}”</p>"
            cell += f"<p>{_multiline(entry.text)}</p>"
            for reply in entry.replies:
                cell += (
                    f"<p class='reply'><b>Trả lời ({escape(reply.author)}, "
                    f"{when(reply.created)}):</b> {_multiline(reply.text)}</p>"
                )
            scope = "" if entry.visibility == "secretariat" else "<br/><i>(công khai)</i>"
            parts.append(
                f"<tr><td class='num'>{k}</td><td>{escape(entry.author)}<br/>"
                f"<span class='small muted'>{when(entry.created)}</span>{scope}</td>"
                f"<td class='num'>{entry.page if entry.page is not None else ''}</td>"
                f"<td>{cell}</td>"
                f"<td>{escape(STATUS_LABELS.get(entry.status, entry.status))}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)
