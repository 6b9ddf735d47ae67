"""A new version of a document: annotations stay on theirs; the client learns where each
one's quoted text is found on the new version, and which could not be placed."""

from __future__ import annotations

import io

import pytest

from server.documents import processing
from server.pdf.compose import html_to_pdf
from tests.integration.annotations_helpers import new_id, page_text
from tests.integration.documents_helpers import item_ids, upload, wait_for

FILLER = "<p>" + "Nội dung bổ sung của phiên bản mới về cải cách hành chính. " * 40 + "</p>"


def _draft(first_article: str, *, extra: str = "", last: bool = True) -> bytes:
    body = (
        "<h1>Dự thảo Nghị quyết về dự toán ngân sách năm 2027</h1>"
        + extra
        + f"<p>Điều 1. {first_article}</p>"
        + "<p>Điều 2. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này.</p>"
        + "<p>Điều 3. Thường trực Hội đồng nhân dân tỉnh giám sát việc thực hiện.</p>"
        + ("<p>Điều 9. Nghị quyết có hiệu lực kể từ ngày ký ban hành.</p>" if last else "")
    )
    return html_to_pdf(body, title="Dự thảo")


def _rects(words, phrase):
    wanted = phrase.split()
    texts = [w[4] for w in words]
    for start in range(len(texts)):
        if texts[start : start + len(wanted)] == wanted:
            return [list(w[:4]) for w in words[start : start + len(wanted)]]
    raise AssertionError(f"{phrase!r} is not on the page")


@pytest.fixture(autouse=True)
def _settle(app):
    yield
    assert processing.wait_idle(120)


def test_annotations_carry_to_a_new_version_by_their_quotes(login, demo_meeting_id):
    secretary = login("secretary")
    delegate = login("delegate01")
    item = item_ids(secretary, demo_meeting_id)[1]
    v1 = upload(
        secretary,
        item,
        _draft("Phê duyệt tổng thu ngân sách địa phương 12.345 tỷ đồng."),
        title="Dự thảo Nghị quyết dự toán",
    ).json
    wait_for(secretary, v1["id"])
    assert secretary.post(f"/api/documents/{v1['id']}/publish").status_code == 200
    words = page_text(delegate, v1["id"])["words"]

    marks = {
        "moved": "Giao Ủy ban nhân dân tỉnh tổ chức thực hiện",
        "changed": "Phê duyệt tổng thu ngân sách địa phương 12.345 tỷ đồng.",
        "removed": "Nghị quyết có hiệu lực kể từ ngày ký ban hành.",
    }
    ids = {}
    for name, phrase in marks.items():
        body = {
            "id": new_id(),
            "page": 1,
            "kind": "highlight",
            "geometry": {"rects": _rects(words, phrase)},
            "text": f"Ghi chú: {name}",
        }
        response = delegate.post(f"/api/documents/{v1['id']}/annotations", json=body)
        assert response.status_code == 201
        assert response.json["quote"] == phrase
        ids[name] = body["id"]
    ink = {
        "id": new_id(),
        "page": 1,
        "kind": "ink",
        "geometry": {"strokes": [[[300, 300], [320, 310]]]},
    }
    assert delegate.post(f"/api/documents/{v1['id']}/annotations", json=ink).status_code == 201
    note = {
        "id": new_id(),
        "page": 1,
        "kind": "note",
        "geometry": {"point": [400, 120]},
        "quote": "Thường trực Hội đồng nhân dân tỉnh giám sát",
        "text": "Ghi chú gắn với Điều 3",
    }
    assert delegate.post(f"/api/documents/{v1['id']}/annotations", json=note).status_code == 201

    # Version 2: a long new passage first (the articles move down, onto page 2), the amount
    # in Article 1 changed, Article 9 gone.
    v2 = secretary.post(
        f"/api/documents/{v1['id']}/versions",
        data={
            "file": (
                io.BytesIO(
                    _draft(
                        "Phê duyệt tổng thu ngân sách địa phương 12.400 tỷ đồng.",
                        extra=FILLER * 4,
                        last=False,
                    )
                ),
                "du-thao-v2.pdf",
            )
        },
        content_type="multipart/form-data",
    ).json
    ready = wait_for(secretary, v2["id"])
    assert ready["version"] == 2
    assert secretary.post(f"/api/documents/{v2['id']}/publish").status_code == 200

    # The annotations stay on the version they were made on.
    on_v1 = delegate.get(f"/api/documents/{v1['id']}/annotations").json["annotations"]
    assert len(on_v1) == 5
    assert delegate.get(f"/api/documents/{v2['id']}/annotations").json["annotations"] == []

    carried = delegate.get(f"/api/documents/{v2['id']}/annotations/reanchored")
    assert carried.status_code == 200, carried.json
    assert carried.json["version"] == 2
    placements = {p["annotation"]["id"]: p for p in carried.json["placements"]}
    assert len(placements) == 5
    assert all(p["from_document_id"] == v1["id"] for p in placements.values())
    assert all(p["from_version"] == 1 for p in placements.values())

    moved = placements[ids["moved"]]
    assert moved["status"] == "found"
    assert moved["page"] > 1
    new_words = page_text(delegate, v2["id"], moved["page"])["words"]
    expected = _rects(new_words, marks["moved"])
    top = min(r[1] for r in expected)
    assert moved["rects"][0][1] == pytest.approx(top, abs=0.5)

    changed = placements[ids["changed"]]
    assert changed["status"] == "fuzzy"
    assert changed["page"] == moved["page"]

    assert placements[ids["removed"]]["status"] == "not_found"
    assert placements[ids["removed"]]["page"] is None

    assert placements[ink["id"]]["status"] == "no_quote"
    assert placements[ink["id"]]["page"] == 1

    anchored_note = placements[note["id"]]
    assert anchored_note["status"] == "found"
    assert anchored_note["offset"] is not None
    assert anchored_note["page"] == moved["page"]

    # Others see nothing of it; version 1 has nothing to carry from.
    assert (
        login("delegate02")
        .get(f"/api/documents/{v2['id']}/annotations/reanchored")
        .json["placements"]
        == []
    )
    assert (
        delegate.get(f"/api/documents/{v1['id']}/annotations/reanchored").json["placements"] == []
    )
