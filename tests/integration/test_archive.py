"""flask session archive / verify-archive: one ZIP per closed session, checked file by file."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from server.ops.archive import MANIFEST, sha256_bytes
from server.pdf.compose import extract_text
from tests.integration.test_voting import Hall


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
        assert sha256_bytes(zf.read(entry["original"])) == entry["original_sha256"]

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

        sha = db.session.get(Document, doc["id"]).original_sha256
        storage.original_path(sha).unlink()
    output = tmp_path / "partial.zip"
    made = run(app, "archive", str(hall.meeting_id), "--force", "--output", str(output))
    assert made.exit_code != 0
    assert "original.pdf: the stored file" in made.output
    assert "not a complete record" in made.output
    with zipfile.ZipFile(output) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    assert any("is missing" in w for w in manifest["warnings"])


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
