"""`flask audit verify`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from server.audit.service import verify_chain

audit_cli = AppGroup("audit", help="The audit log of decisions.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Check every entry's hash and link; name the first broken entry."""
    report = verify_chain()
    if report.ok:
        click.echo(f"Audit chain intact: {report.entries} entries.")
        return
    raise click.ClickException(
        f"Audit chain broken at entry {report.first_broken_id}: {report.reason}."
    )
