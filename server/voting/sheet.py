"""Gathering what the result sheet says (server.pdf.result_sheet lays it out)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from server import storage
from server.accounts.models import User
from server.api import jsonable
from server.councils import services as councils
from server.db import utcnow
from server.errors import Conflict
from server.meetings import services as meetings
from server.pdf.result_sheet import (
    CountRow,
    NamedRow,
    OptionRow,
    ResultSheet,
    result_sheet_pdf_args,
    vn_percent,
)
from server.rendering import compose_pdf
from server.voting import services

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

RULE_TEXT = {
    "majority_of_members": "Quá nửa tổng số đại biểu Hội đồng nhân dân tán thành",
    "two_thirds_of_members": "Ít nhất hai phần ba tổng số đại biểu Hội đồng nhân dân tán thành",
    "majority_of_present": "Quá nửa số đại biểu có mặt tán thành",
}
RATING_TEXT = {"high": "Tín nhiệm cao", "medium": "Tín nhiệm", "low": "Tín nhiệm thấp"}


def vn_time(value: datetime | str | None) -> str:
    """e.g. "08:15:03 ngày 30/11/2026" in Vietnam time."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(VIETNAM)
    return local.strftime("%H:%M:%S ngày %d/%m/%Y")


def build_sheet(actor: User, motion_id: int) -> ResultSheet:
    # Imported here: PyMuPDF loads only in processes that lay out a sheet.
    motion, meeting = services.get_motion(actor, motion_id)
    if motion.status != "closed" or motion.result is None:
        raise Conflict("result_not_ready")
    result = jsonable(services.result_out(motion, named=True))
    council = meeting.council
    labels = councils.settings_of(council).ballot_labels
    item_text = None
    if motion.agenda_item_id is not None:
        item = next((i for i in meetings.agenda(meeting) if i.id == motion.agenda_item_id), None)
        if item is not None:
            item_text = f"{item.number}. {item.title}" if item.number else item.title
    members = result["members"]
    pct = result["percentages"]
    counts: list[CountRow] = [
        CountRow("Số đại biểu tham gia biểu quyết", result["cast"], pct["cast"]),
    ]
    notes: list[str] = []
    option_header: tuple[str, ...] = ()
    option_rows: list[OptionRow] = []
    threshold = None
    if motion.kind == "resolution":
        counts += [
            CountRow(labels.yes, result["yes"], pct["yes"]),
            CountRow(labels.no, result["no"], pct["no"]),
            CountRow(labels.abstain, result["abstain"], pct["abstain"]),
        ]
        outcome = "KẾT QUẢ: THÔNG QUA" if result["passed"] else "KẾT QUẢ: KHÔNG THÔNG QUA"
        threshold = f"Cần ít nhất {result['threshold']} phiếu {labels.yes.lower()} để thông qua."
    elif motion.kind == "confidence":
        option_header = ("Người được lấy phiếu", *RATING_TEXT.values())
        for option in result["options"]:
            option_rows.append(
                OptionRow(
                    option["label"],
                    tuple(
                        f"{option[r]} ({vn_percent(option['percentages'][r])})"
                        for r in ("high", "medium", "low")
                    ),
                )
            )
            if option["low_two_thirds"]:
                notes.append(
                    f"{option['label']}: từ hai phần ba tổng số đại biểu trở lên đánh giá "
                    "tín nhiệm thấp; trình Hội đồng nhân dân bỏ phiếu tín nhiệm."
                )
            elif option["low_over_half"]:
                notes.append(
                    f"{option['label']}: quá nửa tổng số đại biểu đánh giá tín nhiệm thấp; "
                    "có thể xin từ chức."
                )
        outcome = "KẾT QUẢ LẤY PHIẾU TÍN NHIỆM"
    else:
        option_header = ("Người ứng cử", "Số phiếu bầu", "Tỷ lệ", "Kết quả")
        for option in result["options"]:
            verdict = (
                "Trúng cử"
                if option["elected"]
                else ("Bằng phiếu, bầu lại" if option["tied"] else "Không trúng cử")
            )
            option_rows.append(
                OptionRow(
                    option["label"],
                    (str(option["votes"]), vn_percent(option["percentage"]), verdict),
                )
            )
        elected = sum(1 for o in result["options"] if o["elected"])
        outcome = f"KẾT QUẢ: ĐÃ BẦU {elected}/{result.get('seats') or 0} NGƯỜI"
        threshold = f"Người trúng cử cần ít nhất {result['threshold']} phiếu bầu."
    counts.append(
        CountRow("Số đại biểu không tham gia biểu quyết", result["not_voted"], pct["not_voted"])
    )
    if result.get("quorum_overridden"):
        notes.append(
            "Chủ tọa cho mở biểu quyết khi chưa đủ số đại biểu có mặt theo quy định "
            "(đã ghi vào nhật ký)."
        )
    choice_text = {"yes": labels.yes, "no": labels.no, "abstain": labels.abstain}
    named = tuple(
        NamedRow(n["full_name"], choice_text.get(n.get("choice", ""), ""))
        for n in (result.get("named") or [])
    )
    return ResultSheet(
        council=council.name,
        term=council.term,
        meeting=meeting.title,
        location=meeting.location,
        agenda_item=item_text,
        motion=motion.title,
        method="Bỏ phiếu kín" if motion.secret else "Biểu quyết công khai",
        rule=RULE_TEXT[motion.rule],
        opened_at=vn_time(motion.opened_at),
        closed_at=vn_time(motion.closed_at),
        members=members,
        present=result["present"],
        cast=result["cast"],
        counts=tuple(counts),
        outcome=outcome,
        threshold=threshold,
        notes=tuple(notes),
        option_header=option_header,
        options=tuple(option_rows),
        named=() if motion.secret else named,
        secret=motion.secret,
        generated_at=vn_time(utcnow()),
        ballots_digest=motion.ballots_digest or "",
        audit_hash=motion.audit_hash or "",
    )


def result_sheet_pdf(actor: User, motion_id: int) -> tuple[bytes, str]:
    """(PDF, file name) of a closed vote's result sheet.

    The result is frozen, so the sheet is laid out once (off the event loop) and kept in the
    storage directory, keyed by everything it shows; a later change of wording (a council's
    ballot labels, a renamed session) makes a new one.
    """
    sheet = build_sheet(actor, motion_id)
    key = hashlib.sha256(repr(replace(sheet, generated_at="")).encode()).hexdigest()[:32]
    path = storage.root() / "result-sheets" / f"{motion_id}-{key}.pdf"
    if path.exists():
        return path.read_bytes(), _filename(motion_id)
    pdf = compose_pdf(result_sheet_pdf_args(sheet), failed="result_sheet_failed")
    storage.write_file(path, pdf)
    return pdf, _filename(motion_id)


def _filename(motion_id: int) -> str:
    return f"bien-ban-kiem-phieu-{motion_id}.pdf"
