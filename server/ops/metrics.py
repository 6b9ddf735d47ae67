"""Gauges read from the database when /metrics is scraped: open votes, the processing queue.

They count rows in the shared database, so every server process reports the same value:
aggregate them with max(), not sum(). Each is one indexed COUNT or MIN, cheap enough to
run on every scrape.
"""

from __future__ import annotations

from datetime import UTC

from server.db import utcnow
from server.documents import services as documents
from server.observability import gauge_callback
from server.voting import services as voting


@gauge_callback("council_open_votes", "Votes open now, across every session (from the database)")
def open_votes() -> float:
    return float(voting.open_vote_count())


@gauge_callback(
    "council_documents_processing",
    "Documents uploaded and not yet processed: the processing queue (from the database)",
)
def documents_processing() -> float:
    count, _ = documents.processing_queue()
    return float(count)


@gauge_callback(
    "council_documents_processing_oldest_seconds",
    "Age of the oldest document still processing (0 when none): a stuck queue grows it",
)
def oldest_processing_seconds() -> float:
    _, oldest = documents.processing_queue()
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # in case a driver hands back a naive UTC value
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (utcnow() - oldest).total_seconds())
