"""Helpers shared by the annotations and comments tests."""

from __future__ import annotations

import uuid
from typing import Any


def documents_of(api: Any, meeting_id: int) -> list[dict[str, Any]]:
    return api.get(f"/api/meetings/{meeting_id}/documents").json["documents"]


def readable_document(api: Any, meeting_id: int, *, confidential: bool = False) -> dict:
    """A published, processed demo document with pages (confidential or not)."""
    for doc in documents_of(api, meeting_id):
        if (
            doc["kind"] != "link"
            and doc["status"] == "ready"
            and doc["confidential"] is confidential
            and doc["page_count"] >= (1 if confidential else 2)
        ):
            return doc
    raise AssertionError("the demo session has no such document")


def page_text(api: Any, document_id: int, page: int = 1) -> dict[str, Any]:
    response = api.get(f"/api/documents/{document_id}/pages/{page}/text")
    assert response.status_code == 200, response.json
    return response.json


def words_box(words: list[list[Any]], start: int, count: int) -> list[list[float]]:
    """The boxes of `count` words from `start` (a highlight's rects, one per word)."""
    return [list(w[:4]) for w in words[start : start + count]]


def new_id() -> str:
    return str(uuid.uuid4())


def highlight(document_id: int, words: list[list[Any]], start: int = 0, count: int = 3, **extra):
    body = {
        "id": new_id(),
        "page": 1,
        "kind": "highlight",
        "geometry": {"rects": words_box(words, start, count)},
        "color": "#ffd400",
    }
    body.update(extra)
    return body


def one_of_each(page_words: list[list[Any]], width: float, height: float) -> list[dict]:
    """A body for every kind of annotation on page 1."""
    return [
        {
            "id": new_id(),
            "page": 1,
            "kind": "highlight",
            "geometry": {"rects": words_box(page_words, 0, 2)},
            "color": "#ffd400",
            "text": "Cần xem kỹ số liệu",
        },
        {
            "id": new_id(),
            "page": 1,
            "kind": "underline",
            "geometry": {"rects": words_box(page_words, 3, 2)},
        },
        {
            "id": new_id(),
            "page": 1,
            "kind": "strikeout",
            "geometry": {"rects": words_box(page_words, 6, 1)},
            "color": "#e53935",
        },
        {
            "id": new_id(),
            "page": 2,
            "kind": "ink",
            "geometry": {
                "strokes": [[[100, 100], [150, 120], [200, 110]], [[100, 200], [180, 220]]],
                "width": 2.5,
            },
            "color": "#1565c0",
        },
        {
            "id": new_id(),
            "page": 1,
            "kind": "note",
            "geometry": {"point": [width - 60, 80]},
            "text": "Hỏi Sở Tài chính về nguồn vốn <script>alert('x')</script>",
        },
        {
            "id": new_id(),
            "page": 2,
            "kind": "textbox",
            "geometry": {"rect": [60, height - 200, 300, height - 140]},
            "text": "Đề nghị bổ sung số liệu năm 2026",
            "color": "#202020",
        },
        {"id": new_id(), "page": 2, "kind": "bookmark", "text": "Phần dự toán chi"},
    ]
