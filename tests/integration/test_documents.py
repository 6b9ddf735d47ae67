"""Documents: upload, processing in worker processes, publishing, pages, download, permissions."""

from __future__ import annotations

import io

import pymupdf
import pytest
import sqlalchemy as sa

from server.pdf import safety
from server.pdf.compose import extract_text
from tests.factories import PASSWORD, make_council, photo_pdf
from tests.integration.documents_helpers import (
    item_ids,
    settle,
    upload,
    vietnamese_pdf,
    wait_for,
)

WEBP = {"Accept": "image/avif,image/webp,image/png,*/*;q=0.8"}
PNG_ONLY = {"Accept": "image/png,image/*;q=0.8"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _settle(app):
    """Every background job has finished before the app and its database go away."""
    yield
    settle()


def demo_documents(api, meeting_id):
    return api.get(f"/api/meetings/{meeting_id}/documents").json["documents"]


def first_item(api, meeting_id):
    return item_ids(api, meeting_id)[1]


def test_demo_session_documents_are_published_and_in_vietnamese(login, demo_meeting_id):
    delegate = login("delegate01")
    docs = demo_documents(delegate, demo_meeting_id)
    assert len(docs) >= 15
    assert all(d["published"] and d["status"] == "ready" for d in docs)
    kinds = {d["kind"] for d in docs}
    assert kinds == {"main", "reference", "link"}
    assert sum(d["confidential"] for d in docs) == 1
    link = next(d for d in docs if d["kind"] == "link")
    assert link["url"].startswith("https://")
    assert not link["downloadable"]
    assert all(d["page_count"] >= 2 for d in docs if d["kind"] == "main")
    # Every agenda item with content has documents.
    covered = {d["agenda_item_id"] for d in docs}
    assert set(item_ids(delegate, demo_meeting_id)) - covered == set()

    report = next(d for d in docs if d["title"].startswith("Báo cáo tình hình kinh tế"))
    pdf = delegate.get(f"/api/documents/{report['id']}/download", buffered=True)
    assert pdf.status_code == 200
    text = extract_text(pdf.data)
    for phrase in ("ngân sách nhà nước", "Đắk Lắk", "Tăng trưởng", "giải phóng mặt bằng"):
        assert phrase in text
    words = delegate.get(f"/api/documents/{report['id']}/pages/1/text").json["words"]
    assert any(w[4] == "BÁO" for w in words)
    assert any("ỦY" in w[4] for w in words)


def test_upload_process_publish_render_download(login, socket_for, demo_meeting_id):
    secretary = login("secretary")
    delegate = login("delegate01")
    staff_socket = socket_for(secretary)
    assert staff_socket.emit("join", {"meeting_id": demo_meeting_id}, callback=True)["ok"]
    delegate_socket = socket_for(delegate)
    joined = delegate_socket.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    item = first_item(secretary, demo_meeting_id)

    response = upload(
        secretary, item, vietnamese_pdf(3), title="Tờ trình kế hoạch đầu tư công", kind="main"
    )
    assert response.status_code == 202, response.json
    doc = response.json
    assert doc["status"] == "processing"
    assert doc["published"] is False
    assert doc["version"] == 1
    assert doc["series_id"] == doc["id"]
    assert doc["filename"] == "to-trinh.pdf"

    # Before publishing, only the secretariat sees it.
    for path in (
        f"/api/documents/{doc['id']}",
        f"/api/documents/{doc['id']}/pages/1/image",
        f"/api/documents/{doc['id']}/pages/1/text",
        f"/api/documents/{doc['id']}/download",
    ):
        assert delegate.get(path).status_code == 404, path
    assert doc["id"] not in [d["id"] for d in demo_documents(delegate, demo_meeting_id)]

    ready = wait_for(secretary, doc["id"])
    assert ready["page_count"] >= 3
    assert ready["searchable"] is True
    assert [e["title"] for e in ready["outline"]][:3] == [
        f"Chương {n}. Kế hoạch đầu tư công" for n in (1, 2, 3)
    ]
    assert ready["pages"][0]["width"] == pytest.approx(595.28, abs=0.5)
    assert ready["progress"] == {"done": ready["page_count"], "total": ready["page_count"]}

    notices = staff_socket.get_received()
    names = [n["name"] for n in notices]
    assert "document.created" in names
    assert "document.ready" in names
    progress = [n["args"][0] for n in notices if n["name"] == "document.processing"]
    assert progress
    assert progress[-1]["done"] == progress[-1]["total"] == ready["page_count"]
    assert all(p["document_id"] == doc["id"] for p in progress)
    # Nothing about an unpublished document reaches a delegate.
    assert all(n["name"] != "document.created" for n in delegate_socket.get_received())

    published = secretary.post(f"/api/documents/{doc['id']}/publish")
    assert published.status_code == 200
    assert published.json["late"] is False
    assert published.json["warning"] is None
    event = next(
        n["args"][0] for n in delegate_socket.get_received() if n["name"] == "document.published"
    )
    assert event["document"]["id"] == doc["id"]
    assert event["seq"] > joined["seq"]
    assert secretary.post(f"/api/documents/{doc['id']}/publish").status_code == 409

    # Page images: strong ETag, long cache, 304. A black-and-white page comes as a small
    # grey PNG even to a client that accepts WebP (smaller and faster to make).
    image = delegate.get(f"/api/documents/{doc['id']}/pages/1/image?width=900&dpr=2", headers=WEBP)
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert image.data[:8] == PNG_SIGNATURE
    assert "immutable" in image.headers["Cache-Control"]
    assert "max-age=31536000" in image.headers["Cache-Control"]
    etag = image.headers["ETag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    again = delegate.get(
        f"/api/documents/{doc['id']}/pages/1/image?width=900&dpr=2",
        headers={**WEBP, "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    from PIL import Image

    with Image.open(io.BytesIO(image.data)) as picture:
        assert picture.width == 1920  # 960 bucket x dpr 2
        assert picture.mode in ("P", "L")
    png = delegate.get(f"/api/documents/{doc['id']}/pages/1/image?width=400", headers=PNG_ONLY)
    assert png.mimetype == "image/png"
    assert png.data[:8] == PNG_SIGNATURE
    with Image.open(io.BytesIO(png.data)) as picture:
        assert picture.width == 480
    assert png.headers["ETag"] != etag
    thumb = delegate.get(f"/api/documents/{doc['id']}/pages/2/image?width=100", headers=WEBP)
    with Image.open(io.BytesIO(thumb.data)) as picture:
        assert picture.width == 160
    assert delegate.get(f"/api/documents/{doc['id']}/pages/99/image").status_code == 404

    text = delegate.get(f"/api/documents/{doc['id']}/pages/1/text").json
    assert text["page"] == 1
    assert text["rotation"] == 0
    assert text["ocr"] is False
    joined_words = " ".join(w[4] for w in text["words"])
    assert "ngân sách nhà nước" in joined_words
    x0, y0, x1, y1, _ = text["words"][0]
    assert 0 <= x0 < x1 <= text["width"]
    assert 0 <= y0 < y1 <= text["height"]

    download = delegate.get(f"/api/documents/{doc['id']}/download", buffered=True)
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert "to-trinh.pdf" in download.headers["Content-Disposition"]
    with pymupdf.open("pdf", download.data) as pdf:
        assert safety.scan(pdf) == {}
        assert "ngân sách" in pdf[0].get_text()


def test_same_file_is_stored_once(app, login, demo_meeting_id):
    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    data = vietnamese_pdf(1, marker="Lưu một lần")
    first = upload(secretary, item, data, title="Bản 1").json
    second = upload(secretary, item, data, title="Bản 2").json
    assert first["id"] != second["id"]
    wait_for(secretary, first["id"])
    wait_for(secretary, second["id"])
    from pathlib import Path

    originals = list((Path(app.config["STORAGE_DIR"]) / "originals").rglob("*.pdf"))
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    assert [p.name for p in originals].count(f"{sha}.pdf") == 1
    assert (
        Path(app.config["STORAGE_DIR"]) / "originals" / sha[:2] / f"{sha}.pdf"
    ).read_bytes() == data


def _encrypted() -> bytes:
    doc = pymupdf.open("pdf", vietnamese_pdf(1))
    data: bytes = doc.tobytes(
        encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="matkhau", owner_pw="chu-so-huu"
    )
    return data


def _huge_page() -> bytes:
    doc = pymupdf.open()
    doc.new_page(width=20000, height=600)
    data: bytes = doc.tobytes()
    return data


def _image_bomb() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), False)
    page.insert_image(page.rect, pixmap=pix)
    xref = page.get_images()[0][0]
    doc.xref_set_key(xref, "Width", "60000")
    doc.xref_set_key(xref, "Height", "60000")
    data: bytes = doc.tobytes()
    return data


def _no_pages() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _damaged() -> bytes:
    """A valid PDF whose cross-reference table points nowhere: MuPDF repairs it."""
    data = vietnamese_pdf(1, marker="Tệp bị lỗi nhẹ")
    start = data.rindex(b"startxref")
    return data[:start] + b"startxref\n999999\n%%EOF\n"


@pytest.mark.parametrize(
    ("data", "filename", "status", "code"),
    [
        (b"Day khong phai PDF", "bao-cao.pdf", 415, "document_not_pdf"),
        (b"PK\x03\x04" + b"\0" * 100, "bao-cao.docx", 415, "document_office_file"),
        (b"", "rong.pdf", 422, "document_empty"),
        (_encrypted(), "mat-khau.pdf", 422, "document_encrypted"),
        (_no_pages(), "khong-trang.pdf", 422, "document_no_pages"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, "hong.pdf", 422, "document_unreadable"),
        (_huge_page(), "kho-lon.pdf", 422, "document_page_size"),
        (_image_bomb(), "bom.pdf", 422, "document_image_too_large"),
        (vietnamese_pdf(1), "../../etc/passwd.pdf", 400, "document_filename_invalid"),
        (vietnamese_pdf(1), "thu-muc/to-trinh.pdf", 400, "document_filename_invalid"),
        (vietnamese_pdf(1), "to\x07trinh.pdf", 400, "document_filename_invalid"),
    ],
)
def test_bad_files_get_a_clear_error(login, demo_meeting_id, data, filename, status, code):
    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    before = len(demo_documents(secretary, demo_meeting_id))
    response = upload(secretary, item, data, filename=filename, title="Thử")
    assert response.status_code == status, response.json
    error = response.json["error"]
    assert error["code"] == code
    assert len(error["message"]) > 20
    assert len(demo_documents(secretary, demo_meeting_id)) == before
    english = secretary.post(
        f"/api/agenda/{item}/documents",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert english.json["error"]["code"] == code
    assert english.json["error"]["message"] != error["message"]


def test_too_large_upload_is_413(app, login, demo_meeting_id):
    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    app.config["MAX_UPLOAD_MB"] = 1
    response = upload(secretary, item, b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10))
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    assert "1 MB" in response.json["error"]["message"]


def test_damaged_file_is_repaired_and_accepted(login, demo_meeting_id):
    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    response = upload(secretary, item, _damaged(), title="Tệp bị lỗi nhẹ")
    assert response.status_code == 202, response.json
    doc = wait_for(secretary, response.json["id"])
    assert "document_repaired" in [w["code"] for w in doc["warnings"]]
    text = secretary.get(f"/api/documents/{doc['id']}/pages/1/text").json
    assert "lỗi" in " ".join(w[4] for w in text["words"])


def test_upload_checks_fields(login, demo_meeting_id):
    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    assert upload(secretary, item, None, title="Không có tệp").json["error"]["code"] == (
        "document_file_required"
    )
    link = upload(secretary, item, None, kind="link", title="Cổng thông tin", url="javascript:1")
    assert link.status_code == 422
    assert upload(secretary, item, None, kind="link").json["error"]["code"] == (
        "document_url_required"
    )
    ok = upload(
        secretary, item, None, kind="link", title="Cổng thông tin", url="https://daklak.gov.vn"
    )
    assert ok.status_code == 202
    assert ok.json["status"] == "ready"
    assert ok.json["url"] == "https://daklak.gov.vn"
    assert upload(secretary, 999999, vietnamese_pdf(1)).status_code == 404
    assert upload(login("delegate01"), item, vietnamese_pdf(1)).status_code == 403
    assert upload(login("chair"), item, vietnamese_pdf(1)).status_code == 403


def test_who_may_read_what(app, login, demo_meeting_id):
    secretary = login("secretary")
    delegate = login("delegate01")
    guest = login("guest")
    other = make_council(app)
    outsider = login("other01", PASSWORD)
    docs = demo_documents(secretary, demo_meeting_id)
    public = next(d for d in docs if d["kind"] == "main" and not d["confidential"])
    secret = next(d for d in docs if d["confidential"])

    # Another council's delegate reads nothing of this session, by any route.
    for path in (
        f"/api/meetings/{demo_meeting_id}/documents",
        f"/api/documents/{public['id']}",
        f"/api/documents/{public['id']}/pages/1/image",
        f"/api/documents/{public['id']}/pages/1/text",
        f"/api/documents/{public['id']}/download",
        f"/api/meetings/{demo_meeting_id}/search?q=ngan+sach",
    ):
        assert outsider.get(path).status_code == 404, path
    assert (
        outsider.post(f"/api/documents/{public['id']}/reads", json={"page": 1}).status_code == 404
    )
    assert demo_documents(outsider, other["meeting_id"]) == []

    # A guest reads published documents, and a confidential one only as stamped pages.
    assert guest.get(f"/api/documents/{public['id']}/download", buffered=True).status_code == 200
    refused = guest.get(f"/api/documents/{secret['id']}/download", buffered=True)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "document_confidential"
    assert guest.get(f"/api/documents/{secret['id']}/pages/1/image").status_code == 200
    assert (
        secretary.get(f"/api/documents/{secret['id']}/download", buffered=True).status_code == 403
    )
    assert not secret["downloadable"]

    # Delegates and guests cannot manage documents.
    for user in (delegate, guest):
        assert user.post(f"/api/documents/{public['id']}/publish").status_code in (403, 409)
        assert user.patch(f"/api/documents/{public['id']}", json={"title": "X"}).status_code == 403
        assert user.delete(f"/api/documents/{public['id']}").status_code == 403
        assert user.get(f"/api/documents/{public['id']}/reads").status_code == 403


def test_confidential_pages_are_stamped_for_each_reader(login, demo_meeting_id):
    secret = next(
        d for d in demo_documents(login("secretary"), demo_meeting_id) if d["confidential"]
    )
    path = f"/api/documents/{secret['id']}/pages/1/image?width=480"
    first = login("delegate01").get(path, headers=WEBP)
    second = login("delegate02").get(path, headers=WEBP)
    assert first.status_code == second.status_code == 200
    assert first.headers["ETag"] != second.headers["ETag"]
    assert first.data != second.data
    again = login("delegate01").get(path, headers=WEBP)
    assert again.headers["ETag"] == first.headers["ETag"]
    # No cache keeps a stamped page: not the browser's, not the next user's tablet.
    assert first.headers["Cache-Control"] == "private, no-store"


#: Words only the demo's confidential document holds (its table of offences).
SECRET_WORDS = "pham phap hinh su"


def test_confidential_text_follows_the_download_rule(app, login, demo_meeting_id):
    """Whoever's download of a document answers 403 gets 403 from its page text and from a
    search in it, and no search finds a snippet of it; whoever may download gets the text."""
    docs = demo_documents(login("secretary"), demo_meeting_id)
    public = next(d for d in docs if d["kind"] == "main" and not d["confidential"])
    secret = next(d for d in docs if d["confidential"])
    with app.app_context():
        from server.documents.models import DocumentPage
        from server.extensions import db

        # The words searched for are really on the confidential document's pages.
        texts = db.session.scalars(
            sa.select(DocumentPage.text).where(DocumentPage.document_id == secret["id"])
        )
        assert any("Phạm pháp hình sự" in text for text in texts)

    search = f"/api/meetings/{demo_meeting_id}/search"
    for username in ("guest", "delegate01", "chair", "secretary", "admin"):
        user = login(username)
        for doc, allowed in ((public, True), (secret, False)):
            download = user.get(f"/api/documents/{doc['id']}/download", buffered=True)
            text = user.get(f"/api/documents/{doc['id']}/pages/1/text")
            # A page that does not exist: refused before the page is looked up.
            missing = user.get(f"/api/documents/{doc['id']}/pages/9999/text")
            scoped = user.get(search, query_string={"q": "nghị quyết", "document_id": doc["id"]})
            assert download.status_code == (200 if allowed else 403), (username, doc["id"])
            if allowed:
                assert text.status_code == 200, (username, text.json)
                assert text.json["watermark"] is None
                assert text.json["words"]
                assert missing.status_code == 404
                assert scoped.status_code == 200
                assert {r["document_id"] for r in scoped.json["results"]} <= {doc["id"]}
            else:
                for refused in (text, missing, scoped):
                    assert refused.status_code == 403, (username, refused.json)
                    assert refused.json["error"]["code"] == "document_confidential"
                    assert refused.json["error"]["message"]
        found = user.get(search, query_string={"q": SECRET_WORDS, "limit": 100})
        assert found.status_code == 200
        assert secret["id"] not in {r["document_id"] for r in found.json["results"]}, username
        broad = user.get(search, query_string={"q": "năm 2026", "limit": 100}).json["results"]
        assert broad
        assert secret["id"] not in {r["document_id"] for r in broad}
    english = login("delegate01").get(
        f"/api/documents/{secret['id']}/pages/1/text", headers={"Accept-Language": "en"}
    )
    assert "cannot be downloaded, nor its text" in english.json["error"]["message"]


def test_page_text_carries_the_stamp_of_the_page_images(app, login, demo_meeting_id, monkeypatch):
    """The text answer names its reader exactly as the page images do: should the rule let
    someone take a confidential document's text, it comes stamped like its pages."""
    from server.accounts import services as accounts
    from server.documents import services
    from server.documents.models import Document

    secret = next(
        d for d in demo_documents(login("secretary"), demo_meeting_id) if d["confidential"]
    )
    delegate = login("delegate02")
    assert delegate.get(f"/api/documents/{secret['id']}/pages/1/text").status_code == 403
    monkeypatch.setattr(Document, "extractable", property(lambda doc: True))
    text = delegate.get(f"/api/documents/{secret['id']}/pages/1/text")
    assert text.status_code == 200
    stamp = text.json["watermark"]
    with app.app_context():
        user = accounts.find_user("delegate02")
        image = services.page_image(user, secret["id"], 1, width=480, dpr=1, fmt="png")
        assert image.watermark == stamp
        assert user.full_name in stamp
        assert "delegate02" in stamp


def test_publishing_late_warns_the_secretariat(app, login):
    other = make_council(app, settings={"publish_days_before": 5})
    secretary = login("other-secretary", PASSWORD)
    response = upload(secretary, other["item_id"], vietnamese_pdf(1), title="Tờ trình gửi muộn")
    doc = wait_for(secretary, response.json["id"])
    published = secretary.post(f"/api/documents/{doc['id']}/publish")
    assert published.status_code == 200
    assert published.json["late"] is True
    warning = published.json["warning"]
    assert warning["code"] == "published_late"
    assert "5 ngày" in warning["message"]
    assert published.json["document"]["published"] is True


def test_cannot_publish_before_ready_or_delete_after(login, demo_meeting_id):
    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    doc = upload(secretary, item, vietnamese_pdf(2), title="Chưa xong").json
    early = secretary.post(f"/api/documents/{doc['id']}/publish")
    assert early.status_code in (200, 409)
    if early.status_code == 409:
        assert early.json["error"]["code"] == "document_not_ready"
        wait_for(secretary, doc["id"])
        assert secretary.post(f"/api/documents/{doc['id']}/publish").status_code == 200
    refused = secretary.delete(f"/api/documents/{doc['id']}")
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "document_published"

    draft = upload(secretary, item, vietnamese_pdf(1, marker="Bản nháp xóa"), title="Nháp").json
    wait_for(secretary, draft["id"])
    deleted = secretary.delete(f"/api/documents/{draft['id']}")
    assert deleted.status_code == 200
    assert secretary.get(f"/api/documents/{draft['id']}").status_code == 404
    results = secretary.get(f"/api/meetings/{demo_meeting_id}/search?q=ban+nhap+xoa").json
    assert results["results"] == []
    # Ids are never reused (annotations refer to the version they were made on).
    after = upload(secretary, item, None, kind="link", title="Sau", url="https://example.vn").json
    assert after["id"] > draft["id"]


def test_update_document(login, socket_for, demo_meeting_id):
    secretary = login("secretary")
    delegate = login("delegate01")
    sio = socket_for(delegate)
    sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    public = next(d for d in demo_documents(secretary, demo_meeting_id) if d["kind"] == "main")
    items = item_ids(secretary, demo_meeting_id)
    changed = secretary.patch(
        f"/api/documents/{public['id']}",
        json={"title": "Tờ trình (đã sửa tên)", "kind": "reference", "agenda_item_id": items[-1]},
    )
    assert changed.status_code == 200
    assert changed.json["title"] == "Tờ trình (đã sửa tên)"
    assert changed.json["kind"] == "reference"
    assert changed.json["agenda_item_id"] == items[-1]
    event = next(n["args"][0] for n in sio.get_received() if n["name"] == "document.updated")
    assert event["document"]["title"] == "Tờ trình (đã sửa tên)"
    assert (
        secretary.patch(f"/api/documents/{public['id']}", json={"kind": "link"}).status_code == 422
    )


def test_new_version_keeps_the_old_one_readable(login, socket_for, demo_meeting_id):
    secretary = login("secretary")
    delegate = login("delegate01")
    sio = socket_for(delegate)
    sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    old = next(
        d
        for d in demo_documents(secretary, demo_meeting_id)
        if d["kind"] == "main" and not d["confidential"]
    )
    response = secretary.post(
        f"/api/documents/{old['id']}/versions",
        data={"file": (io.BytesIO(vietnamese_pdf(2, marker="Phiên bản hai Zêta")), "ban-2.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.json
    new = response.json
    assert new["version"] == old["version"] + 1
    assert new["series_id"] == old["series_id"]
    assert new["id"] != old["id"]
    assert new["title"] == old["title"]
    assert new["previous_version_id"] == old["id"]
    wait_for(secretary, new["id"])

    # Until it is published, delegates keep the old version as the latest.
    mine = {d["id"]: d for d in demo_documents(delegate, demo_meeting_id)}
    assert new["id"] not in mine
    assert mine[old["id"]]["is_latest"] is True
    staff = {d["id"]: d for d in demo_documents(secretary, demo_meeting_id)}
    assert staff[old["id"]]["is_latest"] is False
    assert staff[new["id"]]["is_latest"] is True
    # Versions are added to the latest one only.
    stale = secretary.post(
        f"/api/documents/{old['id']}/versions",
        data={"file": (io.BytesIO(vietnamese_pdf(1)), "ban-3.pdf")},
        content_type="multipart/form-data",
    )
    assert stale.status_code == 409

    assert secretary.post(f"/api/documents/{new['id']}/publish").status_code == 200
    event = next(n["args"][0] for n in sio.get_received() if n["name"] == "document.published")
    assert event["document"]["id"] == new["id"]
    assert event["document"]["previous_version_id"] == old["id"]
    mine = {d["id"]: d for d in demo_documents(delegate, demo_meeting_id)}
    assert mine[old["id"]]["is_latest"] is False
    assert mine[new["id"]]["is_latest"] is True
    # The old version stays readable.
    assert delegate.get(f"/api/documents/{old['id']}/pages/1/text").status_code == 200
    assert delegate.get(f"/api/documents/{old['id']}/download", buffered=True).status_code == 200
    # Search covers the latest version only, unless asked for one document.
    hits = delegate.get(f"/api/meetings/{demo_meeting_id}/search?q=zeta").json["results"]
    assert {h["document_id"] for h in hits} == {new["id"]}


def test_reading_receipts(login, demo_meeting_id):
    delegate = login("delegate01")
    doc = next(d for d in demo_documents(delegate, demo_meeting_id) if d["page_count"] >= 2)
    assert doc["read"] is None
    assert doc["reads_recorded"] is True
    for page in (1, 2, 1):
        response = delegate.post(f"/api/documents/{doc['id']}/reads", json={"page": page})
        assert response.status_code == 200
        assert response.json["recorded"] is True
    assert response.json["read"]["max_page"] == 2
    assert response.json["read"]["pages_read"] == 2
    bad = delegate.post(f"/api/documents/{doc['id']}/reads", json={"page": 999})
    assert bad.status_code == 422
    login("delegate02").post(f"/api/documents/{doc['id']}/reads", json={"page": 1})
    guest = login("guest").post(f"/api/documents/{doc['id']}/reads", json={"page": 1})
    assert guest.json["recorded"] is False

    mine = next(d for d in demo_documents(delegate, demo_meeting_id) if d["id"] == doc["id"])
    assert mine["read"]["max_page"] == 2
    for viewer in ("chair", "secretary"):
        reads = login(viewer).get(f"/api/documents/{doc['id']}/reads")
        assert reads.status_code == 200
        body = reads.json
        assert body["members"] == 50
        assert body["page_count"] == doc["page_count"]
        by_user = {r["user_id"]: r for r in body["reads"]}
        assert len(by_user) == 2
        assert by_user[delegate.user["id"]]["max_page"] == 2
        assert by_user[delegate.user["id"]]["full_name"] == delegate.user["full_name"]


def test_follow_the_chair(login, socket_for, demo_meeting_id):
    chair = login("chair")
    secretary = login("secretary")
    delegate = login("delegate01")
    sio = socket_for(delegate)
    sio.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    doc = next(d for d in demo_documents(chair, demo_meeting_id) if d["page_count"] >= 2)
    response = chair.put(
        f"/api/meetings/{demo_meeting_id}/follow", json={"document_id": doc["id"], "page": 2}
    )
    assert response.status_code == 200
    assert response.json == {"follow": {"document_id": doc["id"], "page": 2}}
    event = next(n["args"][0] for n in sio.get_received() if n["name"] == "follow.updated")
    assert event["follow"] == {"document_id": doc["id"], "page": 2}
    state = delegate.get(f"/api/meetings/{demo_meeting_id}/state").json["state"]
    assert state["follow"] == {"document_id": doc["id"], "page": 2}

    assert (
        chair.put(
            f"/api/meetings/{demo_meeting_id}/follow", json={"document_id": doc["id"], "page": 99}
        ).status_code
        == 422
    )
    assert (
        delegate.put(
            f"/api/meetings/{demo_meeting_id}/follow", json={"document_id": doc["id"], "page": 1}
        ).status_code
        == 403
    )
    item = first_item(secretary, demo_meeting_id)
    draft = upload(secretary, item, vietnamese_pdf(1), title="Chưa phát hành").json
    wait_for(secretary, draft["id"])
    refused = chair.put(
        f"/api/meetings/{demo_meeting_id}/follow", json={"document_id": draft["id"], "page": 1}
    )
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "document_not_published"
    stop = chair.put(f"/api/meetings/{demo_meeting_id}/follow", json={"document_id": None})
    assert stop.json == {"follow": None}


def test_state_has_the_documents_section(login, socket_for, demo_meeting_id):
    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    draft = upload(secretary, item, vietnamese_pdf(1), title="Dự thảo nội bộ").json
    delegate = login("delegate01")
    ack = socket_for(delegate).emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    ids = {d["id"] for d in ack["state"]["documents"]}
    assert draft["id"] not in ids
    assert len(ids) >= 15
    staff_state = secretary.get(f"/api/meetings/{demo_meeting_id}/state").json["state"]
    assert draft["id"] in {d["id"] for d in staff_state["documents"]}


def test_operations_are_in_the_openapi_document(client):
    doc = client.get("/api/openapi.json").json
    ids = {
        op["operationId"]: (path, method)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
    }
    expected = {
        "uploadDocument": ("/api/agenda/{agenda_item_id}/documents", "post"),
        "uploadDocumentVersion": ("/api/documents/{document_id}/versions", "post"),
        "listDocuments": ("/api/meetings/{meeting_id}/documents", "get"),
        "getDocument": ("/api/documents/{document_id}", "get"),
        "updateDocument": ("/api/documents/{document_id}", "patch"),
        "deleteDocument": ("/api/documents/{document_id}", "delete"),
        "publishDocument": ("/api/documents/{document_id}/publish", "post"),
        "getDocumentPageImage": ("/api/documents/{document_id}/pages/{page}/image", "get"),
        "getDocumentPageText": ("/api/documents/{document_id}/pages/{page}/text", "get"),
        "downloadDocument": ("/api/documents/{document_id}/download", "get"),
        "searchDocuments": ("/api/meetings/{meeting_id}/search", "get"),
        "recordDocumentRead": ("/api/documents/{document_id}/reads", "post"),
        "listDocumentReads": ("/api/documents/{document_id}/reads", "get"),
        "setFollow": ("/api/meetings/{meeting_id}/follow", "put"),
    }
    for operation_id, where in expected.items():
        assert ids.get(operation_id) == where, operation_id
    upload_op = doc["paths"]["/api/agenda/{agenda_item_id}/documents"]["post"]
    form = upload_op["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"file", "title", "kind", "confidential", "url"} <= set(form)
    image_op = doc["paths"]["/api/documents/{document_id}/pages/{page}/image"]["get"]
    assert set(image_op["responses"]["200"]["content"]) == {"image/webp", "image/png"}


def test_deleting_a_document_while_it_is_processed(app, login, demo_meeting_id):
    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    doc = upload(secretary, item, vietnamese_pdf(4, marker="Xóa ngay"), title="Xóa ngay").json
    assert secretary.delete(f"/api/documents/{doc['id']}").status_code == 200
    settle()
    assert secretary.get(f"/api/documents/{doc['id']}").status_code == 404
    from server.documents.models import DocumentPage
    from server.extensions import db

    with app.app_context():
        left = db.session.query(DocumentPage).filter_by(document_id=doc["id"]).count()
    assert left == 0


def test_a_page_asked_for_by_many_tablets_at_once_is_rendered_once(app, login, demo_meeting_id):
    from concurrent.futures import ThreadPoolExecutor

    from server import rendering

    doc = next(
        d for d in demo_documents(login("secretary"), demo_meeting_id) if d["kind"] == "main"
    )
    tablets = [login(f"delegate{n:02d}") for n in range(1, 9)]
    path = f"/api/documents/{doc['id']}/pages/2/image?width=1536&dpr=1.5"
    with app.app_context():
        pool = rendering.pool()
    before = pool.calls.get("render", 0)
    with ThreadPoolExecutor(len(tablets)) as executor:
        answers = list(executor.map(lambda t: t.get(path, headers=WEBP), tablets))
    assert {a.status_code for a in answers} == {200}
    assert len({a.headers["ETag"] for a in answers}) == 1
    assert len({a.data for a in answers}) == 1
    assert pool.calls.get("render", 0) - before == 1


def test_photographs_come_as_webp_when_accepted_drawn_pages_as_png(login, demo_meeting_id):
    from PIL import Image

    from server.pdf.compose import long_report

    secretary = login("secretary")
    item = first_item(secretary, demo_meeting_id)
    response = upload(secretary, item, photo_pdf(), title="Ảnh hiện trường")
    doc = wait_for(secretary, response.json["id"])
    path = f"/api/documents/{doc['id']}/pages/1/image?width=960"
    webp = secretary.get(path, headers=WEBP)
    assert webp.mimetype == "image/webp"
    assert webp.data[:4] == b"RIFF"
    assert webp.data[8:12] == b"WEBP"
    png = secretary.get(path, headers=PNG_ONLY)
    assert png.mimetype == "image/png"
    assert png.data[:8] == PNG_SIGNATURE
    assert webp.headers["ETag"] != png.headers["ETag"]
    with Image.open(io.BytesIO(png.data)) as picture:
        assert picture.mode == "RGB"
        assert picture.width == 960

    # A drawn colour page (text and a red seal): a 256-colour PNG, whatever is accepted.
    response = upload(secretary, item, long_report(2, seal=True), title="Văn bản có dấu đỏ")
    doc = wait_for(secretary, response.json["id"])
    path = f"/api/documents/{doc['id']}/pages/1/image?width=960"
    for accept in (WEBP, PNG_ONLY):
        drawn = secretary.get(path, headers=accept)
        assert drawn.mimetype == "image/png"
        with Image.open(io.BytesIO(drawn.data)) as picture:
            assert picture.mode == "P"
            assert picture.width == 960
