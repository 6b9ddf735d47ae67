"""A delegate's annotations written into a copy of a PDF; the comments summary. Pure.

Runs in a PDF worker process (the operations at the bottom are registered with
server.pdf.worker), never in the server's event loop. Each annotation becomes a real
PDF annotation any reader shows: highlight, underline and strike-out (text markup over
the word boxes), ink, a text note (sticky note, its icon's top-left corner at the point),
and free text (a text box, drawn with a font that covers Vietnamese). Bookmarks become
entries of the document outline, under one top-level entry "Dấu trang của tôi" (My
bookmarks) placed after the document's own outline. Every annotation carries the author
(/T), the text (/Contents), the kind in words (/Subj), its dates and the annotation's id
(/NM). Text is written as PDF text strings: inert, whatever characters it holds.

Coordinates are PDF points on the unrotated page from the top left of its visible area,
which is also what PyMuPDF's annotation methods take.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pymupdf

from server.pdf.files import write_atomic

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

BOOKMARKS_TITLE = "Dấu trang của tôi"
NOTE_ICON_SIZE = 18.0
TEXTBOX_FONT_SIZE = 11.0
TEXTBOX_FILL = (1.0, 1.0, 0.88)

LABELS = {
    "highlight": "Tô sáng",
    "underline": "Gạch chân",
    "strikeout": "Gạch bỏ",
    "ink": "Vẽ tay",
    "note": "Ghi chú",
    "textbox": "Hộp chữ",
    "bookmark": "Dấu trang",
}


def rgb(color: str) -> tuple[float, float, float]:
    """ "#rrggbb" as PyMuPDF's (r, g, b) in 0..1."""
    value = color.lstrip("#")
    if len(value) != 6:
        return (1.0, 0.83, 0.0)
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def pdf_date(iso: str | None) -> str:
    """An ISO 8601 time as a PDF date (D:YYYYMMDDHHmmSS+HH'mm')."""
    try:
        when = datetime.fromisoformat(iso or "")
    except ValueError:
        return ""
    offset = when.strftime("%z") or "+0000"
    return f"D:{when:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'"


def _add(page: Any, item: dict[str, Any]) -> Any:
    """The PDF annotation for one of ours on `page`, or None when its geometry is empty."""
    kind = item["kind"]
    geometry = item.get("geometry") or {}
    color = rgb(item.get("color") or "")
    if kind in ("highlight", "underline", "strikeout"):
        rects = [pymupdf.Rect(r) for r in geometry.get("rects", [])]
        if not rects:
            return None
        add = {
            "highlight": page.add_highlight_annot,
            "underline": page.add_underline_annot,
            "strikeout": page.add_strikeout_annot,
        }[kind]
        annot = add(rects)
        annot.set_colors(stroke=color)
        return annot
    if kind == "ink":
        strokes = [[(float(x), float(y)) for x, y in s] for s in geometry.get("strokes", []) if s]
        if not strokes:
            return None
        annot = page.add_ink_annot(strokes)
        annot.set_border(width=float(geometry.get("width", 2.0)))
        annot.set_colors(stroke=color)
        return annot
    if kind == "note":
        x, y = geometry.get("point", (0.0, 0.0))
        annot = page.add_text_annot(pymupdf.Point(x, y), item.get("text") or "", icon="Note")
        annot.set_rect(pymupdf.Rect(x, y, x + NOTE_ICON_SIZE, y + NOTE_ICON_SIZE))
        annot.set_colors(stroke=color)
        return annot
    if kind == "textbox":
        rect = pymupdf.Rect(geometry.get("rect", (0, 0, 0, 0)))
        if rect.is_empty:
            return None
        return page.add_freetext_annot(
            rect,
            item.get("text") or "",
            fontsize=TEXTBOX_FONT_SIZE,
            text_color=color,
            fill_color=TEXTBOX_FILL,
            border_width=0.8,
            rotate=page.rotation,
        )
    return None


def _describe(doc: Any, annot: Any, item: dict[str, Any], author: str) -> None:
    kind = item["kind"]
    info: dict[str, str] = {
        "title": author,
        "subject": LABELS.get(kind, kind),
        "content": item.get("text") or "",
    }
    created, modified = pdf_date(item.get("created_at")), pdf_date(item.get("updated_at"))
    if created:
        info["creationDate"] = created
    if modified:
        info["modDate"] = modified
    annot.set_info(**info)
    doc.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(str(item.get("id", ""))))
    if kind == "textbox":
        # Regenerating a free text's appearance needs its colours again.
        color = rgb(item.get("color") or "")
        annot.update(fontsize=TEXTBOX_FONT_SIZE, text_color=color, fill_color=TEXTBOX_FILL)
    else:
        annot.update()


def _outline(doc: Any, bookmarks: list[dict[str, Any]]) -> bool:
    """Add the bookmarks to the outline; False when the document's outline cannot take them."""
    marks = sorted(bookmarks, key=lambda b: (int(b["page"]), b.get("created_at") or ""))
    entries: list[list[Any]] = [[1, BOOKMARKS_TITLE, int(marks[0]["page"])]]
    for mark in marks:
        text = " ".join((mark.get("text") or "").split())[:200]
        entries.append([2, text or f"Trang {mark['page']}", int(mark["page"])])
    attempts: list[list[Any]] = [doc.get_toc(simple=False), doc.get_toc(simple=True), []]
    for existing in attempts:
        try:
            doc.set_toc(list(existing) + entries)
            return True
        except Exception:  # noqa: S112 - an outline the document's own entries break: try less
            continue
    return False


def annotate(
    pdf: Path, out: Path, annotations: list[dict[str, Any]], *, author: str
) -> dict[str, Any]:
    """Write `annotations` into a copy of `pdf` at `out`; counts by kind, and what was skipped."""
    doc = pymupdf.open(str(pdf), filetype="pdf")
    try:
        counts: Counter[str] = Counter()
        skipped = 0
        bookmarks: list[dict[str, Any]] = []
        for item in annotations:
            number = int(item.get("page") or 0)
            if not 1 <= number <= doc.page_count:
                skipped += 1
                continue
            if item["kind"] == "bookmark":
                bookmarks.append(item)
                continue
            # Keep the page referenced while its annotation is worked on.
            page = doc[number - 1]
            annot = _add(page, item)
            if annot is None:
                skipped += 1
                continue
            _describe(doc, annot, item, author)
            counts[item["kind"]] += 1
        if bookmarks:
            if _outline(doc, bookmarks):
                counts["bookmark"] += len(bookmarks)
            else:
                skipped += len(bookmarks)
        # A copy the server reads back at once: whole or absent, no need to outlive a crash.
        write_atomic(out, doc.tobytes(garbage=1, deflate=True), durable=False)
    finally:
        doc.close()
    return {"counts": dict(counts), "skipped": skipped, "bytes": out.stat().st_size}


# --- Worker operations -------------------------------------------------------------


def _op_annotate(args: dict[str, Any], emit: Any) -> dict[str, Any]:
    return annotate(
        Path(args["pdf"]),
        Path(args["out"]),
        list(args.get("annotations") or []),
        author=str(args.get("author") or ""),
    )


#: Registered with server.pdf.worker.
OPERATIONS = {"annotate_pdf": _op_annotate}
