"""The Document JSON, as one user (or every reader of an event) sees it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from server.documents.models import Document, DocumentPage, DocumentRead
from server.documents.schemas import (
    DocumentDetailOut,
    DocumentOut,
    Message,
    OutlineEntry,
    PageOut,
    Progress,
    ReadState,
)
from server.extensions import db
from server.i18n import translate


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class DocumentView:
    """Serialises a meeting's documents for one viewer.

    `staff` viewers see unpublished versions too; `is_latest` means no newer version
    of the same document is visible to this viewer; `read` is this user's receipt.
    """

    def __init__(
        self, meeting_id: int, *, staff: bool, user_id: int | None = None, member: bool = False
    ) -> None:
        self.meeting_id = meeting_id
        self.staff = staff
        self.user_id = user_id
        self.member = member
        self._latest: dict[int, int] | None = None
        self._ids: dict[tuple[int, int], int] | None = None
        self._reads: dict[int, DocumentRead] | None = None

    def _load_versions(self) -> None:
        query = sa.select(Document.id, Document.series_id, Document.version).where(
            Document.meeting_id == self.meeting_id, Document.status != "failed"
        )
        if not self.staff:
            query = query.where(Document.published_at.is_not(None))
        latest: dict[int, int] = {}
        ids: dict[tuple[int, int], int] = {}
        for doc_id, series_id, version in db.session.execute(query):
            series = series_id or doc_id
            latest[series] = max(latest.get(series, 0), version)
            ids[(series, version)] = doc_id
        self._latest, self._ids = latest, ids

    def _read(self, document_id: int) -> DocumentRead | None:
        if self.user_id is None:
            return None
        if self._reads is None:
            self._reads = {
                r.document_id: r
                for r in db.session.scalars(
                    sa.select(DocumentRead)
                    .join(Document, Document.id == DocumentRead.document_id)
                    .where(
                        DocumentRead.user_id == self.user_id,
                        Document.meeting_id == self.meeting_id,
                    )
                )
            }
        return self._reads.get(document_id)

    def out(self, doc: Document) -> DocumentOut:
        if self._latest is None or self._ids is None:
            self._load_versions()
        assert self._latest is not None
        assert self._ids is not None
        series = doc.series_id or doc.id
        previous = self._ids.get((series, doc.version - 1))
        read = self._read(doc.id)
        return document_out(
            doc,
            is_latest=doc.version >= self._latest.get(series, doc.version),
            previous_version_id=previous,
            read=read,
            reads_recorded=self.member,
        )

    def detail(self, doc: Document) -> DocumentDetailOut:
        pages = db.session.execute(
            sa.select(
                DocumentPage.number,
                DocumentPage.width,
                DocumentPage.height,
                DocumentPage.rotation,
                DocumentPage.label,
                DocumentPage.text != "",
                DocumentPage.ocr,
            )
            .where(DocumentPage.document_id == doc.id)
            .order_by(DocumentPage.number)
        ).all()
        return DocumentDetailOut(
            **dict(self.out(doc)),
            pages=[
                PageOut(
                    number=n,
                    width=w,
                    height=h,
                    rotation=r,
                    label=label,
                    has_text=bool(has_text),
                    ocr=bool(ocr),
                )
                for n, w, h, r, label, has_text, ocr in pages
            ],
            outline=[OutlineEntry.model_validate(entry) for entry in doc.outline or []],
        )


def _message(code: str, params: dict[str, Any] | None = None) -> Message:
    return Message(code=code, message=translate(code, **(params or {})))


def document_out(
    doc: Document,
    *,
    is_latest: bool = True,
    previous_version_id: int | None = None,
    read: DocumentRead | None = None,
    reads_recorded: bool = False,
) -> DocumentOut:
    """A document as the API shows it. Without a viewer (events, staff notices) `read` is
    null."""
    info = doc.info or {}
    error = None
    if doc.status == "failed" and doc.error_code:
        error = _message(doc.error_code, info.get("error_params"))
    warnings = [_message(w["code"], w.get("params")) for w in info.get("warnings") or []]
    if doc.status == "ready" and doc.kind != "link" and not doc.searchable:
        warnings.append(_message("document_not_searchable"))
    has_file = doc.kind != "link"
    return DocumentOut(
        id=doc.id,
        meeting_id=doc.meeting_id,
        agenda_item_id=doc.agenda_item_id,
        title=doc.title,
        kind=doc.kind,
        url=doc.url,
        confidential=doc.confidential,
        status=doc.status,
        error=error,
        warnings=warnings,
        progress=Progress(done=doc.progress_done, total=doc.progress_total),
        page_count=doc.page_count,
        filename=doc.filename,
        size_bytes=doc.size_bytes,
        version=doc.version,
        series_id=doc.series_id or doc.id,
        previous_version_id=previous_version_id,
        is_latest=is_latest,
        published=doc.published_at is not None,
        published_at=doc.published_at,
        created_at=doc.created_at,
        searchable=bool(doc.searchable) if has_file else False,
        downloadable=has_file and doc.status == "ready" and doc.extractable,
        reads_recorded=reads_recorded,
        read=(
            ReadState(
                max_page=read.max_page,
                pages_read=len(read.pages or []),
                last_read_at=read.last_read_at,
            )
            if read is not None
            else None
        ),
    )
