"""Annotations end to end: every kind, idempotent create, stale edits, tombstones, privacy,
the live notices to the author's devices, and the exports (PDF and Web Annotations)."""

from __future__ import annotations

import json
import uuid

import pymupdf
import pytest

from server.documents import processing
from tests.factories import PASSWORD, make_council
from tests.integration.annotations_helpers import (
    highlight,
    new_id,
    one_of_each,
    page_text,
    readable_document,
)


@pytest.fixture(autouse=True)
def _settle(app):
    yield
    assert processing.wait_idle(120)


@pytest.fixture
def doc(login, demo_meeting_id):
    return readable_document(login("delegate01"), demo_meeting_id)


def _create(api, document_id, body):
    return api.post(f"/api/documents/{document_id}/annotations", json=body)


def _events(sio, prefix="annotation."):
    return [(e["name"], e["args"][0]) for e in sio.get_received() if e["name"].startswith(prefix)]


def test_every_kind_end_to_end_with_export(login, socket_for, doc):
    delegate = login("delegate01")
    other_device = socket_for(login("delegate01"))
    someone_else = socket_for(login("delegate02"))
    page = page_text(delegate, doc["id"])
    bodies = one_of_each(page["words"], page["width"], page["height"])

    for body in bodies:
        response = _create(delegate, doc["id"], body)
        assert response.status_code == 201, (body["kind"], response.json)
        created = response.json
        assert created["id"] == body["id"]
        assert created["kind"] == body["kind"]
        assert created["version"] == 1
        assert created["replayed"] is False
        assert created["deleted"] is False

    listed = delegate.get(f"/api/documents/{doc['id']}/annotations").json
    assert {a["id"] for a in listed["annotations"]} == {b["id"] for b in bodies}
    by_kind = {a["kind"]: a for a in listed["annotations"]}
    # The server records the words a highlight covers (for re-anchoring on a new version).
    first_words = " ".join(w[4] for w in page["words"][:2])
    assert by_kind["highlight"]["quote"] == first_words
    assert by_kind["highlight"]["text"] == "Cần xem kỹ số liệu"
    # Script in a note is kept as the characters it is (clients and exports escape it).
    assert "<script>" in by_kind["note"]["text"]
    assert by_kind["ink"]["geometry"]["width"] == 2.5
    assert by_kind["bookmark"]["geometry"] == {}
    assert by_kind["underline"]["color"] == "#1e88e5"  # the kind's default

    # The author's other device heard every creation; nobody else did.
    heard = _events(other_device)
    assert [n for n, _ in heard] == ["annotation.created"] * len(bodies)
    assert {p["annotation"]["id"] for _, p in heard} == {b["id"] for b in bodies}
    assert _events(someone_else) == []

    # The exported PDF holds each one as a real annotation, on its page.
    response = delegate.get(f"/api/documents/{doc['id']}/annotated.pdf")
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pdf = pymupdf.open("pdf", response.data)
    found = {}
    for pdf_page in pdf:
        for annot in pdf_page.annots():
            found[(pdf_page.number + 1, annot.type[1])] = {
                "info": annot.info,
                "rect": pymupdf.Rect(annot.rect),
                "vertices": annot.vertices,
                "border": annot.border,
            }
    assert set(found) == {
        (1, "Highlight"),
        (1, "Underline"),
        (1, "StrikeOut"),
        (2, "Ink"),
        (1, "Text"),
        (2, "FreeText"),
    }
    assert sum(len(list(p.annots())) for p in pdf) == 6
    note = found[(1, "Text")]["info"]
    assert note["content"].endswith("<script>alert('x')</script>")
    assert note["title"] == delegate.user["full_name"]
    assert note["id"] == bodies[4]["id"]
    assert found[(2, "FreeText")]["info"]["content"] == "Đề nghị bổ sung số liệu năm 2026"
    assert found[(1, "Highlight")]["info"]["content"] == "Cần xem kỹ số liệu"
    ink = found[(2, "Ink")]
    assert len(ink["vertices"]) == 2
    assert ink["border"]["width"] == pytest.approx(2.5)
    # The highlight lies over the words it was made on.
    assert found[(1, "Highlight")]["rect"].intersects(pymupdf.Rect(page["words"][0][:4]))
    # The bookmark is in the outline, under the delegate's own entry.
    toc = pdf.get_toc()
    assert [1, "Dấu trang của tôi", 2] in toc
    assert [2, "Phần dự toán chi", 2] in toc
    # The document's own outline is kept before it.
    assert toc.index([1, "Dấu trang của tôi", 2]) == len(toc) - 2
    pdf.close()


def test_create_is_idempotent_and_ids_are_private(login, doc):
    delegate = login("delegate01")
    words = page_text(delegate, doc["id"])["words"]
    body = highlight(doc["id"], words)
    first = _create(delegate, doc["id"], body)
    assert first.status_code == 201
    # A retry, and a replay with other content: the annotation as it stands, nothing new.
    again = _create(delegate, doc["id"], body)
    assert again.status_code == 201
    assert again.json["replayed"] is True
    assert again.json["version"] == 1
    changed = _create(delegate, doc["id"], body | {"color": "#00ff00"})
    assert changed.json["replayed"] is True
    assert changed.json["color"] == "#ffd400"
    listed = delegate.get(f"/api/documents/{doc['id']}/annotations").json["annotations"]
    assert [a["id"] for a in listed] == [body["id"]]

    # Another user with the same id is refused, and learns nothing about it.
    other = _create(login("delegate02"), doc["id"], body | {"color": "#00ff00"})
    assert other.status_code == 409
    assert other.json["error"]["code"] == "annotation_id_taken"
    assert set(other.json["error"]) == {"code", "message"}

    # Nobody else can read, change, delete or export it, not even an admin.
    for name in ("delegate02", "secretary", "chair", "admin"):
        api = login(name)
        assert api.get(f"/api/documents/{doc['id']}/annotations").json["annotations"] == []
        path = f"/api/annotations/{body['id']}"
        assert api.patch(path, json={"version": 1, "color": "#000000"}).status_code == 404
        assert api.delete(path).status_code == 404
        assert api.get(f"/api/documents/{doc['id']}/annotations.jsonld").json["total"] == 0
        pdf = api.get(f"/api/documents/{doc['id']}/annotated.pdf")
        assert pdf.status_code == 200
        with pymupdf.open("pdf", pdf.data) as copy:
            assert sum(len(list(p.annots())) for p in copy) == 0


def test_stale_update_gets_409_with_the_current_version(login, socket_for, doc):
    tablet = login("delegate01")
    phone = login("delegate01")
    phone_socket = socket_for(phone)
    words = page_text(tablet, doc["id"])["words"]
    body = highlight(doc["id"], words, text="Ý kiến ban đầu")
    assert _create(tablet, doc["id"], body).status_code == 201
    path = f"/api/annotations/{body['id']}"

    moved = tablet.patch(path, json={"version": 1, "text": "Sửa trên máy tính bảng"})
    assert moved.status_code == 200
    assert moved.json["version"] == 2
    assert moved.json["text"] == "Sửa trên máy tính bảng"

    # The phone still holds version 1.
    stale = phone.patch(path, json={"version": 1, "color": "#ff0000"})
    assert stale.status_code == 409
    error = stale.json["error"]
    assert error["code"] == "annotation_version_conflict"
    assert error["current"]["version"] == 2
    assert error["current"]["text"] == "Sửa trên máy tính bảng"
    assert error["current"]["color"] == "#ffd400"
    # Merged, it goes through.
    merged = phone.patch(path, json={"version": 2, "color": "#ff0000"})
    assert merged.status_code == 200
    assert merged.json["version"] == 3
    assert merged.json["text"] == "Sửa trên máy tính bảng"

    # A retried change that is already there answers 200 and changes nothing.
    retry = tablet.patch(path, json={"version": 1, "text": "Sửa trên máy tính bảng"})
    assert retry.status_code == 200
    assert retry.json["version"] == 3

    names = [n for n, _ in _events(phone_socket)]
    assert names == ["annotation.created", "annotation.updated", "annotation.updated"]


def test_delete_keeps_a_tombstone_that_reaches_other_devices(login, socket_for, doc):
    tablet = login("delegate01")
    listing = tablet.get(f"/api/documents/{doc['id']}/annotations").json
    cursor = listing["cursor"]
    words = page_text(tablet, doc["id"])["words"]
    keep = highlight(doc["id"], words, 0, 2)
    gone = highlight(doc["id"], words, 4, 2, text="Sẽ xóa")
    for body in (keep, gone):
        assert _create(tablet, doc["id"], body).status_code == 201
    phone_socket = socket_for(login("delegate01"))

    deleted = tablet.delete(f"/api/annotations/{gone['id']}")
    assert deleted.status_code == 200
    assert deleted.json["deleted"] is True
    assert deleted.json["version"] == 2
    assert deleted.json["text"] is None
    assert deleted.json["geometry"] == {}
    again = tablet.delete(f"/api/annotations/{gone['id']}")
    assert again.status_code == 200
    assert again.json["version"] == 2
    [(name, payload)] = _events(phone_socket)
    assert name == "annotation.deleted"
    assert payload["annotation"]["id"] == gone["id"]
    assert payload["annotation"]["deleted"] is True

    # A device that was offline since `cursor` learns of the deletion.
    changes = tablet.get(f"/api/documents/{doc['id']}/annotations?since={cursor}").json
    state = {a["id"]: a["deleted"] for a in changes["annotations"]}
    assert state == {keep["id"]: False, gone["id"]: True}
    # A fresh device gets only what exists.
    fresh = tablet.get(f"/api/documents/{doc['id']}/annotations").json["annotations"]
    assert [a["id"] for a in fresh] == [keep["id"]]
    # Nothing new after the latest cursor.
    latest = tablet.get(f"/api/documents/{doc['id']}/annotations?since={changes['cursor']}").json
    assert latest["annotations"] == []
    assert latest["cursor"] == changes["cursor"]

    # Editing a deleted annotation is refused with its tombstone.
    edit = tablet.patch(f"/api/annotations/{gone['id']}", json={"version": 2, "text": "x"})
    assert edit.status_code == 409
    assert edit.json["error"]["code"] == "annotation_deleted"
    assert edit.json["error"]["current"]["deleted"] is True
    # Deleting with a stale version is refused.
    stale = tablet.delete(f"/api/annotations/{keep['id']}?version=5")
    assert stale.status_code == 409
    assert stale.json["error"]["current"]["version"] == 1


def test_since_pages_through_changes_and_survives_a_restored_server(login, doc):
    tablet = login("delegate01")
    words = page_text(tablet, doc["id"])["words"]
    ids = []
    for n in range(5):
        body = highlight(doc["id"], words, n, 1)
        ids.append(body["id"])
        assert _create(tablet, doc["id"], body).status_code == 201
    seen: list[str] = []
    cursor = 0
    while True:
        page = tablet.get(f"/api/documents/{doc['id']}/annotations?since={cursor}&limit=2").json
        seen += [a["id"] for a in page["annotations"]]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert seen == ids
    # A cursor from the future (the server was restored from a backup): the full list.
    future = tablet.get(f"/api/documents/{doc['id']}/annotations?since={cursor + 1000}").json
    assert future["reset"] is True
    assert [a["id"] for a in future["annotations"]] == ids
    assert future["cursor"] == cursor


def test_bad_input_is_refused_clearly(login, doc):
    delegate = login("delegate01")
    page = page_text(delegate, doc["id"])
    width = page["width"]
    cases = [
        (
            {"kind": "highlight", "geometry": {"rects": [[0, 0, width + 50, 20]]}},
            422,
            "annotation_outside_page",
        ),
        ({"kind": "highlight", "geometry": {"rects": []}}, 422, "annotation_geometry_invalid"),
        (
            {"kind": "highlight", "geometry": {"rects": [[10, 10, 10, 10]]}},
            422,
            "annotation_box_too_small",
        ),
        (
            {"kind": "highlight", "geometry": {"rects": [[1, 2, 3, True]]}},
            422,
            "annotation_geometry_invalid",
        ),
        ({"kind": "note", "geometry": {"point": [10, -30]}}, 422, "annotation_outside_page"),
        (
            {"kind": "note", "geometry": {"point": [10, 10], "x": 1}},
            422,
            "annotation_geometry_invalid",
        ),
        (
            {"kind": "ink", "geometry": {"strokes": [[[1, 1]]], "width": 500}},
            422,
            "annotation_pen_width",
        ),
        (
            {"kind": "textbox", "geometry": {"rect": [10, 10, 12, 12]}},
            422,
            "annotation_box_too_small",
        ),
        (
            {"kind": "bookmark", "geometry": {"rect": [10, 10, 100, 100]}},
            422,
            "annotation_geometry_invalid",
        ),
        (
            {"kind": "note", "geometry": {"point": [1, 1]}, "color": "red"},
            422,
            "annotation_color_invalid",
        ),
        (
            {"kind": "note", "geometry": {"point": [1, 1]}, "text": "x" * 10_001},
            422,
            "annotation_text_too_long",
        ),
        (
            {"kind": "note", "geometry": {"point": [1, 1]}, "page": 9999},
            404,
            "document_page_not_found",
        ),
        ({"kind": "circle", "geometry": {}}, 422, "validation_error"),
    ]
    for extra, status, code in cases:
        body = {"id": new_id(), "page": 1} | extra
        response = _create(delegate, doc["id"], body)
        assert response.status_code == status, (extra, response.json)
        assert response.json["error"]["code"] == code, (extra, response.json)

    # 100,000 ink points: refused before any is looked at.
    points = [[x % 500, (x // 500) % 700] for x in range(100_000)]
    body = {"id": new_id(), "page": 1, "kind": "ink", "geometry": {"strokes": [points]}}
    response = _create(delegate, doc["id"], body)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "annotation_too_many_points"
    assert "10000" in response.json["error"]["message"]
    # A body past what any annotation can hold is not even read.
    huge = {
        "id": new_id(),
        "page": 1,
        "kind": "note",
        "geometry": {"point": [1, 1]},
        "text": "x" * 3_000_000,
    }
    response = _create(delegate, doc["id"], huge)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "body_too_large"
    # The path and the body disagree on the document.
    body = highlight(doc["id"], page["words"]) | {"document_id": doc["id"] + 1}
    assert _create(delegate, doc["id"], body).status_code == 422
    # Nothing of the above was stored.
    assert delegate.get(f"/api/documents/{doc['id']}/annotations").json["annotations"] == []


def test_only_documents_the_user_can_read(app, login, demo_meeting_id, doc):
    other = make_council(app, prefix="other")
    outsider = login("other01", PASSWORD)
    words = page_text(login("delegate01"), doc["id"])["words"]
    response = _create(outsider, doc["id"], highlight(doc["id"], words))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "document_not_found"
    assert outsider.get(f"/api/documents/{doc['id']}/annotations").status_code == 404
    assert outsider.get(f"/api/meetings/{demo_meeting_id}/annotations").status_code == 404
    assert other["meeting_id"] != demo_meeting_id
    # The hall display does not annotate.
    display = login("display")
    assert _create(display, doc["id"], highlight(doc["id"], words)).status_code == 403
    # A link has no pages to annotate.
    link = next(
        d
        for d in login("delegate01")
        .get(f"/api/meetings/{demo_meeting_id}/documents")
        .json["documents"]
        if d["kind"] == "link"
    )
    response = _create(login("delegate01"), link["id"], highlight(link["id"], words))
    assert response.status_code == 409
    # A guest may keep private notes on what they read.
    guest = login("guest")
    assert _create(guest, doc["id"], highlight(doc["id"], words)).status_code == 201


def test_confidential_documents_are_annotated_but_never_exported(app, login, demo_meeting_id):
    delegate = login("delegate01")
    secret = readable_document(delegate, demo_meeting_id, confidential=True)
    # Its text is not handed out (as its download is not); the boxes come from the database.
    assert delegate.get(f"/api/documents/{secret['id']}/pages/1/text").status_code == 403
    with app.app_context():
        from server.documents import services as documents

        words = json.loads(documents.words_json(secret["id"], 1) or "[]")
        size = documents.page_size(secret["id"], 1)
    assert len(words) > 20
    assert size is not None
    # A highlight over the whole page is kept, but answers with no quote: the words under
    # it would be the page's text.
    everything = {**highlight(secret["id"], words), "geometry": {"rects": [[0, 0, *size]]}}
    created = _create(delegate, secret["id"], everything)
    assert created.status_code == 201, created.json
    assert created.json["quote"] is None
    listed = delegate.get(f"/api/documents/{secret['id']}/annotations").json["annotations"]
    assert [a["quote"] for a in listed if a["id"] == everything["id"]] == [None]
    moved = delegate.patch(
        f"/api/annotations/{everything['id']}",
        json={"version": created.json["version"], "geometry": {"rects": [words[1][:4]]}},
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["quote"] is None
    # A quote the tablet gives is its own, and kept as given.
    quoted = highlight(secret["id"], words, 0, 2, quote="đoạn đã đánh dấu")
    assert _create(delegate, secret["id"], quoted).json["quote"] == "đoạn đã đánh dấu"
    for path in ("annotated.pdf", "annotations.jsonld"):
        response = delegate.get(f"/api/documents/{secret['id']}/{path}")
        assert response.status_code == 403
        assert response.json["error"]["code"] == "annotations_export_confidential"


def test_web_annotations_export(login, doc):
    delegate = login("delegate01")
    page = page_text(delegate, doc["id"])
    bodies = one_of_each(page["words"], page["width"], page["height"])
    for body in bodies:
        assert _create(delegate, doc["id"], body).status_code == 201
    response = delegate.get(f"/api/documents/{doc['id']}/annotations.jsonld")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert 'profile="http://www.w3.org/ns/anno.jsonld"' in response.headers["Content-Type"]
    data = json.loads(response.data)
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection"
    assert data["total"] == len(bodies)
    items = {i["id"]: i for i in data["first"]["items"]}
    assert set(items) == {f"urn:uuid:{b['id']}" for b in bodies}
    mark = items[f"urn:uuid:{bodies[0]['id']}"]
    assert mark["motivation"] == "highlighting"
    assert mark["body"] == {
        "type": "TextualBody",
        "value": "Cần xem kỹ số liệu",
        "format": "text/plain",
        "language": "vi",
    }
    selectors = {s["type"]: s for s in mark["target"]["selector"]}
    assert selectors["FragmentSelector"]["value"].startswith("page=1&viewrect=")
    assert selectors["TextQuoteSelector"]["exact"] == " ".join(w[4] for w in page["words"][:2])
    assert selectors["SvgSelector"]["value"].startswith("<svg")
    assert mark["target"]["source"].endswith(f"/api/documents/{doc['id']}/download")
    assert items[f"urn:uuid:{bodies[-1]['id']}"]["motivation"] == "bookmarking"
    note = items[f"urn:uuid:{bodies[4]['id']}"]
    assert note["motivation"] == "commenting"
    assert "<script>" in note["body"]["value"]


def test_list_my_annotations_across_the_session(login, demo_meeting_id):
    delegate = login("delegate01")
    docs = [
        d
        for d in delegate.get(f"/api/meetings/{demo_meeting_id}/documents").json["documents"]
        # Highlights are drawn on words: those of documents whose text is handed out.
        if d["kind"] != "link" and d["status"] == "ready" and d["downloadable"]
    ][:3]
    made = []
    for d in reversed(docs):
        words = page_text(delegate, d["id"])["words"]
        body = highlight(d["id"], words, text=f"Ghi chú {d['id']}")
        assert _create(delegate, d["id"], body).status_code == 201
        made.append(body["id"])
    mine = delegate.get(f"/api/meetings/{demo_meeting_id}/annotations").json
    # In agenda order of their documents, whatever order they were made in.
    assert [a["document_id"] for a in mine["annotations"]] == [d["id"] for d in docs]
    assert [d["id"] for d in mine["documents"]] == [d["id"] for d in docs]
    assert mine["documents"][0]["title"] == docs[0]["title"]
    # Another delegate's list is empty.
    assert (
        login("delegate02").get(f"/api/meetings/{demo_meeting_id}/annotations").json["annotations"]
        == []
    )
    # Catching up across the whole session.
    since = delegate.get(f"/api/meetings/{demo_meeting_id}/annotations?since=0").json
    assert sorted(a["id"] for a in since["annotations"]) == sorted(made)
    assert since["cursor"] == mine["cursor"]


def test_update_checks_geometry_against_the_page(login, doc):
    delegate = login("delegate01")
    page = page_text(delegate, doc["id"])
    body = {"id": new_id(), "page": 1, "kind": "note", "geometry": {"point": [10, 10]}}
    assert _create(delegate, doc["id"], body).status_code == 201
    path = f"/api/annotations/{body['id']}"
    outside = delegate.patch(path, json={"version": 1, "geometry": {"point": [10, 5000]}})
    assert outside.status_code == 422
    moved = delegate.patch(
        path, json={"version": 1, "geometry": {"point": [page["width"] - 1, 20]}}
    )
    assert moved.status_code == 200
    assert moved.json["geometry"] == {"point": [round(page["width"] - 1, 2), 20.0]}
    # kind and page do not change.
    assert delegate.patch(path, json={"version": 2, "kind": "ink"}).status_code == 422
    assert (
        delegate.patch(f"/api/annotations/{uuid.uuid4()}", json={"version": 1}).status_code == 404
    )


def test_listed_json_is_the_json_of_the_notices(login, socket_for, doc):
    """Lists are written by the database; they say exactly what the live notices say."""
    from datetime import datetime

    delegate = login("delegate01")
    phone = socket_for(login("delegate01"))
    page = page_text(delegate, doc["id"])
    bodies = one_of_each(page["words"], page["width"], page["height"])
    bodies[0]["text"] = 'Dấu "ngoặc kép", \\ gạch chéo,\nxuống dòng và <thẻ> 😀'
    for body in bodies:
        assert _create(delegate, doc["id"], body).status_code == 201
    assert delegate.delete(f"/api/annotations/{bodies[1]['id']}").status_code == 200

    def normal(annotation):
        out = dict(annotation)
        for key in ("created_at", "updated_at", "deleted_at"):
            if out[key] is not None:
                out[key] = datetime.fromisoformat(out[key])
        return out

    latest = {}
    for _, payload in _events(phone):
        latest[payload["annotation"]["id"]] = normal(payload["annotation"])
    listed = delegate.get(f"/api/documents/{doc['id']}/annotations?since=0").json["annotations"]
    assert {a["id"]: normal(a) for a in listed} == latest
    assert latest[bodies[0]["id"]]["text"] == bodies[0]["text"]
    assert latest[bodies[1]["id"]]["deleted"] is True


def test_moving_a_highlight_takes_the_quote_of_its_new_words(login, doc):
    delegate = login("delegate01")
    words = page_text(delegate, doc["id"])["words"]
    body = highlight(doc["id"], words, 0, 2)
    assert _create(delegate, doc["id"], body).json["quote"] == " ".join(w[4] for w in words[:2])
    moved = delegate.patch(
        f"/api/annotations/{body['id']}",
        json={"version": 1, "geometry": {"rects": [list(w[:4]) for w in words[3:5]]}},
    )
    assert moved.status_code == 200
    assert moved.json["quote"] == " ".join(w[4] for w in words[3:5])
    recoloured = delegate.patch(
        f"/api/annotations/{body['id']}", json={"version": 2, "color": "#00ff00"}
    )
    assert recoloured.json["quote"] == moved.json["quote"]
