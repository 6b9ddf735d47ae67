"""The result sheet of a vote (biên bản kiểm phiếu) laid out for a PDF. Pure: plain values in,
the HTML a PDF worker lays out (`result_sheet_pdf_args`) out; no PyMuPDF here.

Every piece of text that came from people (names, titles, labels) is escaped before it goes
into the HTML that compose.html_to_pdf lays out. A secret vote's sheet carries no names of
voters at all; an open vote's sheet lists who chose what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

SHEET_CSS = """
table.heading td { border: none; padding: 0; vertical-align: top; font-size: 10.5pt; }
table.heading td.left { width: 42%; text-align: center; }
table.heading td.right { text-align: center; }
.strong { font-weight: bold; }
.outcome { font-size: 12.5pt; font-weight: bold; margin: 8pt 0 4pt 0; }
.note { font-style: italic; }
table.signatures td { border: none; text-align: center; padding-top: 6pt; }
p.small { text-align: left; }
"""


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int
    #: Of all members, already rounded (None: not shown).
    percentage: float | None


@dataclass(frozen=True)
class OptionRow:
    """One office holder or candidate: its label and the cells that follow it."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class NamedRow:
    full_name: str
    choice: str


@dataclass(frozen=True)
class ResultSheet:
    council: str
    meeting: str
    motion: str
    #: "Biểu quyết công khai" or "Bỏ phiếu kín".
    method: str
    #: The rule in words, e.g. "Quá nửa tổng số đại biểu Hội đồng nhân dân tán thành".
    rule: str
    opened_at: str
    closed_at: str
    members: int
    present: int
    cast: int
    counts: tuple[CountRow, ...]
    #: e.g. "NGHỊ QUYẾT ĐƯỢC THÔNG QUA".
    outcome: str
    generated_at: str
    ballots_digest: str
    #: The hash of the close's entry in the audit chain: `flask audit verify --head` finds it
    #: in the chain, or the record was rewritten after the vote.
    audit_hash: str = ""
    term: str | None = None
    location: str | None = None
    agenda_item: str | None = None
    #: e.g. "Cần ít nhất 26 phiếu tán thành".
    threshold: str | None = None
    notes: tuple[str, ...] = ()
    option_header: tuple[str, ...] = ()
    options: tuple[OptionRow, ...] = ()
    #: Open votes only; must be empty for a secret vote.
    named: tuple[NamedRow, ...] = field(default_factory=tuple)
    secret: bool = False


def vn_percent(value: float | None) -> str:
    """85.63 -> "85,63%" (Vietnamese decimal comma)."""
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", ",") + "%"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def sheet_html(sheet: ResultSheet) -> str:
    """The sheet as HTML for compose.html_to_pdf (every user text escaped)."""
    if sheet.secret and sheet.named:
        raise ValueError("a secret vote's sheet never names voters")
    parts: list[str] = []
    term = f"<br/>{_e(sheet.term)}" if sheet.term else ""
    parts.append(
        '<table class="heading"><tr><td class="left" style="width: 45%">'
        f'<span class="strong">{_e(sheet.council.upper())}</span>{term}</td>'
        '<td class="right" style="width: 55%">'
        '<span class="strong">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</span><br/>'
        '<span class="strong">Độc lập - Tự do - Hạnh phúc</span></td></tr></table>'
    )
    parts.append("<h1>BIÊN BẢN KIỂM PHIẾU</h1>")
    parts.append(f'<p class="center">{_e(sheet.method)}</p>')
    parts.append(f"<p><b>Kỳ họp:</b> {_e(sheet.meeting)}</p>")
    if sheet.location:
        parts.append(f"<p><b>Địa điểm:</b> {_e(sheet.location)}</p>")
    if sheet.agenda_item:
        parts.append(f"<p><b>Nội dung chương trình:</b> {_e(sheet.agenda_item)}</p>")
    parts.append(f"<p><b>Vấn đề biểu quyết:</b> {_e(sheet.motion)}</p>")
    parts.append(f"<p><b>Nguyên tắc thông qua:</b> {_e(sheet.rule)}</p>")
    parts.append(
        f"<p><b>Thời gian:</b> mở biểu quyết {_e(sheet.opened_at)}; "
        f"kết thúc {_e(sheet.closed_at)}</p>"
    )

    parts.append("<h2>Kết quả</h2>")
    parts.append(
        '<table><tr><th>Nội dung</th><th class="num">Số đại biểu</th>'
        '<th class="num">Tỷ lệ so với tổng số đại biểu</th></tr>'
    )
    rows = [
        CountRow("Tổng số đại biểu Hội đồng nhân dân", sheet.members, None),
        CountRow("Số đại biểu có mặt", sheet.present, None),
        *sheet.counts,
    ]
    for row in rows:
        parts.append(
            f'<tr><td>{_e(row.label)}</td><td class="num">{row.count}</td>'
            f'<td class="num">{vn_percent(row.percentage)}</td></tr>'
        )
    parts.append("</table>")

    if sheet.options:
        parts.append("<table><tr>")
        parts.extend(f"<th>{_e(h)}</th>" for h in sheet.option_header)
        parts.append("</tr>")
        for option in sheet.options:
            cells = "".join(f'<td class="num">{_e(c)}</td>' for c in option.cells)
            parts.append(f"<tr><td>{_e(option.label)}</td>{cells}</tr>")
        parts.append("</table>")

    parts.append(f'<p class="outcome">{_e(sheet.outcome)}</p>')
    if sheet.threshold:
        parts.append(f"<p>{_e(sheet.threshold)}</p>")
    for note in sheet.notes:
        parts.append(f'<p class="note">{_e(note)}</p>')

    if sheet.named:
        parts.append("<h2>Danh sách biểu quyết của đại biểu</h2>")
        parts.append("<table><tr><th>STT</th><th>Họ và tên</th><th>Biểu quyết</th></tr>")
        for number, named in enumerate(sheet.named, start=1):
            parts.append(
                f'<tr><td class="num">{number}</td><td>{_e(named.full_name)}</td>'
                f"<td>{_e(named.choice)}</td></tr>"
            )
        parts.append("</table>")
    elif sheet.secret:
        parts.append(
            '<p class="note">Bỏ phiếu kín: biên bản chỉ ghi số phiếu, không ghi tên người bỏ '
            "phiếu và lựa chọn của từng người.</p>"
        )

    parts.append(
        '<table class="signatures"><tr><td><b>THƯ KÝ KỲ HỌP</b><br/>(Ký, ghi rõ họ tên)</td>'
        "<td><b>CHỦ TỌA KỲ HỌP</b><br/>(Ký, ghi rõ họ tên)</td></tr></table>"
    )
    parts.append(
        f'<p class="small muted">Lập tự động lúc {_e(sheet.generated_at)}.<br/>'
        f"Mã kiểm tra phiếu (SHA-256): {_e(sheet.ballots_digest)}<br/>"
        f"Mã kiểm chứng trong nhật ký quyết định: {_e(sheet.audit_hash)}</p>"
    )
    return "".join(parts)


def result_sheet_pdf_args(sheet: ResultSheet) -> dict[str, str]:
    """What a PDF worker's html_pdf lays out as the result sheet."""
    return {
        "html": sheet_html(sheet),
        "title": f"Biên bản kiểm phiếu: {sheet.motion}",
        "author": sheet.council,
        "css": SHEET_CSS,
        "footer": "Biên bản kiểm phiếu - Trang {page}/{pages}",
    }
