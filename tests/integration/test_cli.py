"""Flask CLI commands: seed-demo, users, audit verify; the production start-up checks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from server import create_app
from server.accounts.models import User
from server.audit import service as audit
from server.extensions import db
from server.startup import check_deployment
from tests.conftest import app_config


def count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_demo_is_idempotent(app):
    users = count(app, User)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "already present" in result.output
    assert count(app, User) == users == 55


def test_demo_names_are_vietnamese_and_distinct(app):
    with app.app_context():
        names = [
            u.full_name
            for u in db.session.scalars(sa.select(User).where(User.username.like("delegate%")))
        ]
    assert len(names) == len(set(names)) == 50
    assert any("ư" in n or "ơ" in n or "Đ" in n or "ă" in n for n in names)


def test_users_create_councils_and_set_password(app, api):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["councils", "create", "Hội đồng nhân dân xã Ea Tu", "--level", "commune"]
    )
    assert result.exit_code == 0, result.output
    council_id = int(result.output.split("council ")[1].split(":")[0])
    listed = runner.invoke(args=["councils", "list"])
    assert f"{council_id}\tcommune\tHội đồng nhân dân xã Ea Tu" in listed.output

    result = runner.invoke(
        args=[
            "users",
            "create",
            "thuky2",
            "--full-name",
            "Phạm Thị Lan",
            "--password",
            "mật-khẩu-dài-1",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "councils",
            "add-member",
            str(council_id),
            "thuky2",
            "--role",
            "secretary",
            "--role",
            "guest",
        ]
    )
    assert result.exit_code == 0, result.output
    login = api.login("thuky2", "mật-khẩu-dài-1")
    assert login.status_code == 200
    assert login.json["user"]["roles"] == ["guest", "secretary"]

    result = runner.invoke(args=["users", "set-password", "thuky2", "--password", "khác-hẳn-2"])
    assert result.exit_code == 0
    assert api.login("thuky2", "khác-hẳn-2").status_code == 200

    dup = runner.invoke(
        args=["users", "create", "thuky2", "--full-name", "X", "--password", "whatever-long"]
    )
    assert dup.exit_code != 0
    assert "already taken" in dup.output

    admin = runner.invoke(
        args=["users", "create", "quantri", "--full-name", "Q", "--admin", "--password", "x" * 12]
    )
    assert admin.exit_code == 0
    assert api.login("quantri", "x" * 12).json["user"]["roles"] == ["admin"]
    with app.app_context():
        actions = db.session.scalars(
            sa.text("SELECT action FROM audit_entries ORDER BY id DESC LIMIT 5")
        ).all()
    # Every change made from the command line is in the audit log, in order.
    assert actions[::-1] == [
        "council.created",
        "user.created",
        "membership.added",
        "password.set",
        "user.created",
    ]


def test_audit_verify_finds_the_first_forged_entry(app, database_url):
    with app.app_context():
        # The demo seed's own entries (the meeting, published documents ...) come first.
        seeded = db.session.scalar(sa.text("SELECT count(*) FROM audit_entries"))
        for n in range(5):
            audit.record("test.action", actor_id=None, data={"n": n})
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert f"intact: {seeded + 5} entries" in result.output

    # Someone with database access edits entry 3 around the append-only guard.
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.session.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
        else:
            db.session.execute(
                sa.text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
            )
        db.session.execute(
            sa.text("UPDATE audit_entries SET data = :d WHERE id = 4"), {"d": '{"n": 99}'}
        )
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "broken at entry 4" in result.output


def test_production_refuses_a_short_secret(tmp_path):
    config = app_config(
        f"sqlite:///{tmp_path / 'x.db'}",
        tmp_path,
        DEPLOYMENT="production",
        SECRET_KEY="short",
    )
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_refuses_demo_accounts(app, database_url, tmp_path):
    app.config["DEPLOYMENT"] = "production"
    with pytest.raises(SystemExit, match="demo accounts"):
        check_deployment(app)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
