"""Every audit entry is signed with a key kept outside the database; a closed vote keeps the
hash of its entry

Revision ID: e3b9c04f71a2
Revises: d7e2a91c5b30
Create Date: 2026-12-04 05:00:00

Entries written before this revision stay unsigned (a prefix of the chain, reported as such
by `flask audit verify`); every later entry carries the Ed25519 signature of its hash. A
plain ADD COLUMN (no table rebuild), so the append-only triggers stay in place.
"""

import sqlalchemy as sa
from alembic import op

revision = "e3b9c04f71a2"
down_revision = "d7e2a91c5b30"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit_entries", sa.Column("signature", sa.String(length=88), nullable=True))
    with op.batch_alter_table("motions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_hash", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE motions SET audit_hash = (SELECT e.hash FROM audit_entries e WHERE "
        "e.action = 'vote.closed' AND e.subject = 'motion:' || motions.id "
        "ORDER BY e.id DESC LIMIT 1) WHERE status = 'closed'"
    )


def downgrade():
    with op.batch_alter_table("motions", schema=None) as batch_op:
        batch_op.drop_column("audit_hash")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite drops a column by rebuilding the table: the append-only triggers go with the
        # old table and are made again on the new one.
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_entries_no_{action}")
        with op.batch_alter_table("audit_entries", schema=None) as batch_op:
            batch_op.drop_column("signature")
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_entries_no_{action.lower()} BEFORE {action} ON "
                "audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END"
            )
        return
    op.drop_column("audit_entries", "signature")
