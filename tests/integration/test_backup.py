"""flask backup keygen / create / restore: encrypted for the operator's key, database and files
together, restored into an empty instance only with the right identity."""

from __future__ import annotations

import io
import shutil
import stat
import subprocess
import tarfile
import uuid
from pathlib import Path

import pyrage
import pytest
import sqlalchemy as sa
from pyrage import x25519

from server.config import from_environment
from server.extensions import db
from tests.conftest import build_app, service_missing


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


def is_empty(url: str, storage: Path) -> bool:
    """Nothing was written: no tables in the database, no file in the storage."""
    if url.startswith("sqlite") and not Path(sa.make_url(url).database or "").exists():
        tables: list[str] = []
    else:
        engine = sa.create_engine(url)
        try:
            tables = sa.inspect(engine).get_table_names()
        finally:
            engine.dispose()
    return not tables and not (storage.exists() and any(storage.rglob("*")))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def keygen(app, path: Path) -> str:
    """A new identity in `path` through the command; returns its recipient."""
    result = app.test_cli_runner().invoke(args=["backup", "keygen", "--identity", str(path)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("BACKUP_RECIPIENTS="))
    return line.removeprefix("BACKUP_RECIPIENTS=")


def create(app, output: Path, recipient: str):
    return app.test_cli_runner().invoke(
        args=["backup", "create", "--output", str(output), "--recipient", recipient]
    )


@pytest.fixture
def key(app, tmp_path) -> tuple[Path, str]:
    """The operator's identity file and its recipient."""
    path = tmp_path / "operator" / "backup-key.txt"
    path.parent.mkdir()
    return path, keygen(app, path)


def test_round_trip_into_an_empty_instance(
    request, app, login, database_url, tmp_path, demo_meeting_id, key
):
    identity, recipient = key
    # Some activity beyond the seed, and some stored files.
    login("delegate01").post(f"/api/meetings/{demo_meeting_id}/attendance/check-in", json={})
    storage = Path(app.config["STORAGE_DIR"])
    (storage / "originals" / "ab").mkdir(parents=True, exist_ok=True)
    (storage / "originals" / "ab" / "abcdef.pdf").write_bytes(b"%PDF-1.7 original")
    (storage / "pages" / "ab").mkdir(parents=True, exist_ok=True)
    (storage / "pages" / "ab" / "page-1.webp").write_bytes(b"regenerable")
    kept = {name: data for name, data in files(storage).items() if name.split("/")[0] != "pages"}
    assert "originals/ab/abcdef.pdf" in kept

    # The recipients come from the configuration; the backup opens with either key.
    other = str(x25519.Identity.generate().to_public())
    app.config["BACKUP_RECIPIENTS"] = [other, recipient]
    app.instance_path = str(tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["backup", "create"])
    assert result.exit_code == 0, result.output
    assert "for 2 recipients" in result.output
    (archive,) = (tmp_path / "instance" / "backups").iterdir()
    assert archive.name.startswith("council-")
    assert archive.name.endswith(".tar.age")

    plain = tmp_path / "plain.tar"
    with archive.open("rb") as src, plain.open("wb") as dst:
        pyrage.decrypt_io(src, dst, [x25519.Identity.from_str(identity.read_text().split()[-1])])
    with tarfile.open(plain) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert "storage/originals/ab/abcdef.pdf" in names
    assert not any(n.startswith("storage/pages") for n in names)

    target_url = empty_target(request, database_url, tmp_path)
    target = build_app(target_url, tmp_path / "restored-storage")
    request.addfinalizer(lambda: dispose(target))
    restore = ["backup", "restore", str(archive), "--identity", str(identity)]
    result = target.test_cli_runner().invoke(args=restore)
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

    again = target.test_cli_runner().invoke(args=restore)
    assert again.exit_code != 0
    assert "not empty" in again.output


def test_the_backup_file_is_private_and_unreadable_without_the_key(app, tmp_path, key):
    _, recipient = key
    output = tmp_path / "backups" / "nightly.tar.age"
    result = create(app, output, recipient)
    assert result.exit_code == 0, result.output
    assert mode(output) == 0o600
    assert mode(output.parent) == 0o700
    assert not output.with_name(output.name + ".partial").exists()

    data = output.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n")
    storage = Path(app.config["STORAGE_DIR"])
    stored = sorted(p for p in (storage / "originals").rglob("*.pdf") if p.stat().st_size > 4096)
    assert stored, "the demo council has stored PDFs"
    pdf = stored[0].read_bytes()
    assert pdf[2048:2112] not in data
    for plaintext in (
        b"%PDF-",
        b"SQLite format 3",  # the SQLite copy
        b"PGDMP",  # pg_dump's custom format
        b"delegate01",
        "Hội đồng".encode(),
        b"manifest.json",
        b"ustar",  # any tar header
    ):
        assert plaintext not in data, plaintext


def test_the_wrong_key_opens_nothing_and_writes_nothing(request, app, database_url, tmp_path, key):
    _, recipient = key
    archive = tmp_path / "backup.tar.age"
    assert create(app, archive, recipient).exit_code == 0

    stranger = tmp_path / "stranger-key.txt"
    keygen(app, stranger)
    target_url = empty_target(request, database_url, tmp_path)
    target = build_app(target_url, tmp_path / "new-storage")
    request.addfinalizer(lambda: dispose(target))
    result = target.test_cli_runner().invoke(
        args=["backup", "restore", str(archive), "--identity", str(stranger)]
    )
    assert result.exit_code != 0
    assert "this backup cannot be opened with that key" in result.output
    assert is_empty(target_url, tmp_path / "new-storage")

    # A file that is not a key file at all: named, and its content never repeated.
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("AGE-SECRET-KEY-1NOTAKEY\n")
    result = target.test_cli_runner().invoke(
        args=["backup", "restore", str(archive), "--identity", str(not_a_key)]
    )
    assert result.exit_code != 0
    assert "is not an age identity" in result.output
    assert "NOTAKEY" not in result.output
    result = target.test_cli_runner().invoke(
        args=["backup", "restore", str(archive), "--identity", str(archive)]
    )
    assert result.exit_code != 0
    assert "is not an age identity file" in result.output
    assert is_empty(target_url, tmp_path / "new-storage")


def test_damaged_backup_is_refused_before_anything_is_written(app, tmp_path, key):
    identity, recipient = key
    archive = tmp_path / "backup.tar.age"
    assert create(app, archive, recipient).exit_code == 0
    target_db = tmp_path / "new.db"
    target = build_app(f"sqlite:///{target_db}", tmp_path / "new-storage")

    def restore(path: Path):
        return target.test_cli_runner().invoke(
            args=["backup", "restore", str(path), "--identity", str(identity)]
        )

    # One bit flipped in the encrypted file: age's authentication notices.
    flipped = tmp_path / "flipped.tar.age"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 1
    flipped.write_bytes(bytes(data))
    result = restore(flipped)
    assert result.exit_code != 0
    assert "is damaged" in result.output
    assert is_empty(f"sqlite:///{target_db}", tmp_path / "new-storage")

    # A member changed inside a tar that was then encrypted again for the same key (anyone
    # with the public recipient can do that): the manifest's checksums notice.
    ident = x25519.Identity.from_str(identity.read_text().split()[-1])
    plain = io.BytesIO()
    with archive.open("rb") as src:
        pyrage.decrypt_io(src, plain, [ident])
    plain.seek(0)
    tampered = io.BytesIO()
    with tarfile.open(fileobj=plain) as src, tarfile.open(fileobj=tampered, mode="w") as dst:
        for member in src.getmembers():
            handle = src.extractfile(member)
            content = handle.read() if handle else b""
            if member.name.startswith("database"):
                content = content[:-10] + b"0123456789"
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    tampered.seek(0)
    damaged = tmp_path / "damaged.tar.age"
    with damaged.open("wb") as out:
        pyrage.encrypt_io(tampered, out, [x25519.Recipient.from_str(recipient)])
    result = restore(damaged)
    assert result.exit_code != 0
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert "damaged (checksum mismatch)" in result.output
    else:
        assert "postgresql" in result.output or "damaged" in result.output
    assert is_empty(f"sqlite:///{target_db}", tmp_path / "new-storage")

    # Not an encrypted backup: a plain tar, or anything else.
    for name, content in (("old.tar", plain.getvalue()), ("x.tar", b"hello")):
        other = tmp_path / name
        other.write_bytes(content)
        result = restore(other)
        assert result.exit_code != 0
        assert "not a council room backup" in result.output
    assert is_empty(f"sqlite:///{target_db}", tmp_path / "new-storage")
    dispose(target)


def test_age_decrypts_a_backup(app, tmp_path, key):
    """Debian's age tool opens a backup with the identity file: no server needed to read it."""
    age = shutil.which("age")
    if age is None:
        service_missing("the age tool is not installed (apt-get install age)")
    identity, recipient = key
    archive = tmp_path / "backup.tar.age"
    assert create(app, archive, recipient).exit_code == 0
    plain = tmp_path / "backup.tar"
    with plain.open("wb") as out:
        done = subprocess.run(
            [age, "-d", "-i", str(identity), str(archive)], stdout=out, stderr=subprocess.PIPE
        )
    assert done.returncode == 0, done.stderr
    with tarfile.open(plain) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert any(n.startswith("database.") for n in names)
    assert any(n.startswith("storage/originals/") for n in names)


# --- Without a database: keys and refusals ---------------------------------------------


@pytest.fixture
def bare_app(tmp_path):
    """An app whose database is never opened (the commands below refuse before it is)."""
    app = build_app(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path / "storage")
    app.config["BACKUP_RECIPIENTS"] = []
    yield app
    dispose(app)


def test_keygen_writes_a_private_identity_and_never_overwrites(bare_app, tmp_path):
    path = tmp_path / "backup-key.txt"
    recipient = keygen(bare_app, path)
    assert mode(path) == 0o600
    text = path.read_text()
    assert f"# public key: {recipient}" in text
    identity = x25519.Identity.from_str(text.split()[-1])
    assert str(identity.to_public()) == recipient

    result = bare_app.test_cli_runner().invoke(args=["backup", "keygen", "--identity", str(path)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert path.read_text() == text


def test_create_refuses_without_a_recipient_and_writes_nothing(bare_app, tmp_path):
    output = tmp_path / "out" / "backup.tar.age"
    result = bare_app.test_cli_runner().invoke(args=["backup", "create", "--output", str(output)])
    assert result.exit_code != 0
    assert "never written unencrypted" in result.output
    assert "flask backup keygen" in result.output
    assert not output.parent.exists()

    result = bare_app.test_cli_runner().invoke(
        args=["backup", "create", "--output", str(output), "--recipient", "age1notakey"]
    )
    assert result.exit_code != 0
    assert "'age1notakey' is not an age recipient" in result.output
    assert not output.parent.exists()


def test_backup_recipients_are_read_from_the_environment(monkeypatch):
    a, b, c = (str(x25519.Identity.generate().to_public()) for _ in range(3))
    monkeypatch.setenv("BACKUP_RECIPIENTS", f" {a}, {b}\n{c} ")
    assert from_environment()["BACKUP_RECIPIENTS"] == [a, b, c]
    monkeypatch.delenv("BACKUP_RECIPIENTS")
    assert from_environment()["BACKUP_RECIPIENTS"] == []
