"""The session archive's writer and verifier, and the agenda's HTML, without an app."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from server.ops.archive import ArchiveContent, agenda_html, verify_archive, write_archive


def content() -> ArchiveContent:
    c = ArchiveContent(session={"id": 7, "title": "Kỳ họp"}, complete=True)
    c.add_json("agenda.json", {"agenda": []})
    c.files["documents/1-v1/document.pdf"] = b"%PDF-1.7 ..."
    return c


def test_round_trip(tmp_path: Path) -> None:
    output = tmp_path / "a.zip"
    manifest = write_archive(content(), output)
    assert [f["name"] for f in manifest["files"]] == ["agenda.json", "documents/1-v1/document.pdf"]
    assert not (tmp_path / "a.zip.partial").exists()
    report = verify_archive(output)
    assert report.ok
    assert report.checked == 2


def test_every_problem_is_named(tmp_path: Path) -> None:
    output = tmp_path / "a.zip"
    write_archive(content(), output)
    with (
        zipfile.ZipFile(output, "a") as zf,
        pytest.warns(UserWarning, match="Duplicate name"),
    ):
        zf.writestr("agenda.json", b"{}")  # a second copy under the same name
    with zipfile.ZipFile(output, "a") as zf:
        zf.writestr("notes.txt", b"x")
    report = verify_archive(output)
    found = {(p.kind, p.name) for p in report.problems}
    assert ("extra", "notes.txt") in found
    assert ("extra", "agenda.json") in found


def test_audit_hash_checked_when_given(tmp_path: Path) -> None:
    c = content()
    c.add_json("audit.json", {"entries": [{"id": 1, "prev_hash": "0", "hash": "good"}]})
    output = tmp_path / "a.zip"
    write_archive(c, output)
    assert verify_archive(output, audit_hash=lambda prev, e: "good").ok
    bad = verify_archive(output, audit_hash=lambda prev, e: "other")
    assert [str(p) for p in bad.problems] == [
        "audit: audit.json: entry 1 does not match its hash in the audit chain"
    ]


def test_agenda_html_escapes_user_text() -> None:
    session = {
        "title": "<img src=x>",
        "location": "Hội trường & phòng 2",
        "starts_at": "a",
        "ends_at": "b",
        "council": {"name": "Hội đồng", "term": None},
    }
    agenda = [{"id": 1, "number": "1", "depth": 0, "title": "<script>x</script>"}]
    docs = {1: [{"title": "<b>", "version": 1, "page_count": 3, "published_at": None}]}
    motions = {
        1: [
            {
                "title": "<i>",
                "status": "closed",
                "kind": "resolution",
                "result": {"passed": True, "yes": 30, "no": 1, "abstain": 0, "members": 50},
            }
        ]
    }
    html = agenda_html(session, agenda, docs, motions, complete=False, when=lambda v: v or "")
    assert "<script>" not in html
    assert "<img" not in html
    assert "<td>&lt;b&gt;</td>" in html
    assert "&lt;script&gt;" in html
    assert "&lt;i&gt; - thông qua (30 tán thành" in html
    assert "CHƯA KẾT THÚC" in html
