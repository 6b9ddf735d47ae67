"""Names, titles and labels in Unicode NFC, as every input is from now on

Revision ID: f5a8c3d1e7b2
Revises: e3b9c04f71a2
Create Date: 2026-12-04 07:00:00

Text typed with combining marks (NFD) is rewritten in its precomposed form, so that the same
name is one name. The record of a vote once opened is left exactly as it was: only draft
motions and their options are rewritten. Nothing to undo: NFC text is what the NFD text
says.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "f5a8c3d1e7b2"
down_revision = "e3b9c04f71a2"
branch_labels = None
depends_on = None

#: table -> (its text columns, the rows to rewrite)
COLUMNS = {
    "users": (("full_name", "position"), None),
    "councils": (("name", "term"), None),
    "council_memberships": (("group_name",), None),
    "meetings": (("title", "location"), None),
    "agenda_items": (("title", "presenter"), None),
    "documents": (("title",), None),
    "motions": (("title",), "status = 'draft'"),
    "motion_options": (
        ("label",),
        "motion_id IN (SELECT id FROM motions WHERE status = 'draft')",
    ),
}


def upgrade():
    conn = op.get_bind()
    for table, (columns, where) in COLUMNS.items():
        query = f"SELECT id, {', '.join(columns)} FROM {table}"  # noqa: S608 (names above)
        if where:
            query += f" WHERE {where}"
        sets = ", ".join(f"{c} = :{c}" for c in columns)
        update = sa.text(f"UPDATE {table} SET {sets} WHERE id = :id")  # noqa: S608
        for row in conn.execute(sa.text(query)).mappings().all():
            fixed = {
                c: unicodedata.normalize("NFC", row[c]) if row[c] is not None else None
                for c in columns
            }
            if any(fixed[c] != row[c] for c in columns):
                conn.execute(update, {"id": row["id"], **fixed})


def downgrade():
    pass
