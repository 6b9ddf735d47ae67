"""A delegate's annotations as a W3C Web Annotation collection (JSON-LD). Pure.

Each annotation targets the document (its download address) with selectors a reader
of the standard understands: a PDF fragment (RFC 3778: `page=N&viewrect=left,top,
width,height`, in points from the top left of the unrotated page), an SVG shape of the
marks on that page, and the quoted text with its context (TextQuoteSelector). The kind
travels as the target's `styleClass`, its colour in the annotation's stylesheet. Text is
plain text (`format: text/plain`); JSON escaping makes it inert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

CONTEXT: Final = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE: Final = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
PDF_FRAGMENT: Final = "http://tools.ietf.org/rfc/rfc3778"

MOTIVATIONS: Final = {
    "highlight": "highlighting",
    "underline": "highlighting",
    "strikeout": "editing",
    "ink": "highlighting",
    "note": "commenting",
    "textbox": "commenting",
    "bookmark": "bookmarking",
}


@dataclass(frozen=True)
class Item:
    """One annotation, as plain values."""

    id: str
    page: int
    kind: str
    geometry: Mapping[str, Any]
    color: str
    text: str | None
    quote: str | None
    prefix: str | None
    suffix: str | None
    created: str
    modified: str


def _n(value: float) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _svg(item: Item, width: float, height: float) -> str | None:
    """The marks as SVG (numbers and fixed names only: nothing the user typed)."""
    shapes: list[str] = []
    g = item.geometry
    if item.kind in ("highlight", "underline", "strikeout"):
        for x0, y0, x1, y1 in g.get("rects", []):
            shapes.append(
                f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}"/>'
            )
    elif item.kind == "ink":
        for stroke in g.get("strokes", []):
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in stroke)
            shapes.append(
                f'<polyline fill="none" stroke-width="{_n(g.get("width", 2))}" points="{points}"/>'
            )
    elif item.kind == "note":
        x, y = g.get("point", [0, 0])
        shapes.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="6"/>')
    elif item.kind == "textbox":
        x0, y0, x1, y1 = g.get("rect", [0, 0, 0, 0])
        shapes.append(
            f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}"/>'
        )
    if not shapes:
        return None
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}">'
        + "".join(shapes)
        + "</svg>"
    )


def _viewrect(item: Item) -> str:
    g = item.geometry
    xs: list[float] = []
    ys: list[float] = []
    if item.kind in ("highlight", "underline", "strikeout"):
        for x0, y0, x1, y1 in g.get("rects", []):
            xs += [x0, x1]
            ys += [y0, y1]
    elif item.kind == "ink":
        for stroke in g.get("strokes", []):
            for x, y in stroke:
                xs.append(x)
                ys.append(y)
    elif item.kind == "note":
        x, y = g.get("point", [0, 0])
        xs, ys = [x, x], [y, y]
    elif item.kind == "textbox":
        x0, y0, x1, y1 = g.get("rect", [0, 0, 0, 0])
        xs, ys = [x0, x1], [y0, y1]
    if not xs:
        return f"page={item.page}"
    left, top = min(xs), min(ys)
    return (
        f"page={item.page}&viewrect={_n(left)},{_n(top)},{_n(max(xs) - left)},{_n(max(ys) - top)}"
    )


def annotation(
    item: Item, *, source: str, author: str, page_size: tuple[float, float] | None
) -> dict[str, Any]:
    """One Web Annotation."""
    selectors: list[dict[str, Any]] = [
        {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": _viewrect(item)}
    ]
    if page_size is not None:
        svg = _svg(item, *page_size)
        if svg is not None:
            selectors.append({"type": "SvgSelector", "value": svg})
    if item.quote:
        quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": item.quote}
        if item.prefix:
            quote["prefix"] = item.prefix
        if item.suffix:
            quote["suffix"] = item.suffix
        selectors.append(quote)
    result: dict[str, Any] = {
        "id": f"urn:uuid:{item.id}",
        "type": "Annotation",
        "motivation": MOTIVATIONS.get(item.kind, "commenting"),
        "created": item.created,
        "modified": item.modified,
        "creator": {"type": "Person", "name": author},
        "target": {
            "type": "SpecificResource",
            "source": source,
            "styleClass": item.kind,
            "selector": selectors if len(selectors) > 1 else selectors[0],
        },
        # The colour is a checked "#rrggbb": nothing the user typed reaches the CSS.
        "stylesheet": {"type": "CssStylesheet", "value": f".{item.kind} {{ color: {item.color} }}"},
    }
    if item.text:
        result["body"] = {
            "type": "TextualBody",
            "value": item.text,
            "format": "text/plain",
            "language": "vi",
        }
    return result


def collection(
    items: Sequence[Item],
    *,
    collection_id: str,
    source: str,
    label: str,
    author: str,
    page_sizes: Mapping[int, tuple[float, float]],
    generated: str,
) -> dict[str, Any]:
    """The whole collection, in one page."""
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "creator": {"type": "Person", "name": author},
        "generated": generated,
        "generator": {"type": "Software", "name": "Phòng họp không giấy"},
        "total": len(items),
        "first": {
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": [
                annotation(i, source=source, author=author, page_size=page_sizes.get(i.page))
                for i in items
            ],
        },
    }
