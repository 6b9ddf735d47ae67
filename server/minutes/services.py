"""The session's minutes data (dữ liệu biên bản): everything the record of a session needs,
read from the database, as JSON and as a Vietnamese A4 PDF (server.pdf.minutes lays it out).

Vote results are the frozen results written when each vote closed (server.voting), never
counted again here; per-name choices appear for open votes only, never for secret ones.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from server.accounts import services as accounts
from server.accounts.models import User
from server.api import MAX_ID, jsonable
from server.audit import service as audit
from server.councils import services as councils
from server.db import utcnow
from server.documents import services as documents
from server.errors import NotFound
from server.meetings import access
from server.meetings import services as meetings
from server.minutes import format as fmt
from server.pdf.minutes import Block, Heading, MinutesPdf, Para, Table, minutes_pdf_args
from server.rendering import compose_pdf
from server.voting import services as voting

if TYPE_CHECKING:
    from server.meetings.models import Meeting
    from server.voting.models import Motion


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def meeting_for_minutes(actor: User, meeting_id: int) -> Meeting:
    """The meeting if `actor` runs it (secretary, chair, admin); 404 / 403 otherwise."""
    if not 0 < meeting_id <= MAX_ID:
        raise NotFound("meeting_not_found")
    meeting = access.get_meeting_for(actor, meeting_id)
    access.require_chair_or_secretariat(actor, meeting)
    return meeting


# --- Gathering ---------------------------------------------------------------------------


def _attendance(meeting: Meeting) -> dict[str, Any]:
    rows = meetings.attendance_rows(meeting.id)
    data = jsonable(meetings.attendance(meeting))
    recorders = accounts.full_names(
        {r.recorded_by_id for r in rows.values() if r.recorded_by_id is not None}
    )
    entries = []
    for entry in data["entries"]:
        row = rows.get(entry["user_id"])
        by_secretariat = row is not None and row.method == "secretariat"
        entries.append(
            {
                "user_id": entry["user_id"],
                "full_name": entry["full_name"],
                "seat": entry["seat"],
                "group_name": entry["group_name"],
                "state": entry["state"],
                "state_text": fmt.attendance_text(entry["state"], entry["reason"]),
                "reason": entry["reason"],
                "method": entry["method"],
                "checked_in_at": entry["checked_in_at"],
                "recorded_by_secretariat": by_secretariat,
                "recorded_by": (
                    recorders.get(row.recorded_by_id)
                    if by_secretariat and row is not None and row.recorded_by_id is not None
                    else None
                ),
            }
        )
    return {
        "members": data["members"],
        "present": data["present"],
        "counts": data["counts"],
        "quorum": data["quorum"],
        "entries": entries,
    }


def _current_times(meeting_id: int) -> dict[int, list[str]]:
    """When each item became current, from the audit log (agenda.current entries)."""
    times: dict[int, list[str]] = defaultdict(list)
    for entry in audit.entries_for_meeting(meeting_id, action="agenda.current"):
        subject = entry.subject
        if subject and subject.startswith("agenda_item:"):
            try:
                item_id = int(subject.removeprefix("agenda_item:"))
            except ValueError:
                continue
            times[item_id].append(entry.created_at.isoformat())
    return times


def _speakers(meeting_id: int) -> dict[int, list[dict[str, Any]]]:
    """Who took the floor on each item (withdrawn and waiting requests are not a record)."""
    rows = meetings.speeches(meeting_id)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row, name in rows:
        seconds = row.spoken_seconds
        if seconds is None and row.ended_at is not None:
            seconds = fmt.seconds_between(row.started_at, row.ended_at)
        out[row.agenda_item_id].append(
            {
                "full_name": str(name),
                "kind": row.kind,
                "addressee": row.addressee,
                "status": row.status,
                "started_at": _iso(row.started_at),
                "ended_at": _iso(row.ended_at),
                "spoken_seconds": seconds,
            }
        )
    return out


def _documents(meeting_id: int) -> dict[int | None, list[dict[str, Any]]]:
    """Published documents (every published version), by agenda item."""
    rows = documents.published_versions(meeting_id)
    out: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for doc in rows:
        out[doc.agenda_item_id].append(
            {
                "id": doc.id,
                "title": doc.title,
                "kind": doc.kind,
                "version": doc.version,
                "page_count": doc.page_count,
                "confidential": doc.confidential,
                "published_at": _iso(doc.published_at),
            }
        )
    return out


def _motion(motion: Motion, labels: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": motion.id,
        "title": motion.title,
        "kind": motion.kind,
        "kind_text": fmt.KIND_TEXT.get(motion.kind, motion.kind),
        "rule": motion.rule,
        "rule_text": fmt.RULE_TEXT.get(motion.rule, motion.rule),
        "secret": motion.secret,
        "method_text": "Bỏ phiếu kín" if motion.secret else "Biểu quyết công khai",
        "status": motion.status,
        "opened_at": _iso(motion.opened_at),
        "closed_at": _iso(motion.closed_at),
        "quorum_overridden": motion.quorum_overridden,
        "result": None,
    }
    if motion.status != "closed" or motion.result is None:
        return data
    # The frozen result, as counted by server.voting.rules when the vote closed.
    result = jsonable(voting.result_out(motion, named=True))
    pct = result["percentages"]
    counts = [
        {"key": "yes", "label": labels.yes, "count": result["yes"], "percentage": pct["yes"]},
        {"key": "no", "label": labels.no, "count": result["no"], "percentage": pct["no"]},
        {
            "key": "abstain",
            "label": labels.abstain,
            "count": result["abstain"],
            "percentage": pct["abstain"],
        },
        {
            "key": "not_voted",
            "label": "Không tham gia biểu quyết",
            "count": result["not_voted"],
            "percentage": pct["not_voted"],
        },
    ]
    if motion.kind != "resolution":
        counts = [counts[-1]]
    options: list[dict[str, Any]] = []
    notes: list[str] = []
    for option in result.get("options") or []:
        if motion.kind == "confidence":
            options.append(
                {
                    "label": option["label"],
                    "high": option["high"],
                    "medium": option["medium"],
                    "low": option["low"],
                    "percentages": option["percentages"],
                    "low_over_half": option["low_over_half"],
                    "low_two_thirds": option["low_two_thirds"],
                }
            )
            note = fmt.confidence_note(
                option["label"], option["low_over_half"], option["low_two_thirds"]
            )
            if note:
                notes.append(note)
        else:
            options.append(
                {
                    "label": option["label"],
                    "votes": option["votes"],
                    "percentage": option["percentage"],
                    "elected": option["elected"],
                    "tied": option["tied"],
                    "verdict_text": fmt.candidate_text(option["elected"], option["tied"]),
                }
            )
    if result.get("quorum_overridden"):
        notes.append(
            "Chủ tọa cho mở biểu quyết khi chưa đủ số đại biểu có mặt theo quy định "
            "(đã ghi vào nhật ký)."
        )
    elected = sum(1 for o in options if o.get("elected"))
    choice_text = {"yes": labels.yes, "no": labels.no, "abstain": labels.abstain}
    named = None
    if not motion.secret and result.get("named") is not None:
        named = [
            {
                "full_name": n["full_name"],
                "choice": n.get("choice"),
                "choice_text": choice_text.get(n.get("choice") or "", ""),
            }
            for n in result["named"]
        ]
    data["result"] = {
        "members": result["members"],
        "present": result["present"],
        "cast": result["cast"],
        "cast_percentage": pct["cast"],
        "threshold": result["threshold"],
        "passed": result["passed"],
        "outcome_text": fmt.outcome_text(
            motion.kind, result["passed"], elected, int(result.get("seats") or 0)
        ),
        "counts": counts,
        "options": options,
        "notes": notes,
        "named": named,
        "ballots_digest": motion.ballots_digest,
        "audit_hash": motion.audit_hash,
    }
    return data


def _audit_head() -> dict[str, Any]:
    entries, head_hash = audit.head()
    return {"head_hash": head_hash, "entries": entries}


def minutes_data(actor: User, meeting_id: int) -> dict[str, Any]:
    """The Minutes JSON of a session (see docs/protocol.md, Minutes)."""
    meeting = meeting_for_minutes(actor, meeting_id)
    council = meeting.council
    labels = councils.settings_of(council).ballot_labels
    current = _current_times(meeting.id)
    speakers = _speakers(meeting.id)
    published = _documents(meeting.id)
    motions: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for motion in voting.opened_motions(meeting.id):
        motions[motion.agenda_item_id].append(_motion(motion, labels))
    agenda = [
        {
            "id": item["id"],
            "parent_id": item["parent_id"],
            "number": item["number"],
            "depth": item["depth"],
            "title": item["title"],
            "kind": item["kind"],
            "presenter": item["presenter"],
            "status": item["status"],
            "has_children": item["has_children"],
            "became_current_at": current.get(item["id"], []),
            "speakers": speakers.get(item["id"], []),
            "documents": published.get(item["id"], []),
            "motions": motions.get(item["id"], []),
        }
        for item in jsonable(meetings.agenda(meeting))
    ]
    return {
        "council": {"id": council.id, "name": council.name, "term": council.term},
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "location": meeting.location,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "status": meeting.status,
            "chairs": councils.chairs(council.id),
        },
        "ballot_labels": {"yes": labels.yes, "no": labels.no, "abstain": labels.abstain},
        "attendance": _attendance(meeting),
        "agenda": agenda,
        "unassigned": {"documents": published.get(None, []), "motions": motions.get(None, [])},
        "audit": _audit_head(),
        "exported_at": utcnow().isoformat(),
        "exported_by": actor.full_name,
    }


# --- The PDF -----------------------------------------------------------------------------


def _speaker_rows(speakers: list[dict[str, Any]]) -> tuple[tuple[str, ...], ...]:
    rows = []
    for number, s in enumerate(speakers, start=1):
        kind = fmt.SPEAKER_KIND_TEXT.get(s["kind"], s["kind"])
        if s["kind"] == "question" and s["addressee"]:
            kind = f"{kind} ({s['addressee']})"
        duration = (
            fmt.vn_duration(s["spoken_seconds"]) if s["status"] == "done" else "Đang phát biểu"
        )
        rows.append(
            (
                str(number),
                s["full_name"],
                kind,
                fmt.vn_short(_when(s["started_at"])),
                duration,
            )
        )
    return tuple(rows)


def _motion_blocks(motion: dict[str, Any], number: str) -> list[Block]:
    blocks: list[Block] = [
        Heading(f"{number} {motion['title']}", 4),
        Para(f"{motion['kind_text']}, {motion['method_text'].lower()}.", "Hình thức:"),
    ]
    if motion["kind"] != "confidence":
        # A confidence rating has its own thresholds (the notes say what follows from them).
        blocks.append(Para(f"{motion['rule_text']}.", "Nguyên tắc thông qua:"))
    times = f"mở lúc {fmt.vn_datetime_seconds(_when(motion['opened_at']))}"
    if motion["closed_at"]:
        times += f"; kết thúc lúc {fmt.vn_datetime_seconds(_when(motion['closed_at']))}"
    blocks.append(Para(times, "Thời gian:"))
    result = motion["result"]
    if result is None:
        blocks.append(
            Para(fmt.MOTION_STATUS_TEXT.get(motion["status"], motion["status"]), "", "note")
        )
        return blocks
    rows: list[tuple[str, ...]] = [
        ("Tổng số đại biểu Hội đồng nhân dân", str(result["members"]), ""),
        ("Số đại biểu có mặt", str(result["present"]), ""),
        (
            "Số đại biểu tham gia biểu quyết",
            str(result["cast"]),
            fmt.vn_percent(result["cast_percentage"]),
        ),
    ]
    rows += [
        (c["label"], str(c["count"]), fmt.vn_percent(c["percentage"])) for c in result["counts"]
    ]
    blocks.append(
        Table(
            ("Nội dung", "Số đại biểu", "Tỷ lệ so với tổng số đại biểu"),
            tuple(rows),
            (1, 2),
            (52, 18, 30),
        )
    )
    if motion["kind"] == "confidence":
        blocks.append(
            Table(
                ("Người được lấy phiếu", *fmt.RATING_TEXT.values()),
                tuple(
                    (
                        o["label"],
                        *(
                            f"{o[r]} ({fmt.vn_percent(o['percentages'][r])})"
                            for r in ("high", "medium", "low")
                        ),
                    )
                    for o in result["options"]
                ),
                (1, 2, 3),
                (40, 20, 20, 20),
            )
        )
    elif motion["kind"] == "election":
        blocks.append(
            Table(
                ("Người ứng cử", "Số phiếu bầu", "Tỷ lệ", "Kết quả"),
                tuple(
                    (
                        o["label"],
                        str(o["votes"]),
                        fmt.vn_percent(o["percentage"]),
                        o["verdict_text"],
                    )
                    for o in result["options"]
                ),
                (1, 2),
                (46, 16, 16, 22),
            )
        )
    outcome = (
        f"{result['outcome_text']}."
        if motion["kind"] == "confidence"
        else f"Kết quả: {result['outcome_text']}."
    )
    if motion["kind"] == "resolution" and result["threshold"] is not None:
        outcome += f" (Cần ít nhất {result['threshold']} phiếu tán thành.)"
    elif motion["kind"] == "election" and result["threshold"] is not None:
        outcome += f" (Người trúng cử cần ít nhất {result['threshold']} phiếu bầu.)"
    blocks.append(Para(outcome, "", "outcome"))
    blocks += [Para(note, "", "note") for note in result["notes"]]
    if result["named"]:
        blocks.append(
            Table(
                ("STT", "Họ và tên", "Biểu quyết"),
                tuple(
                    (str(i), n["full_name"], n["choice_text"])
                    for i, n in enumerate(result["named"], start=1)
                ),
                (0,),
                (8, 60, 32),
            )
        )
    elif motion["secret"]:
        blocks.append(
            Para(
                "Bỏ phiếu kín: chỉ ghi số phiếu, không ghi tên người bỏ phiếu và lựa chọn "
                "của từng người.",
                "",
                "note",
            )
        )
    if result["audit_hash"]:
        blocks.append(Para(result["audit_hash"], "Mã kiểm chứng trong nhật ký quyết định:", "note"))
    return blocks


def _document_rows(documents: list[dict[str, Any]]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            d["title"],
            fmt.DOCUMENT_KIND_TEXT.get(d["kind"], d["kind"])
            + (", mật" if d["confidential"] else ""),
            str(d["version"]),
            fmt.vn_date(_when(d["published_at"])),
        )
        for d in documents
    )


def minutes_document(data: dict[str, Any]) -> Any:
    """The minutes data in words, laid out as blocks for server.pdf.minutes."""
    meeting = data["meeting"]
    attendance = data["attendance"]
    starts = datetime.fromisoformat(meeting["starts_at"])
    ends = datetime.fromisoformat(meeting["ends_at"])
    blocks: list[Block] = [Heading("I. Thông tin chung")]
    blocks.append(Para(meeting["title"], "Kỳ họp:"))
    if meeting["location"]:
        blocks.append(Para(meeting["location"], "Địa điểm:"))
    blocks.append(Para(fmt.vn_period(starts, ends), "Thời gian:"))
    blocks.append(Para(", ".join(meeting["chairs"]) or "Chưa ghi nhận", "Chủ tọa:"))

    quorum = attendance["quorum"]
    counts = attendance["counts"]
    blocks.append(Heading("II. Đại biểu tham dự"))
    blocks.append(
        Table(
            ("Nội dung", "Số đại biểu"),
            (
                ("Tổng số đại biểu Hội đồng nhân dân", str(attendance["members"])),
                ("Có mặt tại hội trường", str(counts["present"])),
                ("Tham dự trực tuyến", str(counts["online"])),
                ("Vắng mặt có lý do", str(counts["excused"])),
                ("Vắng mặt", str(counts["absent"])),
                ("Chưa điểm danh", str(counts["not_checked_in"])),
                ("Số đại biểu có mặt (tính vào số đại biểu tham dự)", str(attendance["present"])),
                (
                    "Số đại biểu cần có mặt để đủ điều kiện tiến hành kỳ họp",
                    str(quorum["required"]),
                ),
            ),
            (1,),
            (75, 25),
        )
    )
    blocks.append(
        Para(
            "Đủ số đại biểu để tiến hành kỳ họp."
            if quorum["reached"]
            else "Chưa đủ số đại biểu để tiến hành kỳ họp.",
            "",
            "outcome",
        )
    )
    rows = []
    recorders: dict[str, int] = {}
    for number, entry in enumerate(attendance["entries"], start=1):
        if entry["recorded_by_secretariat"]:
            name = entry["recorded_by"] or "Văn phòng"
            recorders[name] = recorders.get(name, 0) + 1
        rows.append(
            (
                str(number),
                entry["full_name"],
                entry["state_text"],
                fmt.vn_short(_when(entry["checked_in_at"])),
                fmt.METHOD_TEXT.get(entry["method"] or "", ""),
            )
        )
    blocks.append(Heading("Danh sách điểm danh", 3))
    if recorders:
        blocks.append(
            Para(
                "; ".join(f"{name}: {count} đại biểu" for name, count in recorders.items()) + ".",
                "Văn phòng ghi nhận điểm danh hộ:",
            )
        )
    blocks.append(
        Table(
            ("STT", "Họ và tên", "Tình trạng", "Điểm danh lúc", "Cách ghi nhận"),
            tuple(rows),
            (),
            (6, 31, 24, 19, 20),
            (3,),
        )
    )

    blocks.append(Heading("III. Diễn biến theo chương trình"))
    if not data["agenda"]:
        blocks.append(Para("Chương trình chưa có nội dung.", "", "empty"))
    for item in data["agenda"]:
        blocks.append(Heading(f"{item['number']}. {item['title']}", 3))
        if item["presenter"]:
            blocks.append(Para(item["presenter"], "Trình bày:"))
        became = [fmt.vn_datetime(_when(t)) for t in item["became_current_at"]]
        if became:
            blocks.append(Para("; ".join(became), "Bắt đầu:"))
        elif not item["has_children"]:
            blocks.append(Para("Chưa được đưa ra hội trường.", "Bắt đầu:"))
        if item["documents"]:
            blocks.append(Para("", "Tài liệu đã phát hành:"))
            blocks.append(
                Table(
                    ("Tên tài liệu", "Loại", "Bản", "Ngày phát hành"),
                    _document_rows(item["documents"]),
                    (2,),
                    (52, 20, 8, 20),
                    (3,),
                )
            )
        if item["speakers"]:
            blocks.append(Para("", "Đại biểu phát biểu:"))
            blocks.append(
                Table(
                    ("STT", "Họ và tên", "Hình thức", "Bắt đầu", "Thời lượng"),
                    _speaker_rows(item["speakers"]),
                    (0,),
                    (7, 33, 20, 22, 18),
                    (3, 4),
                )
            )
        for index, motion in enumerate(item["motions"], start=1):
            blocks += _motion_blocks(motion, f"Biểu quyết {item['number']}.{index}:")

    unassigned = data["unassigned"]
    if unassigned["documents"] or unassigned["motions"]:
        blocks.append(Heading("Ngoài các nội dung của chương trình", 3))
        if unassigned["documents"]:
            blocks.append(
                Table(
                    ("Tên tài liệu", "Loại", "Bản", "Ngày phát hành"),
                    _document_rows(unassigned["documents"]),
                    (2,),
                    (52, 20, 8, 20),
                    (3,),
                )
            )
        for index, motion in enumerate(unassigned["motions"], start=1):
            blocks += _motion_blocks(motion, f"Biểu quyết khác {index}:")

    audit = data["audit"]
    colophon = (
        f"Xuất lúc {fmt.vn_datetime_seconds(_when(data['exported_at']))}"
        f" bởi {data['exported_by']}.",
        f"Nhật ký quyết định: {audit['entries']} mục; mã kiểm tra cuối chuỗi (SHA-256): "
        f"{audit['head_hash']}",
    )
    blocks.append(Heading("IV. Xác thực"))
    blocks.append(
        Para(
            "Dữ liệu trên được lấy từ hệ thống phòng họp không giấy. Mã kiểm tra dưới đây "
            "cho phép đối chiếu với nhật ký quyết định của hệ thống tại thời điểm xuất.",
            "",
        )
    )
    return MinutesPdf(
        council=data["council"]["name"],
        term=data["council"]["term"],
        meeting=meeting["title"],
        blocks=tuple(blocks),
        colophon=colophon,
    )


def minutes_pdf(data: dict[str, Any]) -> tuple[bytes, str]:
    """(PDF, file name) of gathered minutes data, laid out off the event loop (call it
    outside any transaction: it needs no database)."""
    args = minutes_pdf_args(minutes_document(data))
    pdf = compose_pdf(args, failed="minutes_export_failed")
    return pdf, fmt.filename(int(data["meeting"]["id"]), "pdf")
