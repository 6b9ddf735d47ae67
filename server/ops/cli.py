"""`flask backup create` and `flask backup restore`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from server.extensions import db
from server.ops.archive import ArchiveError, sha256_file, verify_archive, write_archive
from server.ops.backup import BackupError, Target, create_backup, restore_backup
from server.ops.collect import archivist, audit_hasher, collect

backup_cli = AppGroup("backup", help="Back up and restore the database and the stored files.")


def _target() -> Target:
    return Target(database_url=db.engine.url, storage=Path(current_app.config["STORAGE_DIR"]))


@backup_cli.command("create")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Backup file (default: instance/backups/council-<time>.tar).",
)
def create_command(output: Path | None) -> None:
    """Write a consistent backup (database and files) while the server keeps running."""
    if output is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        output = Path(current_app.instance_path) / "backups" / f"council-{stamp}.tar"
    try:
        manifest = create_backup(_target(), output)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    files = len(manifest["members"]) - 1
    click.echo(f"Backup written to {output} ({manifest['engine']}, {files} stored files).")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database or storage that is not empty.")
def restore_command(archive: Path, force: bool) -> None:
    """Restore a backup into this instance (stop the server first)."""
    db.session.remove()
    db.engine.dispose()
    try:
        manifest = restore_backup(archive, _target(), force=force)
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
def archive_command(
    meeting_id: int, output: Path | None, force: bool, username: str | None
) -> None:
    """Write one ZIP with the session's agenda, documents, comments, votes and audit log."""
    try:
        content = collect(meeting_id, archivist(username), force=force)
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
