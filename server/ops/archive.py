"""The session archive: one ZIP per session for long-term keeping, and its verification.

Layout of the ZIP (every name ASCII; every file listed in manifest.json with SHA-256 and size):

    manifest.json                    format, format_version, created_at, session, files[]
    session.json                     the council and the session as they stood when archived
    agenda.json, agenda.pdf          the agenda, numbered; the PDF is the readable programme
    documents/index.json             every published document version and where its files are
    documents/<id>-v<n>/document.pdf the sanitised PDF everyone read (no scripts, actions,
                                     attachments: what the tablets got)
    unsanitised-originals/           only with --with-originals: README.txt (a warning) and
      <id>-v<n>/original.pdf         each upload as received, never sanitised
    comments.json                    every comment (góp ý) with the secretariat's replies
    votes/motions.json               every motion; closed ones with their frozen results
    votes/motion-<id>-result.pdf     the result sheet (biên bản kiểm phiếu) of a closed vote
    attendance.json, speakers.json   attendance (with quorum) and requests to speak
    audit.json                       the session's audit entries with their hash-chain fields

Building reads the database (`collect`, within an app context); writing and verifying are
plain file work with no Flask (`write_archive`, `verify_archive`).

Only a closed session is archived: a record taken while votes may still change is not a
record. `force` archives an unfinished session for a safety copy; the manifest then says
`"complete": false` and the agenda PDF says so on its first page.

The archive is handed on and opened for years, by people who have never heard of PDF
JavaScript: so it holds what the tablets got, the sanitised documents. The originals as
uploaded may carry scripts, launch actions and embedded files (server/pdf/safety.py); they
stay in the server's storage for the staff, and go into an archive only when asked for
(`with_originals`), in a folder whose name says what they are, and the manifest says
`"unsanitised_originals": true`.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import IO, Any

FORMAT = "council-session-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: The folder of the unsanitised uploads, in an archive made with them only.
ORIGINALS = "unsanitised-originals"
ORIGINALS_README = """\
TỆP GỐC CHƯA LÀM SẠCH - UNSANITISED ORIGINALS

Thư mục này chứa các tệp PDF đúng như khi được tải lên, chưa qua bước làm sạch. Chúng có thể
chứa mã JavaScript, lệnh mở chương trình khác hoặc tệp đính kèm. Chỉ mở trong môi trường cách
ly; bản để đọc là documents/<id>-v<n>/document.pdf.

These are the PDF files exactly as uploaded, never sanitised. They may carry JavaScript,
actions that launch other programs, or embedded files. Open them only in an isolated
environment; the copy to read is documents/<id>-v<n>/document.pdf.
"""


class ArchiveError(Exception):
    """An archive cannot be made; the message says why, in plain words."""


@dataclass
class ArchiveContent:
    """What goes into one archive: file name -> bytes (or a file on disk, copied as it is
    written, so a session's documents are never all in memory), plus facts for the manifest."""

    session: dict[str, Any]
    complete: bool
    #: The unsanitised uploads are in it (under ORIGINALS), as asked for.
    with_originals: bool = False
    files: dict[str, bytes | Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: Stored files missing or damaged (also among the warnings): the archive is written,
    #: but the command fails so that nobody files it as complete unawares.
    damaged: list[str] = field(default_factory=list)

    def add_json(self, name: str, value: Any) -> None:
        self.files[name] = (
            json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
        ).encode()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_stream(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return _sha256_stream(handle)[0]


def _describe(data: bytes | Path) -> dict[str, Any]:
    if isinstance(data, Path):
        with data.open("rb") as handle:
            sha, size = _sha256_stream(handle)
        return {"sha256": sha, "size": size}
    return {"sha256": sha256_bytes(data), "size": len(data)}


# --- Writing -----------------------------------------------------------------------------


def write_archive(content: ArchiveContent, output: Path) -> dict[str, Any]:
    """Write the ZIP to `output` (atomically: a partial file is renamed at the end)."""
    names = sorted(content.files)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "complete": content.complete,
        "unsanitised_originals": content.with_originals,
        "session": content.session,
        "warnings": content.warnings,
        "files": [{"name": name, **_describe(content.files[name])} for name in names],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        for name in names:
            data = content.files[name]
            if isinstance(data, Path):
                # A stored file is content-addressed and never changes, so the hash taken
                # above is the hash of what is copied here.
                zf.write(data, arcname=name)
            else:
                zf.writestr(name, data)
    partial.replace(output)
    return manifest


# --- Verifying ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    #: "missing", "extra", "altered", "unreadable", "audit".
    kind: str
    name: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}: {self.detail}"


@dataclass(frozen=True)
class VerifyReport:
    manifest: dict[str, Any] | None
    checked: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


AuditHasher = Callable[[str, dict[str, Any]], str]


def verify_archive(path: Path, audit_hash: AuditHasher | None = None) -> VerifyReport:
    """Recompute the hash of every file against the manifest; name every file that is
    missing, extra or altered. With `audit_hash`, also recompute each audit entry's hash
    from its fields and its `prev_hash`."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return VerifyReport(None, 0, (Problem("unreadable", path.name, f"not a ZIP file ({exc})"),))
    with zf:
        try:
            manifest = json.loads(zf.read(MANIFEST))
        except KeyError:
            return VerifyReport(
                None, 0, (Problem("missing", MANIFEST, "the archive has no manifest"),)
            )
        except (ValueError, zipfile.BadZipFile) as exc:
            return VerifyReport(
                None, 0, (Problem("unreadable", MANIFEST, f"the manifest is damaged ({exc})"),)
            )
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            return VerifyReport(
                manifest,
                0,
                (
                    Problem(
                        "unreadable",
                        MANIFEST,
                        f"not a session archive of format {FORMAT} version {FORMAT_VERSION}",
                    ),
                ),
            )
        problems: list[Problem] = []
        listed = {f["name"]: f for f in manifest.get("files", [])}
        present = [info.filename for info in zf.infolist() if not info.is_dir()]
        seen: set[str] = set()
        for name in present:
            if name in seen:
                problems.append(Problem("extra", name, "stored twice in the archive"))
            seen.add(name)
        for name in sorted(seen - set(listed) - {MANIFEST}):
            problems.append(Problem("extra", name, "in the archive but not in the manifest"))
        checked = 0
        for name, entry in sorted(listed.items()):
            if name not in seen:
                problems.append(Problem("missing", name, "in the manifest but not in the archive"))
                continue
            try:
                with zf.open(name) as handle:
                    sha, size = _sha256_stream(handle)
            except (zipfile.BadZipFile, OSError) as exc:
                problems.append(Problem("altered", name, f"cannot be read back ({exc})"))
                continue
            checked += 1
            if size != entry.get("size") or sha != entry.get("sha256"):
                problems.append(
                    Problem("altered", name, "its content does not match the manifest's SHA-256")
                )
                continue
            if name == "audit.json" and audit_hash is not None:
                problems.extend(_check_audit(zf.read(name), audit_hash))
    return VerifyReport(manifest, checked, tuple(problems))


def _check_audit(data: bytes, audit_hash: AuditHasher) -> Iterable[Problem]:
    try:
        entries = json.loads(data)["entries"]
    except (ValueError, KeyError, TypeError):
        return [Problem("audit", "audit.json", "the audit entries cannot be read")]
    problems = []
    for entry in entries:
        if audit_hash(entry.get("prev_hash", ""), entry) != entry.get("hash"):
            problems.append(
                Problem(
                    "audit",
                    "audit.json",
                    f"entry {entry.get('id')} does not match its hash in the audit chain",
                )
            )
    return problems


# --- Readable agenda ---------------------------------------------------------------------


def agenda_html(
    session: dict[str, Any],
    agenda: list[dict[str, Any]],
    documents: dict[int, list[dict[str, Any]]],
    motions: dict[int, list[dict[str, Any]]],
    *,
    complete: bool,
    when: Callable[[str | None], str],
) -> str:
    """The programme as HTML for html_to_pdf: every item with its documents and votes.

    Every value from the database is escaped."""
    e = escape
    parts = [
        f'<p class="center"><b>{e(session["council"]["name"].upper())}</b>',
    ]
    if session["council"].get("term"):
        parts.append(f"<br/>{e(session['council']['term'])}")
    parts.append("</p>")
    parts.append(f"<h1>{e(session['title'])}</h1>")
    place = session.get("location") or ""
    parts.append(
        f'<p class="center">{e(place)}{" - " if place else ""}'
        f"từ {e(when(session['starts_at']))} đến {e(when(session['ends_at']))}</p>"
    )
    if not complete:
        parts.append(
            '<p class="center"><b>BẢN LƯU KHI KỲ HỌP CHƯA KẾT THÚC '
            "(chưa phải hồ sơ cuối cùng)</b></p>"
        )
    parts.append("<h2>CHƯƠNG TRÌNH KỲ HỌP</h2>")
    for item in agenda:
        indent = "&#160;" * 4 * int(item.get("depth", 0))
        heading = "h2" if item.get("has_children") else "h3"
        parts.append(f"<{heading}>{indent}{e(str(item['number']))}. {e(item['title'])}</{heading}>")
        facts = []
        if item.get("presenter"):
            facts.append(f"Trình bày: {e(item['presenter'])}")
        if item.get("planned_at"):
            facts.append(f"Dự kiến: {e(when(item['planned_at']))}")
        if facts:
            parts.append(f'<p class="muted small">{" · ".join(facts)}</p>')
        if item.get("description"):
            parts.append(f"<p>{e(item['description'])}</p>")
        docs = documents.get(item["id"], [])
        if docs:
            rows = "".join(
                f"<tr><td>{e(d['title'])}</td><td class='num'>{d['version']}</td>"
                f"<td class='num'>{d['page_count'] or ''}</td>"
                f"<td>{e(when(d['published_at']))}</td></tr>"
                for d in docs
            )
            parts.append(
                "<table><tr><th>Tài liệu</th><th class='num'>Bản</th>"
                f"<th class='num'>Số trang</th><th>Phát hành</th></tr>{rows}</table>"
            )
        for m in motions.get(item["id"], []):
            parts.append(f"<p><b>Biểu quyết:</b> {e(m['title'])} - {e(_motion_outcome(m))}</p>")
    parts.append(
        '<p class="muted small">Bản lưu trữ điện tử của kỳ họp. Mỗi tệp trong bản lưu có mã '
        "SHA-256 ghi trong manifest.json; kiểm tra bằng lệnh "
        "<i>flask session verify-archive</i>.</p>"
    )
    return "".join(parts)


def _motion_outcome(motion: dict[str, Any]) -> str:
    result = motion.get("result")
    if motion["status"] != "closed" or not result:
        states = {"draft": "chưa biểu quyết", "open": "đang biểu quyết", "cancelled": "đã hủy"}
        return states.get(str(motion["status"]), str(motion["status"]))
    if motion["kind"] == "resolution":
        verdict = "thông qua" if result.get("passed") else "không thông qua"
        return (
            f"{verdict} ({result.get('yes', 0)} tán thành, {result.get('no', 0)} không tán thành, "
            f"{result.get('abstain', 0)} không biểu quyết / {result.get('members', 0)} đại biểu)"
        )
    return "đã có kết quả (xem biên bản kiểm phiếu)"
