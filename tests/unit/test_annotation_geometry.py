"""Annotation geometry, colour and text checks (pure, no app)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.annotations.geometry import (
    KINDS,
    LIMITS,
    GeometryError,
    PageSize,
    bounding_box,
    check_color,
    check_geometry,
    clean_text,
    point_count,
)

A4 = PageSize(595.28, 841.89)


def code_of(kind, geometry, page=A4):
    with pytest.raises(GeometryError) as caught:
        check_geometry(kind, geometry, page)
    return caught.value.code


@pytest.mark.parametrize("kind", ["highlight", "underline", "strikeout"])
def test_markup_rects_are_normalised(kind):
    result = check_geometry(kind, {"rects": [[100.123456, 50, 20, 40.5]]}, A4)
    assert result == {"rects": [[20.0, 40.5, 100.12, 50.0]]}


def test_points_slightly_past_the_edge_are_brought_back():
    result = check_geometry("ink", {"strokes": [[[-1.5, 10], [596.5, 843]]]}, A4)
    assert result["strokes"] == [[[0.0, 10.0], [595.28, 841.89]]]
    assert result["width"] == 2.0


@pytest.mark.parametrize(
    ("kind", "geometry", "code"),
    [
        ("highlight", {"rects": [[0, 0, 700, 10]]}, "annotation_outside_page"),
        ("highlight", {"rects": [[0, -5, 10, 10]]}, "annotation_outside_page"),
        ("highlight", {"rects": []}, "annotation_geometry_invalid"),
        ("highlight", {"rects": [[1, 2, 3]]}, "annotation_geometry_invalid"),
        ("highlight", {"rects": [[1, 2, 3, "4"]]}, "annotation_geometry_invalid"),
        ("highlight", {"rects": [[1, 2, 3, True]]}, "annotation_geometry_invalid"),
        ("highlight", {"rects": [[1, 2, 3, math.nan]]}, "annotation_geometry_invalid"),
        ("highlight", {"rects": [[1, 2, 3, math.inf]]}, "annotation_geometry_invalid"),
        ("highlight", {"rects": [[5, 5, 5, 9]]}, "annotation_box_too_small"),
        ("highlight", {"rects": [[1, 1, 2, 2]] * 501}, "annotation_too_many_rects"),
        ("highlight", {"rects": [[1, 1, 2, 2]], "extra": 1}, "annotation_geometry_invalid"),
        ("highlight", [[1, 1, 2, 2]], "annotation_geometry_invalid"),
        ("highlight", None, "annotation_geometry_invalid"),
        ("ink", {"strokes": []}, "annotation_geometry_invalid"),
        ("ink", {"strokes": [[]]}, "annotation_geometry_invalid"),
        ("ink", {"strokes": [[[1, 1]]], "width": 0.1}, "annotation_pen_width"),
        ("ink", {"strokes": [[[1, 1]]], "width": 51}, "annotation_pen_width"),
        ("ink", {"strokes": [[[1, 1]]] * 501}, "annotation_too_many_strokes"),
        ("ink", {"strokes": [[[1, 1]] * 10_001]}, "annotation_too_many_points"),
        ("ink", {"strokes": [[[1, 1]] * 5_000] * 3}, "annotation_too_many_points"),
        ("ink", {"strokes": [[[1, 1, 1]]]}, "annotation_geometry_invalid"),
        ("note", {"point": [1]}, "annotation_geometry_invalid"),
        ("note", {"point": [600, 1]}, "annotation_outside_page"),
        ("note", {}, "annotation_geometry_invalid"),
        ("textbox", {"rect": [10, 10, 13, 100]}, "annotation_box_too_small"),
        ("bookmark", {"point": [1, 1]}, "annotation_geometry_invalid"),
        ("circle", {}, "annotation_kind_unknown"),
    ],
)
def test_bad_geometry_is_refused(kind, geometry, code):
    assert code_of(kind, geometry) == code


def test_a_hundred_thousand_ink_points_are_refused_with_the_limit():
    points = [[1.0, 1.0]] * 100_000
    with pytest.raises(GeometryError) as caught:
        check_geometry("ink", {"strokes": [points]}, A4)
    assert caught.value.code == "annotation_too_many_points"
    assert caught.value.params == {"limit": LIMITS.max_points}


def test_each_kind_has_a_valid_shape():
    shapes = {
        "highlight": {"rects": [[10, 10, 50, 20]]},
        "underline": {"rects": [[10, 10, 50, 20]]},
        "strikeout": {"rects": [[10, 10, 50, 20]]},
        "ink": {"strokes": [[[10, 10], [20, 20]]], "width": 3},
        "note": {"point": [10, 10]},
        "textbox": {"rect": [10, 10, 100, 60]},
        "bookmark": None,
    }
    assert set(shapes) == set(KINDS)
    for kind, shape in shapes.items():
        checked = check_geometry(kind, shape, A4)
        box = bounding_box(kind, checked)
        assert (box is None) == (kind == "bookmark")
    assert point_count("ink", check_geometry("ink", shapes["ink"], A4)) == 2
    assert point_count("note", {"point": [1, 1]}) == 0
    assert check_geometry("bookmark", {}, A4) == {}


def test_colors():
    assert check_color(None, "highlight") == "#ffd400"
    assert check_color("", "ink") == "#1565c0"
    assert check_color("#A1B2C3", "note") == "#a1b2c3"
    for bad in ("red", "#fff", "#12345g", "#1234567", "javascript:1"):
        with pytest.raises(GeometryError):
            check_color(bad, "note")


def test_text_is_tidied_and_kept_inert():
    assert clean_text(None, 10) is None
    assert clean_text("   \n ", 10) is None
    assert clean_text("a\r\nb\x00c\x1b", 10) == "a\nbc"
    # Decomposed Vietnamese becomes the composed form.
    assert clean_text("Tie\u0302\u0301ng Vie\u0323\u0302t", 50) == "Tiếng Việt"
    assert clean_text("<script>alert(1)</script>", 100) == "<script>alert(1)</script>"
    with pytest.raises(GeometryError) as caught:
        clean_text("x" * 11, 10)
    assert caught.value.params == {"limit": 10}


def attempt(kind, geometry):
    """(normalised geometry, None) or (None, the error's code)."""
    try:
        return check_geometry(kind, geometry, A4), None
    except GeometryError as err:
        return None, err.code


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from([*KINDS, "other"]), geometry=json_values)
def test_any_json_is_checked_or_refused_never_crashes(kind, geometry):
    result, code = attempt(kind, geometry)
    if code is not None:
        assert code.startswith("annotation_")
        return
    # What passes lies on the page.
    box = bounding_box(kind, result)
    if box is not None:
        assert 0 <= box[0] <= box[2] <= A4.width
        assert 0 <= box[1] <= box[3] <= A4.height


@settings(max_examples=200, deadline=None)
@given(
    rects=st.lists(
        st.tuples(*[st.floats(min_value=-10, max_value=900, allow_nan=False)] * 4),
        min_size=1,
        max_size=5,
    )
)
def test_markup_inside_the_page_is_accepted_outside_refused(rects):
    def inside(r):
        x0, y0, x1, y1 = r
        xs, ys = sorted((x0, x1)), sorted((y0, y1))
        tol = LIMITS.tolerance
        return (
            xs[0] >= -tol and xs[1] <= A4.width + tol and ys[0] >= -tol and ys[1] <= A4.height + tol
        )

    geometry = {"rects": [list(r) for r in rects]}
    _, code = attempt("highlight", geometry)
    assert code in (None, "annotation_outside_page", "annotation_box_too_small")
    if code is None:
        assert all(inside(r) for r in rects)
    elif code == "annotation_outside_page":
        assert not all(inside(r) for r in rects)
