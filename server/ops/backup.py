"""Backups of the database and the file storage together, encrypted, and their restore.

A backup is one tar file encrypted with age (https://age-encryption.org, through pyrage) for
one or more recipients, the public halves of keys the operator keeps off the server. The
server needs only the recipients to write a backup; only the identity (the private key) opens
it, so a copy of the file is unreadable to whoever takes it. Inside, the tar holds:

    manifest.json        format, time, engine, schema revision, SHA-256 and size of every member
    database.sqlite      SQLite's online backup (a consistent copy while the server runs), or
    database.pgdump      pg_dump's custom format (one consistent snapshot)
    storage/...          every file under STORAGE_DIR except regenerable caches

The database is copied first, then the files. Stored files are content-addressed and never
change, and a row is committed only after its file is written, so every file the copied
database refers to is in the backup (files added later are harmless extras).

The plaintext tar is built in a private temporary directory (mode 0700, under TMPDIR),
encrypted into the output, and removed, on failure too. Its being on disk meanwhile is
acceptable: it holds only what the live instance already keeps unencrypted on this server
(the database and the stored files), readable by the same user alone. It needs about the
backup's size in free space; point TMPDIR at the instance's disk when /tmp is small.
The output is created with mode 0600 from its first byte (no window in which others could
open it) as `<name>.partial`, and renamed when complete: a file with the final name is always
a whole backup.

Restore decrypts into such a directory, checks every checksum before it writes anything, and
only writes into an empty database and storage unless forced.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyrage
import sqlalchemy as sa
from pyrage import x25519

FORMAT = 1
#: Directories under STORAGE_DIR not worth keeping: page images are rendered again on demand
#: from the sanitised documents, tmp/ holds uploads in flight.
REGENERABLE = frozenset({"pages", "tmp"})
#: The first line of every age file (binary, not armored: what encrypt_io writes).
AGE_HEADER = b"age-encryption.org/v1\n"


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


# --- Keys -------------------------------------------------------------------------------


def parse_recipients(values: Iterable[str]) -> list[x25519.Recipient]:
    """age recipients ("age1...") from values that may each hold several, comma/space separated."""
    words = [w for value in values for w in re.split(r"[\s,]+", value) if w]
    recipients = []
    for word in words:
        try:
            recipients.append(x25519.Recipient.from_str(word))
        except pyrage.RecipientError:
            raise BackupError(
                f"{word!r} is not an age recipient: a recipient is the public key line "
                "starting with age1 that `flask backup keygen` prints"
            ) from None
    return recipients


def new_identity(path: Path) -> str:
    """Write a new age identity to `path` (0600, never over an existing file); its recipient."""
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    text = (
        f"# created: {datetime.now(UTC).isoformat(timespec='seconds')}\n"
        f"# public key: {recipient}\n"
        f"{identity}\n"
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(
            f"{path} already exists and is left as it is: it may be the only key that opens "
            "earlier backups. Choose another file name."
        ) from None
    except OSError as exc:
        raise BackupError(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    return recipient


def load_identities(path: Path) -> list[x25519.Identity]:
    """The identities in an age identity file (`flask backup keygen` or `age-keygen`)."""
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise BackupError(f"cannot read the key file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BackupError(f"{path} is not an age identity file (it is not text)") from None
    identities = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            # The line itself is never repeated: it may be most of a private key.
            raise BackupError(
                f"line {number} of {path} is not an age identity (a line starting with "
                "AGE-SECRET-KEY-1)"
            ) from None
    if not identities:
        raise BackupError(f"{path} holds no age identity (a line starting with AGE-SECRET-KEY-1)")
    return identities


# --- Helpers ----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_file(path: Path) -> io.BufferedWriter:
    """A new file open for writing, readable by this user only from its first byte."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


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


# --- Create -----------------------------------------------------------------------------


def create_backup(
    source: Target, output: Path, recipients: list[x25519.Recipient]
) -> dict[str, Any]:
    """Write an encrypted backup of `source` to `output` for `recipients`; returns its manifest."""
    if not recipients:
        raise BackupError("no recipient to encrypt the backup for")
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
        plain = work / "backup.tar"
        with _private_file(plain) as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
        _encrypt(plain, output, recipients)
    return manifest


def _encrypt(plain: Path, output: Path, recipients: list[x25519.Recipient]) -> None:
    """Encrypt `plain` into `output`, written as a 0600 `.partial` and renamed when whole."""
    partial = output.with_name(output.name + ".partial")
    try:
        if not output.parent.is_dir():
            output.parent.mkdir(mode=0o700, parents=True)
        partial.unlink(missing_ok=True)  # a crashed run's: its mode is not ours to trust
        with plain.open("rb") as reader, _private_file(partial) as writer:
            pyrage.encrypt_io(reader, writer, recipients)
            writer.flush()
            os.fsync(writer.fileno())
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot write {output}: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


# --- Read -------------------------------------------------------------------------------


def decrypt_backup(archive: Path, identities: list[x25519.Identity], into: Path) -> Path:
    """Decrypt `archive` into the private directory `into`; returns the plaintext tar."""
    try:
        with archive.open("rb") as handle:
            header = handle.read(len(AGE_HEADER))
    except OSError as exc:
        raise BackupError(f"cannot read {archive}: {exc.strerror}") from None
    if header != AGE_HEADER:
        raise BackupError(f"{archive} is not a council room backup (it is not age-encrypted)")
    plain = into / "backup.tar"
    try:
        with archive.open("rb") as reader, _private_file(plain) as writer:
            pyrage.decrypt_io(reader, writer, identities)
    except pyrage.DecryptError:
        raise BackupError(
            f"this backup cannot be opened with that key: {archive} was encrypted for another "
            "key, or its beginning is damaged"
        ) from None
    except OSError as exc:
        if exc.errno is not None:  # reading the backup or writing the temporary copy
            raise BackupError(f"cannot decrypt {archive}: {exc.strerror}") from None
        raise BackupError(
            f"{archive} is damaged: it opens with that key but cannot be decrypted to its end"
        ) from None
    return plain


def _read_manifest(tar_path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(tar_path, "r") as tar:
            handle = tar.extractfile("manifest.json")
            if handle is None:
                raise KeyError("manifest.json")
            manifest: dict[str, Any] = json.loads(handle.read())
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"this is not a council room backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"this backup has format {manifest.get('format')}, not {FORMAT}")
    return manifest


def verify_backup(archive: Path, identities: list[x25519.Identity], into: Path) -> dict[str, Any]:
    """Decrypt, extract into the private directory `into` and check every member."""
    with tempfile.TemporaryDirectory(prefix="council-decrypt-") as tmp:
        tar_path = decrypt_backup(archive, identities, Path(tmp))
        manifest = _read_manifest(tar_path)
        expected = {m["name"]: m for m in manifest["members"]}
        with tarfile.open(tar_path, "r") as tar:
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


def restore_backup(
    archive: Path, identities: list[x25519.Identity], target: Target, *, force: bool = False
) -> dict[str, Any]:
    """Restore a backup into `target` (empty unless `force`); the server must be stopped."""
    with tempfile.TemporaryDirectory(prefix="council-restore-") as tmp:
        work = Path(tmp)
        manifest = verify_backup(archive, identities, work)
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
