"""PostgreSQL search keeps each page's folded text beside its tsvector

Revision ID: c4f1d2a7b3e9
Revises: 9b91e68696a6
Create Date: 2026-12-02 00:40:00

SQLite's FTS5 table already holds the folded text it indexes; on PostgreSQL only the
tsvector was kept, so every search folded its candidate pages again. page_fts_body holds
the folded text (a table of its own, so that ranking, which reads every matching page's
vector, keeps reading small rows). Pages indexed before this revision are filled in here,
folded by the same function the server uses.
"""

import sqlalchemy as sa
from alembic import op

from server.documents.textfold import fold

revision = "c4f1d2a7b3e9"
down_revision = "9b91e68696a6"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE page_fts_body ("
        " page_id integer PRIMARY KEY REFERENCES document_pages (id) ON DELETE CASCADE,"
        " body text NOT NULL)"
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT p.id, p.text FROM document_pages p JOIN page_fts f ON f.page_id = p.id "
                "WHERE p.id > :last ORDER BY p.id LIMIT :batch"
            ),
            {"last": last, "batch": BATCH},
        ).all()
        if not rows:
            break
        bind.execute(
            sa.text("INSERT INTO page_fts_body (page_id, body) VALUES (:id, :body)"),
            [{"id": row.id, "body": fold(row.text)} for row in rows],
        )
        last = rows[-1].id


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE page_fts_body")
