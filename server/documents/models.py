"""Documents of a session, their pages (words and boxes) and reading receipts.

The full-text index (`page_fts`) is not a model: it is created by the migration (an FTS5
table on SQLite, a tsvector table on PostgreSQL) and written by server.documents.search.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, known, utcnow
from server.documents.kinds import DocumentKind, DocumentStage, DocumentStatus


class Document(Base):
    """One version of a document attached to an agenda item.

    A new version is a new row (same `series_id`, `version` + 1), so annotations made on
    a version stay tied to it. Ids are never reused (AUTOINCREMENT on SQLite).
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    #: The id of the first version; every version of the document shares it.
    series_id: Mapped[int | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(300))
    #: "main" (to be decided on), "reference", or "link" (an external address, no file).
    kind: Mapped[DocumentKind] = mapped_column(sa.String(20), default="main")
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    #: Shown only as pages stamped with the reader's name; never downloaded or exported.
    confidential: Mapped[bool] = mapped_column(default=False)
    #: The uploaded file's name (no path), as shown to people.
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: SHA-256 of the original upload, kept untouched under storage/originals.
    original_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    #: SHA-256 of the sanitised PDF everyone reads, under storage/documents.
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    page_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[DocumentStatus] = mapped_column(sa.String(20), default="processing")
    stage: Mapped[DocumentStage | None] = mapped_column(sa.String(20))
    error_code: Mapped[str | None] = mapped_column(sa.String(64))
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    #: Every page with content has text (extracted, or recognised by OCR).
    searchable: Mapped[bool] = mapped_column(default=False)
    #: [{"level", "title", "page"}], the table of contents.
    outline: Mapped[list[Any]] = mapped_column(default=list)
    #: Metadata, warnings (repaired, pages skipped) and other facts from processing.
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The server process working on it ("host:pid:boot"), and when it last said so.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(200))
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        known("kind", DocumentKind, "known_kind"),
        known("status", DocumentStatus, "known_status"),
        sa.UniqueConstraint("series_id", "version"),
        sa.Index("ix_documents_status_heartbeat", "status", "heartbeat_at"),
        {"sqlite_autoincrement": True},
    )

    @hybrid_property
    def extractable(self) -> bool:
        """Whether its readers may take its content away from the page images: download the
        PDF, read the words of its pages, find it by search. Confidential documents never:
        they are seen only as pages stamped with the reader's name. One rule, in Python and
        in SQL (`Document.extractable` in a query); `services.require_extractable` applies it."""
        return not self.confidential

    @extractable.inplace.expression
    @classmethod
    def _extractable_expression(cls) -> sa.ColumnElement[bool]:
        return cls.confidential.is_(False)


class DocumentPage(Base):
    """One page of a processed document: its size, words with boxes, and links."""

    __tablename__ = "document_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"))
    #: From 1.
    number: Mapped[int]
    #: Size of the unrotated page in points.
    width: Mapped[float]
    height: Mapped[float]
    rotation: Mapped[int] = mapped_column(default=0)
    label: Mapped[str | None] = mapped_column(sa.String(64))
    #: JSON text of [[x0, y0, x1, y1, "text"], ...] in points, top-left origin of the
    #: unrotated page; kept as the worker wrote it (decoding and encoding it again for every
    #: page of a 300-page document would cost more than extracting it).
    words: Mapped[str] = mapped_column(sa.Text, default="[]")
    #: The words joined by spaces (what search snippets are cut from).
    text: Mapped[str] = mapped_column(sa.Text, default="")
    #: The words' boxes again, packed as float32 x0 y0 x1 y1 per word (search reads these:
    #: decoding the JSON of every candidate page would cost more than the search itself).
    boxes: Mapped[bytes] = mapped_column(sa.LargeBinary, default=b"")
    #: [{"rect", "page"}] jumps inside the document, [{"rect", "url"}] inert web addresses.
    links: Mapped[list[Any]] = mapped_column(default=list)
    #: No text layer but an image covering it (a scan).
    needs_ocr: Mapped[bool] = mapped_column(default=False)
    #: The words come from OCR.
    ocr: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.UniqueConstraint("document_id", "number"),
        {"sqlite_autoincrement": True},
    )


class DocumentRead(Base):
    """A reading receipt: who opened a document, when, and how far they read."""

    __tablename__ = "document_reads"

    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_read_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Page numbers seen, sorted.
    pages: Mapped[list[Any]] = mapped_column(default=list)
    max_page: Mapped[int] = mapped_column(default=0)
