"""Backups of the database and the file storage together, and their restore.

A backup is one .tar file:

    manifest.json        format, time, engine, schema revision, SHA-256 and size of every member
    database.sqlite      SQLite's online backup (a consistent copy while the server runs), or
    database.pgdump      pg_dump's custom format (one consistent snapshot)
    storage/...          every file under STORAGE_DIR except regenerable caches

The database is copied first, then the files. Stored files are content-addressed and never
change, and a row is committed only after its file is written, so every file the copied
database refers to is in the backup (files added later are harmless extras).
Restore checks every checksum before it writes anything, and only writes into an empty
database and storage unless forced.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

FORMAT = 1
#: Directories under STORAGE_DIR not worth keeping: page images are rendered again on demand
#: from the sanitised documents, tmp/ holds uploads in flight.
REGENERABLE = frozenset({"pages", "tmp"})


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in plain words."""


@dataclass(frozen=True)
class Target:
    """Where a backup comes from or goes to."""

    database_url: sa.URL
    storage: Path

    @property
    def engine_name(self) -> str:
        return "postgresql" if self.database_url.get_backend_name() == "postgresql" else "sqlite"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    """The newest pg_dump / pg_restore on this machine (it must not be older than the server)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: install the PostgreSQL client tools")
    return found


def _pg_args(url: sa.URL) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = [
        "--dbname",
        url.set(drivername="postgresql", password=None).render_as_string(hide_password=False),
    ]
    return args, env


def _storage_files(storage: Path) -> Iterator[Path]:
    if not storage.is_dir():
        return
    for path in sorted(storage.rglob("*")):
        relative = path.relative_to(storage)
        if path.is_file() and relative.parts[0] not in REGENERABLE:
            yield path


def _revision(url: sa.URL) -> str | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        return None
    finally:
        engine.dispose()


def create_backup(source: Target, output: Path) -> dict[str, Any]:
    """Write a backup of `source` to `output` (a .tar file); returns its manifest."""
    with tempfile.TemporaryDirectory(prefix="council-backup-") as tmp:
        work = Path(tmp)
        if source.engine_name == "sqlite":
            database = work / "database.sqlite"
            src = sqlite3.connect(str(source.database_url.database))
            dst = sqlite3.connect(str(database))
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        else:
            database = work / "database.pgdump"
            args, env = _pg_args(source.database_url)
            done = subprocess.run(
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(database),
                    *args,
                ],
                env=env,
                capture_output=True,
                timeout=3600,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.decode(errors='replace')}")

        members = [(database.name, database)]
        members += [
            (f"storage/{p.relative_to(source.storage).as_posix()}", p)
            for p in _storage_files(source.storage)
        ]
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "engine": source.engine_name,
            "revision": _revision(source.database_url),
            "members": [
                {"name": n, "sha256": _sha256(p), "size": p.stat().st_size} for n, p in members
            ],
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_suffix(output.suffix + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
        partial.replace(output)
    return manifest


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            handle = tar.extractfile("manifest.json")
            if handle is None:
                raise KeyError("manifest.json")
            manifest: dict[str, Any] = json.loads(handle.read())
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive} is not a council room backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} has backup format {manifest.get('format')}, not {FORMAT}")
    return manifest


def verify_backup(archive: Path, into: Path) -> dict[str, Any]:
    """Extract into `into` and check every member against the manifest."""
    manifest = read_manifest(archive)
    expected = {m["name"]: m for m in manifest["members"]}
    with tarfile.open(archive, "r") as tar:
        names = set(tar.getnames()) - {"manifest.json"}
        if names != set(expected):
            raise BackupError("the backup's files do not match its manifest")
        tar.extractall(into, filter="data")
    for name, member in expected.items():
        path = into / name
        if path.stat().st_size != member["size"] or _sha256(path) != member["sha256"]:
            raise BackupError(f"{name} in the backup is damaged (checksum mismatch)")
    return manifest


def _database_is_empty(target: Target) -> bool:
    if target.engine_name == "sqlite":
        path = Path(str(target.database_url.database))
        if not path.exists():
            return True
    engine = sa.create_engine(target.database_url)
    try:
        return not sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore_backup(archive: Path, target: Target, *, force: bool = False) -> dict[str, Any]:
    """Restore a backup into `target` (empty unless `force`); the server must be stopped."""
    with tempfile.TemporaryDirectory(prefix="council-restore-") as tmp:
        work = Path(tmp)
        manifest = verify_backup(archive, work)
        if manifest["engine"] != target.engine_name:
            raise BackupError(
                f"this backup is of a {manifest['engine']} database; the target is "
                f"{target.engine_name}"
            )
        storage_used = any(_storage_files(target.storage))
        if not force and (not _database_is_empty(target) or storage_used):
            raise BackupError(
                "the target database or storage is not empty; restore into a new instance, "
                "or pass --force to overwrite it"
            )
        if target.engine_name == "sqlite":
            path = Path(str(target.database_url.database))
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(work / "database.sqlite", path)
        else:
            args, env = _pg_args(target.database_url)
            clean = ["--clean", "--if-exists"] if force else []
            done = subprocess.run(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    *clean,
                    *args,
                    str(work / "database.pgdump"),
                ],
                env=env,
                capture_output=True,
                timeout=3600,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.decode(errors='replace')}")
        stored = work / "storage"
        if stored.is_dir():
            for path in stored.rglob("*"):
                if path.is_file():
                    destination = target.storage / path.relative_to(stored)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, destination)
    return manifest
