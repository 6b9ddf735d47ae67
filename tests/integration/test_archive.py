"""flask session archive / verify-archive: one ZIP per closed session, checked file by file."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pymupdf
import pytest

from server.documents import processing
from server.ops.archive import MANIFEST, ORIGINALS, sha256_bytes
from server.pdf import safety
from server.pdf.compose import extract_text
from tests.integration.documents_helpers import item_ids, upload, vietnamese_pdf, wait_for
from tests.integration.test_voting import Hall
from tests.unit.test_pdf_corpus import CORPUS


@pytest.fixture(autouse=True)
def _settle(app):
    yield
    assert processing.wait_idle(120)


@pytest.fixture
def hall(app, login, demo_meeting_id) -> Hall:
    return Hall(app, login, demo_meeting_id)


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["session", *args])


def rewrite(source: Path, target: Path, change) -> None:
    """Copy a ZIP member by member; `change(name, data)` returns new bytes or None to drop."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info.filename, data)


def held_session(hall: Hall, tmp_path: Path) -> tuple[int, str]:
    """The demo session with a closed vote and a comment, then closed by the secretariat."""
    hall.check_in(range(1, 41))
    motion = hall.opened(title="Thông qua Nghị quyết <b>dự toán</b> & phân bổ")
    for n in range(1, 31):
        assert hall.vote(n, motion["id"], choice="yes" if n <= 27 else "no").status_code == 200
    assert hall.close(motion["id"]).status_code == 200
    docs = hall.secretary.get(f"/api/meetings/{hall.meeting_id}/documents").json["documents"]
    doc = next(d for d in docs if d["kind"] == "main")
    comment = hall.delegate(3).post(
        f"/api/documents/{doc['id']}/comments",
        json={"text": "Đề nghị bổ sung số liệu <script>", "page": 1, "visibility": "secretariat"},
    )
    assert comment.status_code == 201, comment.json
    return motion["id"], doc["title"]


def test_archive_of_a_closed_session_verifies(app, hall, tmp_path):
    motion_id, doc_title = held_session(hall, tmp_path)
    output = tmp_path / "session.zip"

    refused = run(app, "archive", str(hall.meeting_id), "--output", str(output))
    assert refused.exit_code != 0
    assert "not closed" in refused.output
    assert not output.exists()

    closed = hall.secretary.patch(f"/api/meetings/{hall.meeting_id}", json={"status": "closed"})
    assert closed.status_code == 200, closed.json
    made = run(app, "archive", str(hall.meeting_id), "--output", str(output))
    assert made.exit_code == 0, made.output
    assert "SHA-256 of the archive" in made.output

    with zipfile.ZipFile(output) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read(MANIFEST))
        listed = {f["name"]: f for f in manifest["files"]}
        assert set(listed) == names - {MANIFEST}
        for name, entry in listed.items():
            data = zf.read(name)
            assert (len(data), sha256_bytes(data)) == (entry["size"], entry["sha256"])
        assert manifest["format_version"] == 1
        assert manifest["complete"] is True
        assert manifest["session"]["status"] == "closed"

        index = json.loads(zf.read("documents/index.json"))["documents"]
        entry = next(d for d in index if d["title"] == doc_title)
        assert zf.read(entry["document"]).startswith(b"%PDF")
        assert sha256_bytes(zf.read(entry["document"])) == entry["pdf_sha256"]
        # The uploads as received stay on the server unless asked for (--with-originals).
        assert entry["original"] is None
        assert len(entry["original_sha256"]) == 64
        assert manifest["unsanitised_originals"] is False

        motions = json.loads(zf.read("votes/motions.json"))["motions"]
        voted = next(m for m in motions if m["id"] == motion_id)
        assert (voted["result"]["yes"], voted["result"]["no"]) == (27, 3)
        assert len(voted["result"]["named"]) == 30
        sheet = " ".join(extract_text(zf.read(voted["result_sheet"])).split())
        assert "BIÊN BẢN KIỂM PHIẾU" in sheet

        comments = json.loads(zf.read("comments.json"))["comments"]
        assert [c["text"] for c in comments] == ["Đề nghị bổ sung số liệu <script>"]
        attendance = json.loads(zf.read("attendance.json"))
        assert attendance["present"] == 40

        audit = json.loads(zf.read("audit.json"))["entries"]
        actions = [a["action"] for a in audit]
        assert "vote.closed" in actions
        assert all(len(a["hash"]) == 64 and len(a["prev_hash"]) == 64 for a in audit)

        agenda_text = " ".join(extract_text(zf.read("agenda.pdf")).split())
        assert "CHƯƠNG TRÌNH KỲ HỌP" in agenda_text
        assert "Thông qua Nghị quyết <b>dự toán</b> & phân bổ - thông qua" in agenda_text
        assert "CHƯA KẾT THÚC" not in agenda_text

    checked = run(app, "verify-archive", str(output))
    assert checked.exit_code == 0, checked.output
    assert f"Archive intact: {len(listed)} files" in checked.output

    # Tampered: one file changed, one removed, one added.
    altered = tmp_path / "altered.zip"
    rewrite(
        output,
        altered,
        lambda n, d: d.replace(b'"yes": 27', b'"yes": 47') if n == "votes/motions.json" else d,
    )
    result = run(app, "verify-archive", str(altered))
    assert result.exit_code != 0
    assert "ALTERED  votes/motions.json" in result.output
    assert "failed verification" in result.output

    removed = tmp_path / "removed.zip"
    rewrite(output, removed, lambda n, d: None if n == "comments.json" else d)
    result = run(app, "verify-archive", str(removed))
    assert result.exit_code != 0
    assert "MISSING  comments.json" in result.output

    added = tmp_path / "added.zip"
    rewrite(output, added, lambda n, d: d)
    with zipfile.ZipFile(added, "a") as zf:
        zf.writestr("votes/extra-ballots.json", b"[]")
    result = run(app, "verify-archive", str(added))
    assert result.exit_code != 0
    assert "EXTRA  votes/extra-ballots.json" in result.output

    # A forger who also rewrites the manifest is caught by the audit chain's hashes.
    with zipfile.ZipFile(output) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    entries = json.loads(files["audit.json"])
    closed_entry = next(a for a in entries["entries"] if a["action"] == "vote.closed")
    closed_entry["data"]["forged"] = True
    files["audit.json"] = json.dumps(entries).encode()
    manifest = json.loads(files[MANIFEST])
    for f in manifest["files"]:
        f["sha256"], f["size"] = sha256_bytes(files[f["name"]]), len(files[f["name"]])
    files[MANIFEST] = json.dumps(manifest).encode()
    forged = tmp_path / "forged.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    forged.write_bytes(buffer.getvalue())
    result = run(app, "verify-archive", str(forged))
    assert result.exit_code != 0
    assert f"entry {closed_entry['id']} does not match its hash" in result.output


def test_unfinished_session_only_with_force(app, hall, tmp_path):
    output = tmp_path / "draft.zip"
    made = run(app, "archive", str(hall.meeting_id), "--force", "--output", str(output))
    assert made.exit_code == 0, made.output
    assert "not the final record" in made.output
    with zipfile.ZipFile(output) as zf:
        assert json.loads(zf.read(MANIFEST))["complete"] is False
        assert "CHƯA KẾT THÚC" in extract_text(zf.read("agenda.pdf"))
    checked = run(app, "verify-archive", str(output))
    assert checked.exit_code == 0
    assert "marked incomplete" in checked.output


def test_a_missing_stored_file_fails_the_command(app, hall, tmp_path):
    docs = hall.secretary.get(f"/api/meetings/{hall.meeting_id}/documents").json["documents"]
    doc = next(d for d in docs if d["kind"] == "main")
    with app.app_context():
        from server import storage
        from server.documents.models import Document
        from server.extensions import db

        row = db.session.get(Document, doc["id"])
        storage.pdf_path(row.pdf_sha256).unlink()
        storage.original_path(row.original_sha256).unlink()
    output = tmp_path / "partial.zip"
    made = run(app, "archive", str(hall.meeting_id), "--force", "--output", str(output))
    assert made.exit_code != 0
    assert "document.pdf: the stored file" in made.output
    assert "original.pdf" not in made.output  # not asked for: not missed
    assert "not a complete record" in made.output
    with zipfile.ZipFile(output) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    assert any("is missing" in w for w in manifest["warnings"])
    asked = run(
        app, "archive", str(hall.meeting_id), "--force", "--with-originals", "--output", str(output)
    )
    assert asked.exit_code != 0
    assert "original.pdf: the stored file" in asked.output


#: What must never reach the archive's readers (server/pdf/safety.py knows more names).
ACTIVE = {"JS", "JavaScript", "Launch", "EmbeddedFile", "EmbeddedFiles"}


def hostile_pdf() -> bytes:
    """A Vietnamese submission carrying JavaScript run on opening, a link that launches a
    program and an embedded executable."""
    doc = pymupdf.open("pdf", vietnamese_pdf(2, marker="Tờ trình kèm mã lệnh"))
    doc.embfile_add("payload.exe", b"MZ" + bytes(64), filename="payload.exe")
    doc[0].insert_link(
        {"kind": pymupdf.LINK_LAUNCH, "from": pymupdf.Rect(50, 50, 200, 80), "file": "cmd.exe"}
    )
    script = doc.get_new_xref()
    doc.update_object(script, "<< /S /JavaScript /JS (app.alert\\('mở'\\);) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{script} 0 R")
    data: bytes = doc.tobytes()
    doc.close()
    return data


def active_content(pdf: bytes) -> set[str]:
    """The active names found object by object in a PDF, and "attachment" for embedded files."""
    with pymupdf.open("pdf", pdf) as doc:
        found = set().union(*safety.scan(doc).values()) & ACTIVE
        return found | ({"attachment"} if doc.embfile_count() else set())


def test_the_archive_holds_the_sanitised_documents(app, login, demo_meeting_id, tmp_path):
    """What the tablets got goes into the archive; the uploads as received, with their
    scripts and attachments, only behind --with-originals, in a folder named for them."""
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    uploads = {
        "to-trinh-ma-lenh.pdf": hostile_pdf(),
        "160F-2019.pdf": (CORPUS / "160F-2019.pdf").read_bytes(),  # JavaScript
        "attachment.pdf": (CORPUS / "attachment.pdf").read_bytes(),  # an embedded file
    }
    for data in uploads.values():
        assert active_content(data)
    series: dict[int, str] = {}
    for name, data in uploads.items():
        response = upload(secretary, item, data, filename=name, title=f"Tệp thử {name}")
        assert response.status_code == 202, response.json
        wait_for(secretary, response.json["id"])
        assert secretary.post(f"/api/documents/{response.json['id']}/publish").status_code == 200
        series[response.json["id"]] = name
    closed = secretary.patch(f"/api/meetings/{demo_meeting_id}", json={"status": "closed"})
    assert closed.status_code == 200, closed.json

    output = tmp_path / "session.zip"
    made = run(app, "archive", str(demo_meeting_id), "--output", str(output))
    assert made.exit_code == 0, made.output
    assert "UNSANITISED" not in made.output
    with zipfile.ZipFile(output) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read(MANIFEST))
        assert manifest["unsanitised_originals"] is False
        assert not [n for n in names if "original" in n]
        index = {d["id"]: d for d in json.loads(zf.read("documents/index.json"))["documents"]}
        for doc_id in series:
            assert index[doc_id]["original"] is None
            assert index[doc_id]["document"] in names
        for name in names:
            data = zf.read(name)
            for token in (b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile"):
                assert token not in data, (name, token)
            if name.endswith(".pdf"):
                assert active_content(data) == set(), name
    assert run(app, "verify-archive", str(output)).exit_code == 0

    with_originals = tmp_path / "staff.zip"
    made = run(
        app, "archive", str(demo_meeting_id), "--with-originals", "--output", str(with_originals)
    )
    assert made.exit_code == 0, made.output
    assert "UNSANITISED" in made.output
    with zipfile.ZipFile(with_originals) as zf:
        names = zf.namelist()
        assert json.loads(zf.read(MANIFEST))["unsanitised_originals"] is True
        assert "TỆP GỐC CHƯA LÀM SẠCH" in zf.read(f"{ORIGINALS}/README.txt").decode()
        index = {d["id"]: d for d in json.loads(zf.read("documents/index.json"))["documents"]}
        for doc_id, name in series.items():
            entry = index[doc_id]
            assert entry["original"] == f"{ORIGINALS}/{entry['series_id']}-v1/original.pdf"
            assert zf.read(entry["original"]) == uploads[name]
            assert sha256_bytes(uploads[name]) == entry["original_sha256"]
            assert active_content(zf.read(entry["document"])) == set()
        # Every original, and nothing else, is in the folder named for them.
        assert all(n.startswith(f"{ORIGINALS}/") for n in names if n.endswith("original.pdf"))
    assert run(app, "verify-archive", str(with_originals)).exit_code == 0


def test_bad_input_is_refused_in_plain_words(app, tmp_path):
    assert "no session with id 999" in run(app, "archive", "999").output
    assert "no active account" in run(app, "archive", "1", "--as", "nobody").output
    delegate = run(app, "archive", "1", "--force", "--as", "delegate01")
    assert delegate.exit_code != 0
    assert "not on the secretariat" in delegate.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = run(app, "verify-archive", str(junk))
    assert result.exit_code != 0
    assert "not a ZIP file" in result.output
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("agenda.json", b"{}")
    result = run(app, "verify-archive", str(empty))
    assert result.exit_code != 0
    assert "MISSING  manifest.json" in result.output
