"""Gauges read from the database when /metrics is scraped: open votes, the processing queue.

They count rows in the shared database, so every server process reports the same value:
aggregate them with max(), not sum(). Each is one indexed COUNT or MIN, cheap enough to
run on every scrape.
"""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa

from server.db import utcnow
from server.documents.models import Document
from server.extensions import db
from server.observability import gauge_callback
from server.voting.models import Motion


@gauge_callback("council_open_votes", "Votes open now, across every session (from the database)")
def open_votes() -> float:
    return float(db.session.scalar(sa.select(sa.func.count()).where(Motion.status == "open")) or 0)


@gauge_callback(
    "council_documents_processing",
    "Documents uploaded and not yet processed: the processing queue (from the database)",
)
def documents_processing() -> float:
    count = db.session.scalar(sa.select(sa.func.count()).where(Document.status == "processing"))
    return float(count or 0)


@gauge_callback(
    "council_documents_processing_oldest_seconds",
    "Age of the oldest document still processing (0 when none): a stuck queue grows it",
)
def oldest_processing_seconds() -> float:
    oldest = db.session.scalar(
        sa.select(sa.func.min(Document.created_at)).where(Document.status == "processing")
    )
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # in case a driver hands back a naive UTC value
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (utcnow() - oldest).total_seconds())
