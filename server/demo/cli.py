"""`flask seed-demo`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from server.db import utcnow
from server.demo.seed import seed_demo
from server.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo council, accounts and session once (a second run changes nothing)."""
    if current_app.config["DEPLOYMENT"] == "production":
        raise click.ClickException("The demo is not seeded in a production deployment.")
    demo = seed_demo(utcnow())
    if demo is None:
        click.echo("Demo data already present; nothing changed.")
        return
    db.session.commit()
    click.echo(
        f"Seeded the demo council: {len(demo.delegates)} delegates, "
        f"{len(demo.items)} agenda entries. Accounts use the password 'demo'."
    )
