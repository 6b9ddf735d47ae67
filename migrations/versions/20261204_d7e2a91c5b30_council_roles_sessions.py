"""Roles belong to council memberships; sessions kept by the server; devices confirmed by
their user

Revision ID: d7e2a91c5b30
Revises: c4f1d2a7b3e9
Create Date: 2026-12-04 04:00:00

Until now roles were global (user_roles) and a membership only said where they applied, so
the chair of one council was a chair in every council they were attached to. Each membership
now holds its roles (one column per role); every membership of a user gets the roles the
user had, which is what they meant before. The administrator's role moves to the account
(users.is_admin). An elected member holds the delegate role.

Sessions: the cookie now carries a random token whose hash is a user_sessions row, checked
on every request (the version counter that logged users out is gone: sessions are ended by
their rows). Everyone logs in again once after this upgrade.

Councils: the session in progress, while it runs, freezes the electorate (members, seats and
staff roles change only by the administrator).

Login throttle: a growing delay per key instead of a lock (next_allowed_at).

Devices: a tablet paired with a token issued by someone else votes only once its user has
confirmed it with their password (confirmed_at). Devices already paired count as
unconfirmed, except those paired with a token their user issued.
"""

import sqlalchemy as sa
from alembic import op

revision = "d7e2a91c5b30"
down_revision = "c4f1d2a7b3e9"
branch_labels = None
depends_on = None

COUNCIL_ROLES = ("secretary", "chair", "delegate", "guest", "display")


def upgrade():
    with op.batch_alter_table("council_memberships", schema=None) as batch_op:
        for role in COUNCIL_ROLES:
            batch_op.add_column(
                sa.Column(f"role_{role}", sa.Boolean(), nullable=False, server_default=sa.false())
            )
    for role in COUNCIL_ROLES:
        op.execute(
            f"UPDATE council_memberships SET role_{role} = TRUE WHERE user_id IN "  # noqa: S608
            f"(SELECT user_id FROM user_roles WHERE role = '{role}')"
        )
    op.execute("UPDATE council_memberships SET role_delegate = TRUE WHERE is_member")
    with op.batch_alter_table("council_memberships", schema=None) as batch_op:
        for role in COUNCIL_ROLES:
            batch_op.alter_column(f"role_{role}", server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_council_memberships_member_is_delegate"), "NOT is_member OR role_delegate"
        )

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frozen_by_meeting_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE councils SET frozen_by_meeting_id = (SELECT min(m.id) FROM meetings m "
        "WHERE m.council_id = councils.id AND m.status = 'in_progress')"
    )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        "UPDATE users SET is_admin = TRUE WHERE id IN "
        "(SELECT user_id FROM user_roles WHERE role = 'admin')"
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("is_admin", server_default=None)
        batch_op.drop_column("session_version")
    op.drop_table("user_roles")

    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE devices SET confirmed_at = created_at WHERE id IN (SELECT t.device_id FROM "
        "pairing_tokens t WHERE t.device_id IS NOT NULL AND t.created_by_id = t.user_id)"
    )

    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_allowed_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idle_seconds", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_user_sessions_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_sessions_device_id"), ["device_id"], unique=False)


def downgrade():
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_device_id"))
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")

    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_column("next_allowed_at")

    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")

    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'secretary', 'chair', 'delegate', 'guest', 'display')",
            name=op.f("ck_user_roles_known_role"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )
    # Back to global roles: every role held in any council, and admin from the account.
    for role in COUNCIL_ROLES:
        op.execute(
            "INSERT INTO user_roles (user_id, role) SELECT DISTINCT user_id, "  # noqa: S608
            f"'{role}' FROM council_memberships WHERE role_{role}"
        )
    op.execute(
        "INSERT INTO user_roles (user_id, role) SELECT id, 'admin' FROM users WHERE is_admin"
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.drop_column("is_admin")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("session_version", server_default=None)

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("frozen_by_meeting_id")

    with op.batch_alter_table("council_memberships", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_council_memberships_member_is_delegate"), type_="check")
        for role in COUNCIL_ROLES:
            batch_op.drop_column(f"role_{role}")
