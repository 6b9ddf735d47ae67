"""Full-text search over pages: one interface, two engines.

Both engines index the page text folded by server.documents.textfold (lower case, no
diacritics, đ -> d) and are queried with the folded tokens of the search, every token
required and the last one also as a prefix. SQLite uses an FTS5 table ranked by bm25;
PostgreSQL a tsvector table ('simple' configuration, no stemming) with a GIN index,
ranked by ts_rank (ts_rank_cd's cover density costs a third more, and the server adds
its own bonus for words side by side), and the folded text in page_fts_body. The tables
are created by the migrations; both engines return the folded text of the pages found.
Snippets, highlights and word boxes are cut from the page text in Python, the same way
for both engines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa

from server.extensions import db


@dataclass(frozen=True)
class Hit:
    page_id: int
    #: Higher is better, comparable within one answer only.
    score: float
    #: The page's folded text, as indexed (so the server need not fold it again).
    folded: str


class Engine(Protocol):
    name: str

    def index(self, rows: Sequence[tuple[int, str]]) -> None:
        """Add or replace the folded text of pages: [(page id, folded text), ...]."""

    def remove(self, page_ids: Sequence[int]) -> None:
        """Forget pages."""

    def query(self, tokens: Sequence[str], document_ids: Sequence[int], limit: int) -> list[Hit]:
        """Pages of these documents holding every token (the last as a prefix), best first."""


class SqliteEngine:
    name = "sqlite-fts5"

    def index(self, rows: Sequence[tuple[int, str]]) -> None:
        if not rows:
            return
        self.remove([page_id for page_id, _ in rows])
        db.session.execute(
            sa.text("INSERT INTO page_fts (rowid, body) VALUES (:id, :body)"),
            [{"id": page_id, "body": body} for page_id, body in rows],
        )

    def remove(self, page_ids: Sequence[int]) -> None:
        if page_ids:
            db.session.execute(
                sa.text("DELETE FROM page_fts WHERE rowid IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": list(page_ids)},
            )

    @staticmethod
    def match_expression(tokens: Sequence[str]) -> str:
        quoted = ['"' + t.replace('"', '""') + '"' for t in tokens]
        quoted[-1] += "*"
        return " AND ".join(quoted)

    def query(self, tokens: Sequence[str], document_ids: Sequence[int], limit: int) -> list[Hit]:
        if not tokens or not document_ids:
            return []
        statement = sa.text(
            "SELECT p.id, bm25(page_fts) AS rank, page_fts.body FROM page_fts "
            "JOIN document_pages p ON p.id = page_fts.rowid "
            "WHERE page_fts MATCH :match AND p.document_id IN :docs "
            "ORDER BY rank LIMIT :limit"
        ).bindparams(sa.bindparam("docs", expanding=True))
        rows = db.session.execute(
            statement,
            {"match": self.match_expression(tokens), "docs": list(document_ids), "limit": limit},
        ).all()
        # bm25 is lower for better matches.
        return [Hit(page_id=int(r[0]), score=round(-float(r[1]), 4), folded=r[2]) for r in rows]


class PostgresEngine:
    name = "postgresql-tsvector"

    def index(self, rows: Sequence[tuple[int, str]]) -> None:
        if not rows:
            return
        params = [{"id": page_id, "body": body} for page_id, body in rows]
        db.session.execute(
            sa.text(
                "INSERT INTO page_fts (page_id, tsv) VALUES (:id, to_tsvector('simple', :body)) "
                "ON CONFLICT (page_id) DO UPDATE SET tsv = EXCLUDED.tsv"
            ),
            params,
        )
        db.session.execute(
            sa.text(
                "INSERT INTO page_fts_body (page_id, body) VALUES (:id, :body) "
                "ON CONFLICT (page_id) DO UPDATE SET body = EXCLUDED.body"
            ),
            params,
        )

    def remove(self, page_ids: Sequence[int]) -> None:
        if page_ids:
            for table in ("page_fts", "page_fts_body"):
                db.session.execute(
                    sa.text(f"DELETE FROM {table} WHERE page_id IN :ids").bindparams(  # noqa: S608
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": list(page_ids)},
                )

    @staticmethod
    def tsquery(tokens: Sequence[str]) -> str:
        # Tokens are letters and digits only (textfold.TOKEN), safe inside a tsquery.
        parts = list(tokens)
        parts[-1] += ":*"
        return " & ".join(parts)

    def query(self, tokens: Sequence[str], document_ids: Sequence[int], limit: int) -> list[Hit]:
        if not tokens or not document_ids:
            return []
        # The folded text is read for the pages kept only, after ranking.
        statement = sa.text(
            "SELECT r.id, r.rank, b.body FROM ("
            " SELECT p.id, ts_rank(f.tsv, q) AS rank"
            " FROM page_fts f JOIN document_pages p ON p.id = f.page_id,"
            " to_tsquery('simple', :query) q"
            " WHERE f.tsv @@ q AND p.document_id IN :docs"
            " ORDER BY rank DESC, p.id LIMIT :limit"
            ") r JOIN page_fts_body b ON b.page_id = r.id "
            "ORDER BY r.rank DESC, r.id"
        ).bindparams(sa.bindparam("docs", expanding=True))
        rows = db.session.execute(
            statement,
            {"query": self.tsquery(tokens), "docs": list(document_ids), "limit": limit},
        ).all()
        return [Hit(page_id=int(r[0]), score=round(float(r[1]), 4), folded=r[2]) for r in rows]


def engine() -> Engine:
    """The engine of the database in use."""
    if db.session.get_bind().dialect.name == "postgresql":
        return PostgresEngine()
    return SqliteEngine()
