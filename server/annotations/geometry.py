"""Checks of an annotation's geometry, colour and text. Pure: no Flask, no database.

Geometry is in PDF points on the unrotated page, origin at the top left of its visible
area (the same space as the page's word boxes). Every check either returns a normalised
copy (numbers rounded to 1/100 point, boxes ordered, points a pen drew slightly past the
edge brought back onto the page) or raises `GeometryError` with a message code and its
parameters; nothing else escapes, whatever JSON it is given.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

AnnotationKind = Literal[
    "highlight", "underline", "strikeout", "ink", "note", "textbox", "bookmark"
]
KINDS: Final[tuple[AnnotationKind, ...]] = get_args(AnnotationKind)
#: Kinds drawn over words, whose geometry is the boxes of those words (one per line).
TEXT_MARKUP: Final = frozenset({"highlight", "underline", "strikeout"})

DEFAULT_COLORS: Final = {
    "highlight": "#ffd400",
    "underline": "#1e88e5",
    "strikeout": "#e53935",
    "ink": "#1565c0",
    "note": "#ffb300",
    "textbox": "#202020",
    "bookmark": "#e53935",
}

Rect = tuple[float, float, float, float]
Point = tuple[float, float]

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Control characters other than tab and line feed (carriage returns become line feeds).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Limits:
    """What one annotation may hold (documented in docs/protocol.md)."""

    #: Word boxes of one highlight, underline or strike-out.
    max_rects: int = 500
    #: Strokes of one ink drawing.
    max_strokes: int = 500
    #: Points of one ink drawing, all strokes together.
    max_points: int = 10_000
    #: Pen width in points.
    min_width: float = 0.25
    max_width: float = 50.0
    #: Characters of a note's, text box's or bookmark's text.
    max_text: int = 10_000
    #: Characters of the quoted passage an annotation is anchored to.
    max_quote: int = 2_000
    #: How far past the page edge (points) a pen or a box may go; it is clamped back.
    tolerance: float = 2.0
    #: Smallest side of a text box, in points.
    min_box: float = 4.0


LIMITS: Final = Limits()


class GeometryError(ValueError):
    """A value the client must fix; `code` names a message, `params` fill it in."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class PageSize:
    """The unrotated page's size in points."""

    width: float
    height: float


def _number(value: object) -> float:
    # bool is an int in Python; JSON true is not a coordinate.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GeometryError("annotation_geometry_invalid")
    number = float(value)
    if not math.isfinite(number):
        raise GeometryError("annotation_geometry_invalid")
    return number


def _round(value: float) -> float:
    return round(value * 100) / 100


def _clamp(value: float, high: float, tolerance: float) -> float:
    if value < -tolerance or value > high + tolerance:
        raise GeometryError("annotation_outside_page")
    return min(max(value, 0.0), high)


def _list(value: object) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise GeometryError("annotation_geometry_invalid")
    return value


def _point(value: object, page: PageSize, limits: Limits) -> Point:
    items = _list(value)
    if len(items) != 2:
        raise GeometryError("annotation_geometry_invalid")
    x = _clamp(_number(items[0]), page.width, limits.tolerance)
    y = _clamp(_number(items[1]), page.height, limits.tolerance)
    return (_round(x), _round(y))


def _rect(value: object, page: PageSize, limits: Limits, min_side: float = 0.0) -> Rect:
    items = _list(value)
    if len(items) != 4:
        raise GeometryError("annotation_geometry_invalid")
    x0, y0, x1, y1 = (_number(v) for v in items)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    x0 = _clamp(x0, page.width, limits.tolerance)
    x1 = _clamp(x1, page.width, limits.tolerance)
    y0 = _clamp(y0, page.height, limits.tolerance)
    y1 = _clamp(y1, page.height, limits.tolerance)
    if x1 - x0 <= min_side or y1 - y0 <= min_side:
        raise GeometryError("annotation_box_too_small")
    return (_round(x0), _round(y0), _round(x1), _round(y1))


def _object(value: object, keys: frozenset[str]) -> dict[str, object]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise GeometryError("annotation_geometry_invalid")
    if set(value) - keys:
        raise GeometryError("annotation_geometry_invalid")
    return {str(k): v for k, v in value.items()}


def _markup(geometry: object, page: PageSize, limits: Limits) -> dict[str, object]:
    data = _object(geometry, frozenset({"rects"}))
    rects = _list(data.get("rects"))
    if not rects:
        raise GeometryError("annotation_geometry_invalid")
    if len(rects) > limits.max_rects:
        raise GeometryError("annotation_too_many_rects", limit=limits.max_rects)
    return {"rects": [list(_rect(r, page, limits)) for r in rects]}


def _ink(geometry: object, page: PageSize, limits: Limits) -> dict[str, object]:
    data = _object(geometry, frozenset({"strokes", "width"}))
    strokes = _list(data.get("strokes"))
    if not strokes:
        raise GeometryError("annotation_geometry_invalid")
    if len(strokes) > limits.max_strokes:
        raise GeometryError("annotation_too_many_strokes", limit=limits.max_strokes)
    total = 0
    for stroke in strokes:
        total += len(_list(stroke))
    # Counted before any point is looked at: 100,000 points cost nothing to refuse.
    if total > limits.max_points:
        raise GeometryError("annotation_too_many_points", limit=limits.max_points)
    clean: list[list[list[float]]] = []
    for stroke in strokes:
        points = [list(_point(p, page, limits)) for p in _list(stroke)]
        if not points:
            raise GeometryError("annotation_geometry_invalid")
        clean.append(points)
    width = _number(data.get("width", 2.0))
    if not limits.min_width <= width <= limits.max_width:
        raise GeometryError(
            "annotation_pen_width", min=limits.min_width, max=_round(limits.max_width)
        )
    return {"strokes": clean, "width": _round(width)}


def _note(geometry: object, page: PageSize, limits: Limits) -> dict[str, object]:
    data = _object(geometry, frozenset({"point"}))
    return {"point": list(_point(data.get("point"), page, limits))}


def _textbox(geometry: object, page: PageSize, limits: Limits) -> dict[str, object]:
    data = _object(geometry, frozenset({"rect"}))
    return {"rect": list(_rect(data.get("rect"), page, limits, min_side=limits.min_box))}


def check_geometry(
    kind: str, geometry: object, page: PageSize, limits: Limits = LIMITS
) -> dict[str, object]:
    """The normalised geometry of an annotation of `kind` on `page`, or GeometryError."""
    if kind in TEXT_MARKUP:
        return _markup(geometry, page, limits)
    if kind == "ink":
        return _ink(geometry, page, limits)
    if kind == "note":
        return _note(geometry, page, limits)
    if kind == "textbox":
        return _textbox(geometry, page, limits)
    if kind == "bookmark":
        if geometry is None or geometry == {}:
            return {}
        raise GeometryError("annotation_geometry_invalid")
    raise GeometryError("annotation_kind_unknown")


def point_count(kind: str, geometry: dict[str, object]) -> int:
    """How many ink points a (checked) geometry holds; 0 for other kinds."""
    if kind != "ink":
        return 0
    strokes = geometry.get("strokes")
    if not isinstance(strokes, list):
        return 0
    return sum(len(s) for s in strokes if isinstance(s, list))


def bounding_box(kind: str, geometry: dict[str, object]) -> Rect | None:
    """The box around a (checked) geometry; None for a bookmark."""
    xs: list[float] = []
    ys: list[float] = []
    if kind in TEXT_MARKUP:
        for r in _list(geometry.get("rects", [])):
            x0, y0, x1, y1 = (_number(v) for v in _list(r))
            xs += [x0, x1]
            ys += [y0, y1]
    elif kind == "ink":
        for stroke in _list(geometry.get("strokes", [])):
            for p in _list(stroke):
                x, y = (_number(v) for v in _list(p))
                xs.append(x)
                ys.append(y)
    elif kind == "note":
        x, y = (_number(v) for v in _list(geometry.get("point", [])))
        xs, ys = [x], [y]
    elif kind == "textbox":
        x0, y0, x1, y1 = (_number(v) for v in _list(geometry.get("rect", [])))
        xs, ys = [x0, x1], [y0, y1]
    if not xs or not ys:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def check_color(value: str | None, kind: str) -> str:
    """A colour as "#rrggbb" (lower case); the kind's default when none is given."""
    if value is None or value == "":
        return DEFAULT_COLORS.get(kind, "#ffd400")
    if not _COLOR.match(value):
        raise GeometryError("annotation_color_invalid")
    return value.lower()


def clean_text(value: str | None, limit: int, code: str = "annotation_text_too_long") -> str | None:
    """Text as typed, made inert and tidy: NFC, no control characters, bounded; None if blank.

    Markup such as <script> is kept as the characters it is: it is never interpreted,
    and every place that shows it (the client, exports) escapes it.
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text).strip()
    if not text:
        return None
    if len(text) > limit:
        raise GeometryError(code, limit=limit)
    return text
