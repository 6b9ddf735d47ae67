"""`flask backup create` and `flask backup restore`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from server.extensions import db
from server.ops.backup import BackupError, Target, create_backup, restore_backup

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
