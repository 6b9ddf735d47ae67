"""flask backup create / restore: database and files together, restored into an empty instance."""

from __future__ import annotations

import tarfile
import uuid
from pathlib import Path

import sqlalchemy as sa

from server.extensions import db
from tests.conftest import build_app


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(sa.inspect(conn).get_table_names())
            return {
                t: sorted(
                    tuple(str(v) for v in row)
                    for row in conn.execute(sa.select(sa.text("*")).select_from(sa.table(t)))
                )
                for t in tables
            }
    finally:
        engine.dispose()


def files(storage: Path) -> dict[str, bytes]:
    return {
        p.relative_to(storage).as_posix(): p.read_bytes() for p in storage.rglob("*") if p.is_file()
    }


def dispose(app) -> None:
    """Close the extra app's connections (a psycopg connection left to the GC warns)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def empty_target(request, database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    server = request.getfixturevalue("postgres_server")
    name = f"r_{uuid.uuid4().hex[:10]}"
    server.create_database(name)
    request.addfinalizer(lambda: server.drop_database(name))
    return server.url(name)


def test_round_trip_into_an_empty_instance(
    request, app, login, database_url, tmp_path, demo_meeting_id
):
    # Some activity beyond the seed, and some stored files.
    login("delegate01").post(f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={})
    storage = Path(app.config["STORAGE_DIR"])
    (storage / "originals" / "ab").mkdir(parents=True, exist_ok=True)
    (storage / "originals" / "ab" / "abcdef.pdf").write_bytes(b"%PDF-1.7 original")
    (storage / "pages" / "ab").mkdir(parents=True, exist_ok=True)
    (storage / "pages" / "ab" / "page-1.webp").write_bytes(b"regenerable")
    kept = {name: data for name, data in files(storage).items() if name.split("/")[0] != "pages"}
    assert "originals/ab/abcdef.pdf" in kept

    archive = tmp_path / "backup.tar"
    result = app.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert "storage/originals/ab/abcdef.pdf" in names
    assert not any(n.startswith("storage/pages") for n in names)

    target_url = empty_target(request, database_url, tmp_path)
    target = build_app(target_url, tmp_path / "restored-storage")
    request.addfinalizer(lambda: dispose(target))
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output

    assert snapshot(target_url) == snapshot(app.config["SQLALCHEMY_DATABASE_URI"])
    assert files(tmp_path / "restored-storage") == kept

    # The restored instance works: the delegate logs in and is still checked in.
    client = target.test_client()
    assert (
        client.post(
            "/api/auth/login", json={"username": "delegate01", "password": "demo"}
        ).status_code
        == 200
    )
    entries = client.get(f"/api/meetings/{demo_meeting_id}/attendance").json["entries"]
    assert entries[0]["state"] == "present"

    again = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert again.exit_code != 0
    assert "not empty" in again.output


def test_damaged_backup_is_refused_before_anything_is_written(app, tmp_path):
    archive = tmp_path / "backup.tar"
    assert (
        app.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)]).exit_code
        == 0
    )
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            content = data.read() if data else b""
            if member.name.startswith("database"):
                content = content[:-10] + b"0123456789"
            member.size = len(content)
            import io

            dst.addfile(member, io.BytesIO(content))
    target_db = tmp_path / "new.db"
    target = build_app(f"sqlite:///{target_db}", tmp_path / "new-storage")
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(damaged)])
    assert result.exit_code != 0
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert "damaged" in result.output
    else:
        assert "postgresql" in result.output or "damaged" in result.output
    assert not target_db.exists() or target_db.stat().st_size == 0

    not_a_backup = tmp_path / "x.tar"
    not_a_backup.write_bytes(b"hello")
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(not_a_backup)])
    assert result.exit_code != 0
    assert "not a council room backup" in result.output
