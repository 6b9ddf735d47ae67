"""Exports of a user's annotations: the annotated PDF (by a PDF worker) and Web Annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from server import rendering, storage
from server.accounts.models import User
from server.annotations import webanno
from server.annotations.models import Annotation
from server.annotations.services import require_annotator, require_pages
from server.db import utcnow
from server.documents import services as documents
from server.errors import Forbidden
from server.events.decisions import decide
from server.extensions import db

if TYPE_CHECKING:
    from server.documents.models import Document


def _exportable(actor: User, document_id: int) -> tuple[Document, list[Annotation]]:
    doc, meeting = documents.get_document(actor, document_id)
    require_annotator(actor, meeting)
    if not doc.extractable:
        raise Forbidden("annotations_export_confidential")
    require_pages(doc)
    rows = list(
        db.session.scalars(
            sa.select(Annotation)
            .where(
                Annotation.user_id == actor.id,
                Annotation.document_id == doc.id,
                Annotation.deleted_at.is_(None),
            )
            .order_by(Annotation.page, Annotation.created_at, Annotation.seq)
        )
    )
    return doc, rows


def _file_stem(doc: Document) -> str:
    name = doc.filename or doc.title or "tai-lieu"
    if name.lower().endswith(".pdf"):
        name = name[:-4]
    return name


@dataclass(frozen=True)
class PdfExport:
    """Everything the worker needs, as plain values (no database rows)."""

    args: dict[str, Any]
    filename: str
    count: int


def prepare_pdf_export(actor: User, document_id: int) -> PdfExport:
    """Check and gather an export of the user's copy with their annotations written in."""
    doc, rows = _exportable(actor, document_id)
    assert doc.pdf_sha256 is not None
    decide(
        "annotations.exported",
        actor_id=actor.id,
        meeting_id=doc.meeting_id,
        subject=f"document:{doc.id}",
        data={"format": "pdf", "annotations": len(rows)},
    )
    return PdfExport(
        args={
            "pdf": str(storage.pdf_path(doc.pdf_sha256)),
            "author": actor.full_name,
            "annotations": [
                {
                    "id": str(r.id),
                    "page": r.page,
                    "kind": r.kind,
                    "geometry": r.geometry,
                    "color": r.color,
                    "text": r.text,
                    "created_at": r.created_at.isoformat(),
                    "updated_at": r.updated_at.isoformat(),
                }
                for r in rows
            ],
        },
        filename=f"{_file_stem(doc)} - ghi chú.pdf",
        count=len(rows),
    )


def run_pdf_export(job: PdfExport) -> bytes:
    """Write the annotated copy in a PDF worker (call outside any transaction)."""
    return rendering.make_pdf("annotate_pdf", job.args, failed="annotations_export_failed")


def web_annotations(actor: User, document_id: int, base_url: str) -> dict[str, Any]:
    """The user's annotations on a document as a W3C Web Annotation collection."""
    doc, rows = _exportable(actor, document_id)
    sizes = documents.page_sizes(doc.id)
    items = [
        webanno.Item(
            id=str(r.id),
            page=r.page,
            kind=r.kind,
            geometry=r.geometry or {},
            color=r.color,
            text=r.text,
            quote=r.quote,
            prefix=(r.anchor or {}).get("prefix") or None,
            suffix=(r.anchor or {}).get("suffix") or None,
            created=r.created_at.isoformat(),
            modified=r.updated_at.isoformat(),
        )
        for r in rows
    ]
    base = base_url.rstrip("/")
    return webanno.collection(
        items,
        collection_id=f"{base}/api/documents/{doc.id}/annotations.jsonld",
        source=f"{base}/api/documents/{doc.id}/download",
        label=f"Ghi chú của {actor.full_name}: {doc.title}",
        author=actor.full_name,
        page_sizes=sizes,
        generated=utcnow().isoformat(),
    )
