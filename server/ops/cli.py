"""`flask backup keygen|create|restore`, `flask session archive|verify-archive`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from server.extensions import db
from server.ops.archive import ArchiveError, sha256_file, verify_archive, write_archive
from server.ops.backup import (
    BackupError,
    Target,
    create_backup,
    load_identities,
    new_identity,
    parse_recipients,
    restore_backup,
)
from server.ops.collect import archivist, audit_hasher, collect

backup_cli = AppGroup("backup", help="Back up and restore the database and the stored files.")


def _target() -> Target:
    return Target(database_url=db.engine.url, storage=Path(current_app.config["STORAGE_DIR"]))


@backup_cli.command("keygen")
@click.option(
    "--identity",
    "identity_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the new private key to (mode 0600; never overwritten).",
)
def keygen_command(identity_file: Path) -> None:
    """Make the key that opens backups; print the recipient line for BACKUP_RECIPIENTS."""
    try:
        recipient = new_identity(identity_file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Identity (private key) written to {identity_file}.")
    click.echo(
        "Keep it off this server (two copies, apart): without it no backup can be restored, "
        "and whoever has it can read every backup made for it."
    )
    click.echo("Put this line in the server's environment:")
    click.echo(f"BACKUP_RECIPIENTS={recipient}")


@backup_cli.command("create")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Backup file (default: instance/backups/council-<time>.tar.age).",
)
@click.option(
    "--recipient",
    "recipient_values",
    multiple=True,
    help="age recipient (age1...) to encrypt for; repeatable (default: BACKUP_RECIPIENTS).",
)
def create_command(output: Path | None, recipient_values: tuple[str, ...]) -> None:
    """Write a consistent, encrypted backup (database and files) while the server runs."""
    values = list(recipient_values) or list(current_app.config.get("BACKUP_RECIPIENTS") or [])
    if not values:
        raise click.ClickException(
            "No recipient to encrypt the backup for, and a backup is never written "
            "unencrypted. Make a key with `flask backup keygen --identity FILE` (then keep FILE "
            "off this server) and set BACKUP_RECIPIENTS to the age1... line it prints, or pass "
            "--recipient age1..."
        )
    try:
        recipients = parse_recipients(values)
        if output is None:
            backups = Path(current_app.instance_path) / "backups"
            backups.mkdir(mode=0o700, parents=True, exist_ok=True)
            backups.chmod(0o700)  # made by an earlier version with the default mode
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            output = backups / f"council-{stamp}.tar.age"
        manifest = create_backup(_target(), output, recipients)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    files = len(manifest["members"]) - 1
    click.echo(
        f"Encrypted backup written to {output} ({manifest['engine']}, {files} stored files, "
        f"for {len(recipients)} recipient{'s' if len(recipients) > 1 else ''})."
    )


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--identity",
    "identity_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The age identity file (private key) the backup was made for.",
)
@click.option("--force", is_flag=True, help="Overwrite a database or storage that is not empty.")
def restore_command(archive: Path, identity_file: Path, force: bool) -> None:
    """Restore an encrypted backup into this instance (stop the server first)."""
    db.session.remove()
    db.engine.dispose()
    try:
        identities = load_identities(identity_file)
        manifest = restore_backup(archive, identities, _target(), force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Restored the backup of {manifest['created_at']} "
        f"(schema {manifest['revision']}). Run `flask db upgrade` if the code is newer."
    )


session_cli = AppGroup("session", help="The archive of a session for long-term keeping.")


@session_cli.command("archive")
@click.argument("meeting_id", type=int)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="ZIP file to write (default: instance/archives/session-<id>-<time>.zip).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Archive a session that is not closed yet (a safety copy, marked incomplete).",
)
@click.option(
    "--as",
    "username",
    default=None,
    help="Account to read the session as (default: the first active administrator).",
)
@click.option(
    "--with-originals",
    is_flag=True,
    help="Also put the uploads as received, UNSANITISED (they may carry scripts or "
    "attachments), in a separate folder unsanitised-originals/. Off by default: the "
    "archive holds the sanitised documents the tablets got.",
)
def archive_command(
    meeting_id: int,
    output: Path | None,
    force: bool,
    username: str | None,
    with_originals: bool,
) -> None:
    """Write one ZIP with the session's agenda, documents, comments, votes and audit log."""
    try:
        content = collect(
            meeting_id, archivist(username), force=force, with_originals=with_originals
        )
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        # Result sheets may have been cached in storage; nothing in the database changed.
        db.session.rollback()
    if output is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        output = Path(current_app.instance_path) / "archives" / f"session-{meeting_id}-{stamp}.zip"
    manifest = write_archive(content, output)
    for warning in content.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(
        f"Archive of session {meeting_id} written to {output} ({len(manifest['files'])} files)."
    )
    if with_originals:
        click.echo(
            "It holds the UNSANITISED uploads under unsanitised-originals/: keep it with the "
            "staff, do not hand it on as the record.",
            err=True,
        )
    click.echo(f"SHA-256 of the archive: {sha256_file(output)} (note it in the minutes).")
    if content.damaged:
        raise click.ClickException(
            f"{len(content.damaged)} stored document files are missing or damaged (listed "
            "above): this archive is not a complete record. Restore them from a backup and "
            "archive again."
        )


@session_cli.command("verify-archive")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_archive_command(archive: Path) -> None:
    """Check every file of a session archive against its manifest; exit 1 on any problem."""
    report = verify_archive(archive, audit_hash=audit_hasher)
    if report.ok and report.manifest is not None:
        session = report.manifest.get("session", {})
        note = "" if report.manifest.get("complete") else " (marked incomplete: not closed)"
        click.echo(
            f"Archive intact: {report.checked} files match the manifest of "
            f"{report.manifest.get('created_at')}; session {session.get('id')} "
            f"\u201c{session.get('title')}\u201d{note}."
        )
        return
    for problem in report.problems:
        click.echo(_describe(problem), err=True)
    raise click.ClickException(f"The archive {archive.name} failed verification.")


def _describe(problem: Any) -> str:
    words = {
        "missing": "MISSING",
        "extra": "EXTRA",
        "altered": "ALTERED",
        "unreadable": "UNREADABLE",
        "audit": "AUDIT",
    }
    return f"{words.get(problem.kind, problem.kind.upper())}  {problem.name}: {problem.detail}"
