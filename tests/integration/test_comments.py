"""Comments (góp ý): who sees which, live notices, replies and statuses, the exports."""

from __future__ import annotations

import csv
import io
import uuid

import pymupdf
import pytest

from server.documents import processing
from tests.factories import PASSWORD, make_council
from tests.integration.annotations_helpers import documents_of, readable_document


@pytest.fixture(autouse=True)
def _settle(app):
    yield
    assert processing.wait_idle(120)


@pytest.fixture
def doc(login, demo_meeting_id):
    return readable_document(login("delegate01"), demo_meeting_id)


def _comment(api, document_id, text, **fields):
    return api.post(f"/api/documents/{document_id}/comments", json={"text": text, **fields})


def _ids(api, path):
    response = api.get(path)
    assert response.status_code == 200, response.json
    return {c["id"] for c in response.json["comments"]}


def test_visibility_rules(app, login, demo_meeting_id, doc):
    author = login("delegate01")
    private = _comment(
        author,
        doc["id"],
        "Đề nghị làm rõ nguồn vốn đối ứng.",
        page=2,
        quote="nguồn vốn đối ứng",
    )
    assert private.status_code == 201, private.json
    private = private.json
    assert private["visibility"] == "secretariat"
    assert private["status"] == "received"
    assert private["page"] == 2
    assert private["author"]["full_name"] == author.user["full_name"]
    public = _comment(login("delegate02"), doc["id"], "Ủng hộ dự thảo.", visibility="all").json

    doc_path = f"/api/documents/{doc['id']}/comments"
    meeting_path = f"/api/meetings/{demo_meeting_id}/comments"
    for path in (doc_path, meeting_path):
        for staff in ("secretary", "chair", "admin"):
            assert _ids(login(staff), path) == {private["id"], public["id"]}, staff
        assert _ids(author, path) == {private["id"], public["id"]}
        # Another delegate sees the public comment, never one kept for the secretariat.
        assert _ids(login("delegate03"), path) == {public["id"]}
        assert _ids(login("delegate02"), path) == {public["id"]}
        for name in ("guest", "display"):
            response = login(name).get(path)
            assert response.status_code == 403
            assert response.json["error"]["code"] == "comments_not_visible"
    make_council(app, prefix="other")
    assert login("other01", PASSWORD).get(doc_path).status_code == 404

    # Nor through the comment's own address.
    other = login("delegate03")
    reply = other.post(f"/api/comments/{private['id']}/replies", json={"text": "?"})
    assert reply.status_code == 404
    assert reply.json["error"]["code"] == "comment_not_found"
    assert (
        other.patch(f"/api/comments/{private['id']}", json={"status": "answered"}).status_code
        == 404
    )


def test_comment_created_reaches_the_secretariat_live(login, socket_for, demo_meeting_id, doc):
    def joined(api):
        sio = socket_for(api)
        assert sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)["ok"]
        sio.get_received()
        return sio

    secretary = joined(login("secretary"))
    chair = joined(login("chair"))
    author_phone = joined(login("delegate01"))
    other_delegate = joined(login("delegate03"))
    guest = joined(login("guest"))
    display = joined(login("display"))
    seq_before = login("secretary").get(f"/api/meetings/{demo_meeting_id}/state").json["seq"]

    author = login("delegate01")
    kept = _comment(author, doc["id"], "Chỉ gửi Văn phòng: số liệu trang 3 chưa khớp.").json
    shared = _comment(author, doc["id"], "Công khai: đồng ý với tờ trình.", visibility="all").json

    def heard(sio):
        return [
            (e["name"], e["args"][0]["comment"]["id"])
            for e in sio.get_received()
            if e["name"].startswith("comment.")
        ]

    both = [("comment.created", kept["id"]), ("comment.created", shared["id"])]
    assert heard(secretary) == both
    assert heard(chair) == both
    assert heard(author_phone) == both
    assert heard(other_delegate) == [("comment.created", shared["id"])]
    assert heard(guest) == []
    assert heard(display) == []
    # Nothing about comments on the meeting stream (guests and the display read it).
    after = login("secretary").get(f"/api/meetings/{demo_meeting_id}/state?since={seq_before}")
    assert all(not e["name"].startswith("comment.") for e in after.json.get("events", []))

    # The secretariat answers; the author's devices and the staff hear it.
    reply = login("secretary").post(
        f"/api/comments/{kept['id']}/replies", json={"text": "Văn phòng đã chuyển Sở Tài chính."}
    )
    assert reply.status_code == 201
    assert heard(author_phone) == [("comment.updated", kept["id"])]
    assert heard(secretary) == [("comment.updated", kept["id"])]
    assert heard(other_delegate) == []


def test_replies_and_statuses(login, doc):
    author = login("delegate01")
    comment = _comment(author, doc["id"], "Đề nghị bổ sung phụ lục.").json
    secretary = login("secretary")
    path = f"/api/comments/{comment['id']}"

    considered = secretary.patch(path, json={"status": "considered"})
    assert considered.status_code == 200
    assert considered.json["status"] == "considered"
    assert considered.json["status_changed_at"] is not None

    reply = secretary.post(f"{path}/replies", json={"text": "Đã bổ sung phụ lục 2."})
    assert reply.status_code == 201
    assert reply.json["status"] == "answered"
    assert [r["text"] for r in reply.json["replies"]] == ["Đã bổ sung phụ lục 2."]
    assert reply.json["replies"][0]["author"]["full_name"] == secretary.user["full_name"]
    keep = secretary.post(f"{path}/replies", json={"text": "Bổ sung", "status": "considered"})
    assert keep.json["status"] == "considered"
    assert len(keep.json["replies"]) == 2

    seen = author.get(f"/api/documents/{doc['id']}/comments").json["comments"]
    assert seen[0]["status"] == "considered"
    assert len(seen[0]["replies"]) == 2

    # Only the secretariat answers and sets statuses.
    for name in ("delegate01", "chair"):
        api = login(name)
        assert api.post(f"{path}/replies", json={"text": "x"}).status_code == 403
        assert api.patch(path, json={"status": "received"}).status_code == 403
    assert secretary.patch(path, json={"status": "done"}).status_code == 422
    assert secretary.post(f"{path}/replies", json={"text": "  "}).status_code == 422


def test_bad_comments_are_refused(login, demo_meeting_id, doc):
    author = login("delegate01")
    cases = [
        ({"text": "   "}, 422, "comment_text_required"),
        ({"text": "x" * 5_001}, 422, "comment_text_too_long"),
        ({"text": "Trang?", "page": 9999}, 422, "comment_page_out_of_range"),
        ({"text": "Trích", "quote": "q" * 2_001}, 422, "comment_quote_too_long"),
        ({"text": "Ai xem?", "visibility": "everyone"}, 422, "validation_error"),
        ({"text": "Tài liệu khác", "document_id": doc["id"] + 1}, 422, "validation_error"),
    ]
    for body, status, code in cases:
        response = author.post(f"/api/documents/{doc['id']}/comments", json=body)
        assert response.status_code == status, (body, response.json)
        assert response.json["error"]["code"] == code
    # Comments come from members of the council.
    for name in ("secretary", "chair", "guest", "display"):
        response = _comment(login(name), doc["id"], "Góp ý")
        assert response.status_code == 403, name
    # A retried send with the client's id makes one comment.
    client_id = str(uuid.uuid4())
    first = _comment(author, doc["id"], "Gửi lại không trùng", client_id=client_id)
    again = _comment(author, doc["id"], "Gửi lại không trùng", client_id=client_id)
    assert first.status_code == again.status_code == 201
    assert first.json["id"] == again.json["id"]
    assert len(author.get(f"/api/documents/{doc['id']}/comments").json["comments"]) == 1
    # Script is kept as text.
    script = _comment(author, doc["id"], "<img src=x onerror=alert(1)>").json
    assert script["text"] == "<img src=x onerror=alert(1)>"


def _two_documents(login, demo_meeting_id):
    """Two published documents of different agenda items, in agenda order."""
    docs = [
        d
        for d in documents_of(login("delegate01"), demo_meeting_id)
        if d["kind"] != "link" and d["status"] == "ready"
    ]
    first = docs[0]
    second = next(d for d in docs if d["agenda_item_id"] != first["agenda_item_id"])
    return first, second


def test_csv_export(login, demo_meeting_id):
    first, second = _two_documents(login, demo_meeting_id)
    # Written in the opposite order of the agenda.
    _comment(login("delegate02"), second["id"], "Ý kiến về tài liệu sau", page=1)
    _comment(
        login("delegate01"),
        first["id"],
        '=HYPERLINK("http://evil")',
        quote="-2+3",
        visibility="all",
    )
    comment = _comment(login("delegate03"), first["id"], "Đề nghị giải trình thêm.").json
    login("secretary").post(f"/api/comments/{comment['id']}/replies", json={"text": "Đã trả lời"})

    response = login("secretary").get(f"/api/meetings/{demo_meeting_id}/comments.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Nội dung chương trình", "Tài liệu"]
    body = rows[1:]
    assert [r[2] for r in body] == [first["title"], first["title"], second["title"]]
    assert [r[0] for r in body] == ["1", "2", "3"]
    # What a spreadsheet would run is written as plain text.
    assert body[0][6] == '\'=HYPERLINK("http://evil")'
    assert body[0][5] == "'-2+3"
    assert body[0][8] == "Công khai với đại biểu"
    assert body[1][6] == "Đề nghị giải trình thêm."
    assert body[1][9] == "Đã trả lời"
    assert "Đã trả lời" in body[1][11]
    assert body[2][4] == "1"

    one = login("chair").get(
        f"/api/meetings/{demo_meeting_id}/comments.csv?document_id={second['id']}"
    )
    assert one.status_code == 200
    assert len(list(csv.reader(io.StringIO(one.data.decode("utf-8-sig"))))) == 2
    for name in ("delegate01", "guest", "display"):
        assert login(name).get(f"/api/meetings/{demo_meeting_id}/comments.csv").status_code == 403


def test_pdf_summary(login, demo_meeting_id, tmp_path):
    first, second = _two_documents(login, demo_meeting_id)
    _comment(login("delegate02"), second["id"], "Ý kiến về tài liệu thứ hai.", page=1)
    _comment(
        login("delegate01"),
        first["id"],
        "Đề nghị <b>in đậm</b> & làm rõ nguồn vốn",
        quote="nguồn vốn đầu tư công",
        page=2,
    )
    response = login("secretary").get(f"/api/meetings/{demo_meeting_id}/comments.pdf")
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/pdf"
    (tmp_path / "summary.pdf").write_bytes(response.data)
    with pymupdf.open("pdf", response.data) as pdf:
        text = "\n".join(page.get_text() for page in pdf)
    assert "TỔNG HỢP Ý KIẾN GÓP Ý CỦA ĐẠI BIỂU" in text
    # Escaped: the tags are shown as typed.
    assert "<b>in đậm</b> & làm rõ nguồn vốn" in text
    assert "nguồn vốn đầu tư công" in text
    # One section per document, in agenda order.
    assert text.index(first["title"][:30]) < text.index(second["title"][:30])
    assert "Tổng số: 2 ý kiến trên 2 tài liệu" in " ".join(text.split())
    assert (
        login("delegate01").get(f"/api/meetings/{demo_meeting_id}/comments.pdf").status_code == 403
    )
