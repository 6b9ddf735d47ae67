"""The authorization matrix: every API operation and socket event, called by every caller.

One table (`MATRIX`) gives, for each operationId, how to build a valid request and the
status each caller must get; `SOCKET_MATRIX` does the same for the Socket.IO events. The
test walks the OpenAPI document, so a new operation without an entry here fails. Callers:
anonymous, a guest, a delegate of the council, a delegate of another council ("outsider"),
the hall display, the chair, the secretary and an admin, and two people whose roles belong
to another council: the chair and secretary of a commune council who are, in the demo
(province) council, a guest ("chair_elsewhere") and an elected delegate
("secretary_elsewhere"). Roles belong to a membership, so in the demo council they must be
answered as the guest and the delegate are. Each operation runs in its own fresh database;
the request is rebuilt for every caller (fresh targets), so one caller's success cannot
change another's answer.
"""

from __future__ import annotations

import io
import itertools
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context

from server.accounts import services as accounts
from server.accounts.models import User
from server.councils import people
from server.extensions import db
from server.meetings import services as meetings
from server.meetings.models import Meeting
from tests.conftest import Api
from tests.factories import PASSWORD, make_council

CALLERS = (
    "anonymous",
    "guest",
    "delegate",
    "outsider",
    "chair_elsewhere",
    "secretary_elsewhere",
    "display",
    "chair",
    "secretary",
    "admin",
)
USERNAMES = {
    "guest": "guest",
    "delegate": "delegate01",
    "outsider": "other01",
    "display": "display",
    "chair": "chair",
    "secretary": "secretary",
    "admin": "admin",
    "chair_elsewhere": "xa-chair",
    "secretary_elsewhere": "xa-secretary",
}
#: Accounts of the matrix's own making (the others are the demo's, password "demo").
OWN_ACCOUNTS = {"outsider", "chair_elsewhere", "secretary_elsewhere"}


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    data: dict[str, Any] | None = None


@dataclass
class Ctx:
    """The world a call is built in: the demo meeting, another council, helpers."""

    app: Flask
    meeting_id: int
    council_id: int
    other: dict[str, Any]
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _context(self) -> AbstractContextManager[Any]:
        """The app context, unless already inside one (a second session would deadlock SQLite)."""
        return nullcontext() if has_app_context() else self.app.app_context()

    def uid(self, username: str) -> int:
        with self._context():
            user = accounts.find_user(username)
            assert user is not None
            return int(user.id)

    def actor(self, username: str) -> User:
        user = accounts.find_user(username)
        assert user is not None
        return user

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def new_item(self) -> int:
        with self._context():
            item = meetings.create_agenda_item(
                self.actor("secretary"), self.meeting_id, title=self.unique("Mục ")
            )
            db.session.commit()
            return int(item.id)

    def agenda_order(self) -> list[dict[str, Any]]:
        with self._context():
            meeting = db.session.get(Meeting, self.meeting_id)
            return [{"id": i.id, "parent_id": i.parent_id} for i in meetings.agenda(meeting)]

    def make_current(self) -> int:
        with self._context():
            meeting = db.session.get(Meeting, self.meeting_id)
            current = meeting.current_agenda_item_id
            if current is None:
                current = meetings.agenda(meeting)[1].id
                meetings.set_current_item(self.actor("chair"), self.meeting_id, current)
                db.session.commit()
            return int(current)

    def new_speaker(self, username: str = "delegate02", *, speaking: bool = False) -> int:
        """A waiting request of a delegate who is not the caller (a fresh one each time)."""
        self.make_current()
        with self._context():
            # Each call takes the next free delegate, so requests never collide.
            for n in range(2, 51):
                name = f"delegate{n:02d}"
                try:
                    row = meetings.request_to_speak(self.actor(name), self.meeting_id)
                except Exception:  # already queued: try the next one
                    db.session.rollback()
                    continue
                if speaking:
                    meetings.give_floor(self.actor("chair"), row.id)
                db.session.commit()
                return int(row.id)
        raise AssertionError("no delegate left to queue")

    def check_in(self, username: str = "delegate01") -> None:
        with self._context():
            meetings.check_in(self.actor(username), self.meeting_id)
            db.session.commit()

    def new_motion(self, status: str = "draft") -> int:
        """A fresh resolution motion, left as a draft, open or closed."""
        from server.voting import services as voting

        with self._context():
            # Only one vote may be open in a meeting: close the last caller's first.
            still_open = voting.open_motion_id(self.meeting_id)
            if still_open is not None:
                voting.close_vote(self.actor("chair"), still_open)
                db.session.commit()
            motion = voting.create_motion(
                self.actor("secretary"),
                self.meeting_id,
                agenda_item_id=self.new_item(),
                title=self.unique("Nghị quyết "),
            )
            if status in ("open", "closed"):
                voting.open_vote(self.actor("chair"), motion.id, override_quorum=True)
            if status == "closed":
                voting.close_vote(self.actor("chair"), motion.id)
            db.session.commit()
            return int(motion.id)

    def resolution_item(self) -> int:
        with self._context():
            meeting = db.session.get(Meeting, self.meeting_id)
            return int(next(i.id for i in meetings.agenda(meeting) if i.kind == "resolution"))

    def new_user(self) -> int:
        with self._context():
            user = accounts.create_user(self.unique("tmp"), "Tạm")
            db.session.commit()
            return int(user.id)

    def new_member(self) -> int:
        """A fresh guest of the demo council (removing them touches no electorate)."""
        from server.councils import services as councils

        user_id = self.new_user()
        with self._context():
            councils.set_membership(None, self.council_id, user_id, roles=["guest"])
            db.session.commit()
        return user_id

    def new_device(self, username: str = "delegate12") -> int:
        with self._context():
            token, _ = people.create_pairing_token(self.actor("admin"), self.actor(username).id)
            _, device = accounts.pair_device(token, "Tablet")
            db.session.commit()
            return int(device.id)

    def new_token(self, username: str = "delegate13") -> str:
        with self._context():
            token, _ = people.create_pairing_token(self.actor("admin"), self.actor(username).id)
            db.session.commit()
            return token


Expect = dict[str, int]
Builder = Callable[[Ctx], Call]


def expect(anonymous: int = 401, outsider: int = 404, **others: int) -> Expect:
    """Staff of another council are, in the demo council, what their membership there says:
    a guest (chair_elsewhere) and an elected delegate (secretary_elsewhere)."""
    table = {"anonymous": anonymous, "outsider": outsider}
    table.update(others)
    table.setdefault("chair_elsewhere", table["guest"])
    table.setdefault("secretary_elsewhere", table["delegate"])
    missing = set(CALLERS) - set(table)
    assert not missing, f"expectation misses {missing}"
    return table


def everyone(status: int) -> Expect:
    return dict.fromkeys(CALLERS, status)


def signed_in(status: int) -> Expect:
    """Any logged-in user, of any council."""
    return {**dict.fromkeys(CALLERS, status), "anonymous": 401}


def readers(status: int) -> Expect:
    """Anyone who belongs to the demo council (not outsiders)."""
    return expect(**dict.fromkeys(CALLERS[1:], status) | {"outsider": 404})


def staff(status: int, *, chair: bool = True, display: int = 403) -> Expect:
    return expect(
        guest=403,
        delegate=403,
        display=display,
        chair=status if chair else 403,
        secretary=status,
        admin=status,
    )


def secretariat(status: int) -> Expect:
    return staff(status, chair=False)


def chair_only(status: int, *, hidden: bool = False) -> Expect:
    """The chair (and admins) only; `hidden`: others cannot even see the target (a draft)."""
    others = 404 if hidden else 403
    return expect(
        guest=others, delegate=others, display=others, chair=status, secretary=403, admin=status
    )


def drafts(status: int) -> Expect:
    """Editing a draft motion: chair and secretariat; to everyone else a draft is not there."""
    return expect(
        guest=404, delegate=404, display=404, chair=status, secretary=status, admin=status
    )


def document_managers(status: int) -> Expect:
    """Unpublished documents: only staff see them, only the secretariat changes them."""
    return expect(guest=404, delegate=404, display=404, chair=403, secretary=status, admin=status)


def members(status: int) -> Expect:
    """Only elected members (the delegate) may do it; staff accounts are not members."""
    return expect(guest=403, delegate=status, display=403, chair=403, secretary=403, admin=403)


def account_managers(status: int) -> Expect:
    """Managing another user's account: the secretariat of their council and admins (the
    secretary of another council manages no one of the demo council)."""
    return expect(
        guest=403,
        delegate=403,
        outsider=403,
        display=403,
        chair=403,
        secretary=status,
        admin=status,
        secretary_elsewhere=403,
    )


def admin_only(status: int) -> Expect:
    return expect(
        guest=403,
        delegate=403,
        outsider=403,
        display=403,
        chair=403,
        secretary=403,
        admin=status,
        chair_elsewhere=403,
        secretary_elsewhere=403,
    )


MATRIX: dict[str, tuple[Builder, Expect]] = {
    # --- meta and accounts ---
    "getOpenApi": (lambda c: Call("GET", "/api/openapi.json"), everyone(200)),
    "login": (
        lambda c: Call(
            "POST", "/api/auth/login", json={"username": "delegate05", "password": "demo"}
        ),
        everyone(200),
    ),
    "pairDevice": (
        lambda c: Call("POST", "/api/auth/pair", json={"token": c.new_token()}),
        everyone(200),
    ),
    "logout": (lambda c: Call("POST", "/api/auth/logout"), signed_in(200)),
    "getCurrentUser": (lambda c: Call("GET", "/api/me"), everyone(200)),
    "confirmDevice": (
        lambda c: Call("POST", "/api/auth/device/confirm", json={"password": "x"}),
        signed_in(200),
    ),
    # A secretary lists the people of their own councils (another council's secretary gets
    # theirs, none of the demo council's: tests/integration/test_auth.py).
    "listUsers": (
        lambda c: Call("GET", "/api/users"),
        account_managers(200) | {"secretary_elsewhere": 200},
    ),
    "createUser": (
        lambda c: Call(
            "POST",
            "/api/users",
            json={
                "username": c.unique("newuser"),
                "full_name": "Người mới",
                "council_id": c.council_id,
                "roles": ["guest"],
            },
        ),
        account_managers(201),
    ),
    "unlockAccount": (
        lambda c: Call("POST", f"/api/users/{c.uid('delegate10')}/unlock"),
        account_managers(200),
    ),
    "updateUser": (
        lambda c: Call("PATCH", f"/api/users/{c.uid('delegate10')}", json={"full_name": "Tên mới"}),
        account_managers(200),
    ),
    "setUserPassword": (
        lambda c: Call(
            "POST",
            f"/api/users/{c.uid('delegate10')}/password",
            json={"password": "a-new-password"},
        ),
        account_managers(200),
    ),
    "createPairingToken": (
        lambda c: Call("POST", f"/api/users/{c.uid('delegate11')}/pairing-tokens"),
        account_managers(201),
    ),
    "listDevices": (
        lambda c: Call("GET", f"/api/users/{c.uid('delegate11')}/devices"),
        account_managers(200),
    ),
    "revokeDevice": (
        lambda c: Call("POST", f"/api/devices/{c.new_device()}/revoke"),
        account_managers(200),
    ),
    # --- councils and meetings ---
    "listCouncils": (lambda c: Call("GET", "/api/councils"), signed_in(200)),
    "createCouncil": (
        lambda c: Call(
            "POST",
            "/api/councils",
            json={"name": c.unique("Hội đồng nhân dân xã "), "level": "commune"},
        ),
        admin_only(201),
    ),
    "listCouncilMembers": (
        lambda c: Call("GET", f"/api/councils/{c.council_id}/members"),
        readers(200),
    ),
    "addCouncilMember": (
        lambda c: Call(
            "POST",
            f"/api/councils/{c.council_id}/members",
            json={"user_id": c.new_user(), "is_member": False, "roles": ["guest"]},
        ),
        secretariat(201),
    ),
    "updateCouncilMember": (
        lambda c: Call(
            "PATCH",
            f"/api/councils/{c.council_id}/members/{c.uid('delegate30')}",
            json={"group_name": c.unique("Tổ ")},
        ),
        secretariat(200),
    ),
    "removeCouncilMember": (
        lambda c: Call("DELETE", f"/api/councils/{c.council_id}/members/{c.new_member()}"),
        secretariat(200),
    ),
    "listMeetings": (lambda c: Call("GET", "/api/meetings"), signed_in(200)),
    "createMeeting": (
        lambda c: Call(
            "POST",
            "/api/meetings",
            json={
                "council_id": c.council_id,
                "title": "Kỳ họp chuyên đề",
                "starts_at": "2026-12-20T08:00:00+07:00",
                "ends_at": "2026-12-20T17:00:00+07:00",
            },
        ),
        secretariat(201),
    ),
    "getMeeting": (lambda c: Call("GET", f"/api/meetings/{c.meeting_id}"), readers(200)),
    "updateMeeting": (
        lambda c: Call("PATCH", f"/api/meetings/{c.meeting_id}", json={"location": "Hội trường B"}),
        secretariat(200),
    ),
    "getMeetingState": (lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/state"), readers(200)),
    # --- agenda ---
    "createAgendaItem": (
        lambda c: Call(
            "POST", f"/api/meetings/{c.meeting_id}/agenda", json={"title": "Nội dung bổ sung"}
        ),
        secretariat(201),
    ),
    "updateAgendaItem": (
        lambda c: Call("PATCH", f"/api/agenda/{c.new_item()}", json={"title": "Tên mới"}),
        secretariat(200),
    ),
    "deleteAgendaItem": (lambda c: Call("DELETE", f"/api/agenda/{c.new_item()}"), secretariat(200)),
    "reorderAgenda": (
        lambda c: Call(
            "PUT", f"/api/meetings/{c.meeting_id}/agenda/order", json={"order": c.agenda_order()}
        ),
        secretariat(200),
    ),
    "setCurrentAgendaItem": (
        lambda c: Call(
            "PUT",
            f"/api/meetings/{c.meeting_id}/current-item",
            json={"agenda_item_id": c.new_item()},
        ),
        staff(200),
    ),
    # --- attendance ---
    "checkIn": (
        lambda c: Call("POST", f"/api/meetings/{c.meeting_id}/attendance/check-in", json={}),
        members(200),
    ),
    "checkOut": (
        lambda c: Call("POST", f"/api/meetings/{c.meeting_id}/attendance/check-out", json={}),
        members(200),
    ),
    "getAttendance": (
        lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/attendance"),
        readers(200),
    ),
    "getHallCode": (
        lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/hall-code"),
        staff(200, display=200),
    ),
    # --- speakers ---
    "requestToSpeak": (
        lambda c: (
            c.make_current(),
            Call("POST", f"/api/meetings/{c.meeting_id}/speakers", json={}),
        )[1],
        members(201),
    ),
    "listSpeakers": (lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/speakers"), readers(200)),
    "reorderSpeakers": (
        lambda c: (
            c.make_current(),
            Call("PUT", f"/api/meetings/{c.meeting_id}/speakers/order", json={"speaker_ids": []}),
        )[1],
        staff(200),
    ),
    "withdrawSpeaker": (
        lambda c: Call("POST", f"/api/speakers/{c.new_speaker()}/withdraw"),
        staff(200),
    ),
    "giveFloor": (lambda c: Call("POST", f"/api/speakers/{c.new_speaker()}/floor"), staff(200)),
    "endFloor": (
        lambda c: Call("POST", f"/api/speakers/{c.new_speaker(speaking=True)}/end"),
        staff(200),
    ),
    # --- voting ---
    "createMotion": (
        lambda c: Call(
            "POST",
            f"/api/meetings/{c.meeting_id}/motions",
            json={"agenda_item_id": c.new_item(), "title": "Nghị quyết thử"},
        ),
        staff(201),
    ),
    "listMotions": (lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/motions"), readers(200)),
    "getMotion": (lambda c: Call("GET", f"/api/motions/{c.new_motion('open')}"), readers(200)),
    "updateMotion": (
        lambda c: Call("PATCH", f"/api/motions/{c.new_motion()}", json={"title": "Tên mới"}),
        drafts(200),
    ),
    "cancelMotion": (lambda c: Call("POST", f"/api/motions/{c.new_motion()}/cancel"), drafts(200)),
    "openVote": (
        lambda c: Call(
            "POST", f"/api/motions/{c.new_motion()}/open", json={"override_quorum": True}
        ),
        chair_only(200, hidden=True),
    ),
    "castVote": (
        lambda c: (
            c.check_in(),
            c.check_in("xa-secretary"),
            Call("POST", f"/api/motions/{c.new_motion('open')}/ballot", json={"choice": "yes"}),
        )[2],
        members(200),
    ),
    "closeVote": (
        lambda c: Call("POST", f"/api/motions/{c.new_motion('open')}/close"),
        chair_only(200),
    ),
    "getVoteResult": (
        lambda c: Call("GET", f"/api/motions/{c.new_motion('closed')}/result"),
        readers(200),
    ),
    "listNonVoters": (
        lambda c: Call("GET", f"/api/motions/{c.new_motion('open')}/non-voters"),
        chair_only(200),
    ),
    "announceResult": (
        lambda c: Call("POST", f"/api/motions/{c.new_motion('closed')}/announce"),
        chair_only(200),
    ),
    "getResultSheet": (
        lambda c: Call("GET", f"/api/motions/{c.new_motion('closed')}/result-sheet.pdf"),
        readers(200),
    ),
    # --- minutes data ---
    "exportMeetingMinutes": (
        lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/minutes?format=pdf"),
        staff(200),
    ),
    # --- documents ---
    "uploadDocument": (
        lambda c: Call(
            "POST",
            f"/api/agenda/{c.resolution_item()}/documents",
            data={"title": "Văn bản pháp luật", "kind": "link", "url": "https://vbpl.vn/"},
        ),
        secretariat(202),
    ),
    "uploadDocumentVersion": (
        lambda c: Call(
            "POST",
            f"/api/documents/{_latest_version(c)}/versions",
            data={"file": _pdf_upload("")["file"]},
        ),
        secretariat(202),
    ),
    "listDocuments": (
        lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/documents"),
        readers(200),
    ),
    "getDocument": (lambda c: Call("GET", f"/api/documents/{_readable_document(c)}"), readers(200)),
    "updateDocument": (
        lambda c: Call(
            "PATCH", f"/api/documents/{_unpublished_link(c)}", json={"title": "Tên mới"}
        ),
        document_managers(200),
    ),
    "deleteDocument": (
        lambda c: Call("DELETE", f"/api/documents/{_unpublished_link(c)}"),
        document_managers(200),
    ),
    "publishDocument": (
        lambda c: Call("POST", f"/api/documents/{_unpublished_link(c)}/publish"),
        document_managers(200),
    ),
    "getDocumentPageImage": (
        lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/pages/1/image?width=480"),
        readers(200),
    ),
    "getDocumentPageText": (
        lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/pages/1/text"),
        readers(200),
    ),
    "downloadDocument": (
        lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/download"),
        readers(200),
    ),
    "searchDocuments": (
        lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/search?q=ngan+sach"),
        readers(200),
    ),
    "recordDocumentRead": (
        lambda c: Call("POST", f"/api/documents/{_readable_document(c)}/reads", json={"page": 1}),
        readers(200),
    ),
    "listDocumentReads": (
        lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/reads"),
        staff(200),
    ),
    "setFollow": (
        lambda c: Call(
            "PUT",
            f"/api/meetings/{c.meeting_id}/follow",
            json={"document_id": _readable_document(c), "page": 1},
        ),
        staff(200),
    ),
}


# --- Helpers of the documents entries ---


_PDF: list[bytes] = []


def _pdf_upload(title: str) -> dict[str, Any]:
    """Multipart fields of a small, valid Vietnamese PDF (built once)."""
    if not _PDF:
        from server.pdf.compose import html_to_pdf

        _PDF.append(html_to_pdf("<h1>Tờ trình</h1><p>Nội dung thử.</p>", title="Thử"))
    return {"file": (io.BytesIO(_PDF[0]), "to-trinh.pdf"), "title": title, "kind": "main"}


def _unpublished_link(c: Ctx) -> int:
    """A fresh link document of the demo meeting, not yet published."""
    from server.documents import services as documents

    with c._context():
        doc = documents.upload_document(
            c.actor("secretary"),
            c.resolution_item(),
            upload=None,
            title=c.unique("Văn bản "),
            kind="link",
            confidential=False,
            url="https://vbpl.vn/",
        )
        db.session.commit()
        return int(doc.id)


def wait_for_processing(app: Flask, timeout: float = 60.0) -> None:
    """Uploads are processed in the background; let them finish before the app goes."""
    from server.documents.models import Document

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            busy = db.session.scalar(
                sa.select(sa.func.count()).where(Document.status == "processing")
            )
            db.session.remove()
        if not busy:
            return
        time.sleep(0.1)
    raise AssertionError("documents still processing")


# --- Helpers of the annotations and comments entries ---


def _readable_document(c: Ctx) -> int:
    """A published, processed, non-confidential demo document."""
    from server.documents.models import Document

    with c._context():
        doc_id = db.session.scalar(
            sa.select(Document.id)
            .where(
                Document.meeting_id == c.meeting_id,
                Document.published_at.is_not(None),
                Document.status == "ready",
                Document.kind != "link",
                Document.confidential.is_(False),
            )
            .order_by(Document.id)
        )
        assert doc_id is not None
        return int(doc_id)


def _latest_version(c: Ctx) -> int:
    """The newest version of the first readable document (callers upload one after another)."""
    from server.documents.models import Document

    first = _readable_document(c)
    with c._context():
        series = db.session.get(Document, first).series_id or first
        return int(
            db.session.scalar(
                sa.select(Document.id)
                .where(sa.or_(Document.series_id == series, Document.id == series))
                .order_by(Document.version.desc())
                .limit(1)
            )
        )


def _delegate_annotation(c: Ctx) -> str:
    """A fresh note of delegate01 (the "delegate" caller) on the demo document."""
    from server.annotations import services as annotations

    doc_id = _readable_document(c)
    with c._context():
        row, _ = annotations.create_annotation(
            c.actor("delegate01"),
            doc_id,
            annotations.NewAnnotation(
                uuid.uuid4(), 1, "note", {"point": [10, 10]}, None, "Ghi chú", None
            ),
        )
        db.session.commit()
        return str(row.id)


def _public_comment(c: Ctx) -> int:
    """A fresh comment of delegate02, open to all delegates."""
    from server.annotations import comments

    doc_id = _readable_document(c)
    with c._context():
        row, _ = comments.create_comment(
            c.actor("delegate02"), doc_id, text="Góp ý", page=None, quote=None, visibility="all"
        )
        db.session.commit()
        return int(row.id)


def annotators(status: int) -> Expect:
    """Everyone who reads the council's documents, except the hall display."""
    return expect(**dict.fromkeys(CALLERS[1:], status) | {"outsider": 404, "display": 403})


def own_annotation(status: int) -> Expect:
    """Only the author reaches an annotation; to anyone else it does not exist."""
    return expect(
        guest=404,
        delegate=status,
        display=404,
        chair=404,
        secretary=404,
        admin=404,
        secretary_elsewhere=404,
    )


def comment_readers(status: int) -> Expect:
    return expect(
        guest=403, delegate=status, display=403, chair=status, secretary=status, admin=status
    )


def comment_answerers(status: int) -> Expect:
    """The secretariat answers; others who see the comment 403, those who do not 404."""
    return expect(guest=404, delegate=403, display=404, chair=403, secretary=status, admin=status)


MATRIX.update(
    {
        # --- annotations (private to their author) ---
        "createAnnotation": (
            lambda c: Call(
                "POST",
                f"/api/documents/{_readable_document(c)}/annotations",
                json={
                    "id": str(uuid.uuid4()),
                    "page": 1,
                    "kind": "note",
                    "geometry": {"point": [20, 20]},
                },
            ),
            annotators(201),
        ),
        "listAnnotations": (
            lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/annotations"),
            annotators(200),
        ),
        "updateAnnotation": (
            lambda c: Call(
                "PATCH",
                f"/api/annotations/{_delegate_annotation(c)}",
                json={"version": 1, "text": "Sửa"},
            ),
            own_annotation(200),
        ),
        "deleteAnnotation": (
            lambda c: Call("DELETE", f"/api/annotations/{_delegate_annotation(c)}"),
            own_annotation(200),
        ),
        "syncAnnotations": (
            lambda c: Call(
                "POST",
                "/api/annotations/batch",
                json={
                    "changes": [
                        {
                            "op": "create",
                            "document_id": _readable_document(c),
                            "annotation": {
                                "id": str(uuid.uuid4()),
                                "page": 1,
                                "kind": "note",
                                "geometry": {"point": [20, 20]},
                            },
                        }
                    ]
                },
            ),
            # A batch answers 200; each change carries its own status (404 for outsiders,
            # 403 for the display).
            annotators(200) | {"outsider": 200, "display": 200},
        ),
        "listMyAnnotations": (
            lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/annotations"),
            annotators(200),
        ),
        "listReanchoredAnnotations": (
            lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/annotations/reanchored"),
            annotators(200),
        ),
        "exportAnnotatedPdf": (
            lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/annotated.pdf"),
            annotators(200),
        ),
        "exportWebAnnotations": (
            lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/annotations.jsonld"),
            annotators(200),
        ),
        # --- comments ---
        "createComment": (
            lambda c: Call(
                "POST",
                f"/api/documents/{_readable_document(c)}/comments",
                json={"text": "Đề nghị làm rõ", "visibility": "all"},
            ),
            members(201),
        ),
        "listComments": (
            lambda c: Call("GET", f"/api/documents/{_readable_document(c)}/comments"),
            comment_readers(200),
        ),
        "listMeetingComments": (
            lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/comments"),
            comment_readers(200),
        ),
        "replyToComment": (
            lambda c: Call(
                "POST", f"/api/comments/{_public_comment(c)}/replies", json={"text": "Đã nhận"}
            ),
            comment_answerers(201),
        ),
        "updateComment": (
            lambda c: Call(
                "PATCH", f"/api/comments/{_public_comment(c)}", json={"status": "considered"}
            ),
            comment_answerers(200),
        ),
        "exportCommentsCsv": (
            lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/comments.csv"),
            staff(200),
        ),
        "exportCommentsPdf": (
            lambda c: Call("GET", f"/api/meetings/{c.meeting_id}/comments.pdf"),
            staff(200),
        ),
    }
)


def operation_ids(app: Flask) -> list[str]:
    from server.api import build_openapi

    doc = build_openapi(app)
    return sorted(op["operationId"] for path in doc["paths"].values() for op in path.values())


def test_every_operation_has_an_entry(sqlite_app):
    ids = operation_ids(sqlite_app)
    missing = sorted(set(ids) - set(MATRIX))
    assert missing == [], f"add these operations to the authorization matrix: {missing}"
    stale = sorted(set(MATRIX) - set(ids))
    assert stale == [], f"the matrix names operations that no longer exist: {stale}"


def _client(app: Flask, caller: str) -> Api:
    client = Api(app.test_client())
    if caller != "anonymous":
        password = PASSWORD if caller in OWN_ACCOUNTS else "demo"
        assert client.login(USERNAMES[caller], password).status_code == 200
    return client


def _staff_elsewhere(app: Flask, demo_council_id: int) -> None:
    """The chair and secretary of another council, attached to the demo council as a guest
    and as an elected delegate."""
    from server.councils import services as councils

    elsewhere = make_council(app, "Hội đồng nhân dân xã Cư Êbur", prefix="xa", members=1)
    with app.app_context():
        secretary = accounts.find_user("xa-secretary")
        assert secretary is not None
        chair = accounts.create_user("xa-chair", "Chủ tịch HĐND xã", password=PASSWORD)
        councils.set_membership(None, elsewhere["council_id"], chair.id, roles=["chair"])
        councils.set_membership(None, demo_council_id, chair.id, roles=["guest"])
        councils.set_membership(
            None, demo_council_id, secretary.id, roles=["delegate"], is_member=True, seat=99
        )
        db.session.commit()


@pytest.mark.parametrize("operation_id", sorted(MATRIX))
def test_operation(operation_id: str, sqlite_app: Flask, demo_meeting_id_sqlite: int):
    build, expected = MATRIX[operation_id]
    other = make_council(sqlite_app, prefix="other")
    with sqlite_app.app_context():
        council_id = db.session.get(Meeting, demo_meeting_id_sqlite).council_id
    _staff_elsewhere(sqlite_app, council_id)
    ctx = Ctx(sqlite_app, demo_meeting_id_sqlite, council_id, other)
    answers = {}
    for caller in CALLERS:
        client = _client(sqlite_app, caller)
        call = build(ctx)
        response = client.request(call.method, call.path, json=call.json, data=call.data)
        answers[caller] = response.status_code
        assert response.status_code < 500, (caller, response.json)
        response.close()  # a download holds its file open until the response is closed
    wait_for_processing(sqlite_app)
    assert answers == expected, f"{operation_id}: got {answers}"


@pytest.fixture
def demo_meeting_id_sqlite(sqlite_app: Flask) -> int:
    with sqlite_app.app_context():
        meeting = db.session.query(Meeting).order_by(Meeting.id).first()
        assert meeting is not None
        return int(meeting.id)


# --- Socket.IO events ---------------------------------------------------------------------

#: What each caller's socket gets: "refused" (no connection), "ok", or an error code.
SocketExpect = dict[str, str]


def _everyone_connected(answer: str, *, outsider: str | None = None) -> SocketExpect:
    table = dict.fromkeys(CALLERS, answer)
    table["anonymous"] = "refused"
    if outsider is not None:
        table["outsider"] = outsider
    return table


#: event -> (payload builder, expected answer per caller). `connect` is the handshake itself.
SOCKET_MATRIX: dict[str, tuple[Callable[[Ctx], Any], SocketExpect]] = {
    "connect": (lambda c: None, _everyone_connected("ok")),
    "join": (
        lambda c: {"meeting_id": c.meeting_id},
        _everyone_connected("ok", outsider="meeting_not_found"),
    ),
    "leave": (lambda c: {"meeting_id": c.meeting_id}, _everyone_connected("ok")),
    # Any event without a handler answers an error ack (never a silent drop).
    "*": (lambda c: {"meeting_id": c.meeting_id}, _everyone_connected("unknown_event")),
}


def test_every_socket_event_has_an_entry(sqlite_app: Flask):
    from server.extensions import socketio

    handled = set(socketio.server.handlers["/"]) - {"disconnect"}
    assert handled == set(SOCKET_MATRIX), "add the new socket events to SOCKET_MATRIX"


@pytest.mark.parametrize("event", sorted(SOCKET_MATRIX))
def test_socket_event(event: str, sqlite_app: Flask, demo_meeting_id_sqlite: int):
    from server.extensions import socketio

    build, expected = SOCKET_MATRIX[event]
    other = make_council(sqlite_app, prefix="other")
    with sqlite_app.app_context():
        council_id = db.session.get(Meeting, demo_meeting_id_sqlite).council_id
    _staff_elsewhere(sqlite_app, council_id)
    ctx = Ctx(sqlite_app, demo_meeting_id_sqlite, council_id, other)
    answers: dict[str, str] = {}
    for caller in CALLERS:
        client = _client(sqlite_app, caller)
        sio = socketio.test_client(sqlite_app, flask_test_client=client.client)
        if not sio.is_connected():
            answers[caller] = "refused"
            continue
        if event == "connect":
            answers[caller] = "ok"
        else:
            name = "no.such.event" if event == "*" else event
            ack = sio.emit(name, build(ctx), callback=True)
            answers[caller] = "ok" if ack.get("ok") else ack["error"]["code"]
        sio.disconnect()
    assert answers == expected, f"{event}: got {answers}"


def test_staff_of_another_council_join_only_their_meetings_as_staff(
    sqlite_app: Flask, demo_meeting_id_sqlite: int
):
    """Joining the demo meeting, the other council's chair gets a guest's state; joining
    their own council's meeting, a chair's."""
    from server.extensions import socketio

    with sqlite_app.app_context():
        council_id = db.session.get(Meeting, demo_meeting_id_sqlite).council_id
    _staff_elsewhere(sqlite_app, council_id)
    client = _client(sqlite_app, "chair_elsewhere")
    sio = socketio.test_client(sqlite_app, flask_test_client=client.client)
    demo = sio.emit("join", {"meeting_id": demo_meeting_id_sqlite}, callback=True)
    assert demo["ok"]
    assert demo["state"]["me"]["can_chair"] is False
    with sqlite_app.app_context():
        own_meeting = db.session.scalar(
            sa.select(Meeting.id)
            .where(Meeting.title == "Kỳ họp chuyên đề")
            .order_by(Meeting.id.desc())
        )
    own = sio.emit("join", {"meeting_id": own_meeting}, callback=True)
    assert own["ok"]
    assert own["state"]["me"]["can_chair"] is True
    sio.disconnect()
