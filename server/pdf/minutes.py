"""The session's minutes data (dữ liệu biên bản kỳ họp) laid out for an A4 PDF. Pure: plain
values in, the HTML a PDF worker lays out (`minutes_pdf_args`) out; no PyMuPDF here.

The caller (server.minutes.services) says everything in words already; this module only lays
the blocks out, escaping every piece of text (names, titles, reasons come from people).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TypeAlias

TITLE = "DỮ LIỆU BIÊN BẢN KỲ HỌP"

MINUTES_CSS = """
table.heading td { border: none; padding: 0; vertical-align: top; font-size: 10.5pt; }
table.heading td.left { text-align: center; }
table.heading td.right { text-align: center; }
.strong { font-weight: bold; }
h2 { border-bottom: 0.8pt solid #444; padding-bottom: 2pt; margin-top: 14pt; }
h3 { margin-top: 10pt; }
h4 { font-size: 11pt; margin: 12pt 0 3pt 0; padding: 2pt 0 2pt 0; border-bottom: 0.6pt solid #888; }
/* No cell backgrounds: MuPDF's Story paints a cell's background on every page the story
   spans (light bars across other pages' rows), so headers are set apart by a rule. */
th { background-color: transparent; border-bottom: 1.2pt solid #222; }
th, td { font-size: 9.5pt; }
p.label { margin: 0 0 3pt 0; }
p.outcome { font-weight: bold; font-size: 11.5pt; margin: 4pt 0 4pt 0; }
p.note { font-style: italic; }
p.empty { color: #555; font-style: italic; }
p.small { font-size: 9pt; text-align: left; }
td.muted { color: #555; }
td { vertical-align: top; }
td.nowrap { white-space: nowrap; }
"""


@dataclass(frozen=True)
class Heading:
    text: str
    #: 2 (part), 3 (agenda item) or 4 (a vote within an item).
    level: int = 2


@dataclass(frozen=True)
class Para:
    text: str
    #: Bold words before the text, e.g. "Địa điểm:".
    label: str = ""
    #: "" or "outcome", "note", "empty", "small".
    style: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: Columns aligned right (numbers).
    numeric: tuple[int, ...] = ()
    #: Column widths in percent (optional).
    widths: tuple[int, ...] = ()
    #: Columns kept on one line (times, short words).
    nowrap: tuple[int, ...] = ()


Block: TypeAlias = Heading | Para | Table


@dataclass(frozen=True)
class MinutesPdf:
    council: str
    meeting: str
    blocks: tuple[Block, ...]
    term: str | None = None
    #: The line under the title, e.g. the session's dates.
    subtitle: str = ""
    #: The last line: when it was exported and the audit chain's head.
    colophon: tuple[str, ...] = ()


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _table(table: Table) -> str:
    parts = ["<table><tr>"]
    for index, head in enumerate(table.header):
        cls = ' class="num"' if index in table.numeric else ""
        width = f' width="{table.widths[index]}%"' if index < len(table.widths) else ""
        parts.append(f"<th{cls}{width}>{_e(head)}</th>")
    parts.append("</tr>")
    for row in table.rows:
        parts.append("<tr>")
        for index, cell in enumerate(row):
            classes = [
                name
                for name, wanted in (("num", table.numeric), ("nowrap", table.nowrap))
                if index in wanted
            ]
            cls = f' class="{" ".join(classes)}"' if classes else ""
            parts.append(f"<td{cls}>{_e(cell)}</td>")
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)


def minutes_html(doc: MinutesPdf) -> str:
    """The document as HTML for compose.html_to_pdf (every text escaped)."""
    term = f"<br/>{_e(doc.term)}" if doc.term else ""
    parts = [
        '<table class="heading"><tr><td class="left" style="width: 45%">'
        f'<span class="strong">{_e(doc.council.upper())}</span>{term}</td>'
        '<td class="right" style="width: 55%">'
        '<span class="strong">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</span><br/>'
        '<span class="strong">Độc lập - Tự do - Hạnh phúc</span></td></tr></table>',
        f"<h1>{_e(TITLE)}</h1>",
        f'<p class="center"><b>{_e(doc.meeting)}</b></p>',
    ]
    if doc.subtitle:
        parts.append(f'<p class="center">{_e(doc.subtitle)}</p>')
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 2), 4)
            parts.append(f"<h{level}>{_e(block.text)}</h{level}>")
        elif isinstance(block, Para):
            cls = f' class="{block.style or "label"}"'
            label = f"<b>{_e(block.label)}</b> " if block.label else ""
            parts.append(f"<p{cls}>{label}{_e(block.text)}</p>")
        else:
            parts.append(_table(block))
    if doc.colophon:
        parts.append(
            '<p class="small muted">' + "<br/>".join(_e(line) for line in doc.colophon) + "</p>"
        )
    return "".join(parts)


def minutes_pdf_args(doc: MinutesPdf) -> dict[str, str]:
    """What a PDF worker's html_pdf lays out as the minutes PDF."""
    return {
        "html": minutes_html(doc),
        "title": f"Dữ liệu biên bản kỳ họp: {doc.meeting}",
        "author": doc.council,
        "css": MINUTES_CSS,
        "footer": "Dữ liệu biên bản kỳ họp - Trang {page}/{pages}",
    }
