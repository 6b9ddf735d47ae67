"""`flask users create` and `flask users set-password` (each recorded in the audit log)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from server.accounts import services
from server.api import nfc
from server.errors import DomainError
from server.events.decisions import decide
from server.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--full-name", required=True, help="Name shown in the app.")
@click.option("--admin", "is_admin", is_flag=True, help="The administrator of the deployment.")
@click.option("--position", default=None, help="Office held, shown beside the name.")
@click.password_option(help="Password (asked for when not given).")
def create_command(
    username: str, full_name: str, is_admin: bool, position: str | None, password: str
) -> None:
    """Create an account; give it a place in a council with `flask councils add-member`."""
    try:
        user = services.create_user(
            nfc(username),
            nfc(full_name),
            password=password,
            position=nfc(position),
            is_admin=is_admin,
        )
    except DomainError as exc:
        raise click.ClickException(exc.to_dict("en")["message"]) from None
    decide(
        "user.created",
        actor_id=None,
        subject=f"user:{user.id}",
        data={"username": user.username, "is_admin": is_admin, "via": "cli"},
    )
    db.session.commit()
    click.echo(f"Created {user.username}{' (administrator)' if is_admin else ''}.")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option(help="New password (asked for when not given).")
def set_password_command(username: str, password: str) -> None:
    """Set a user's password and end every session of theirs."""
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    services.set_password(user, password)
    decide("password.set", actor_id=None, subject=f"user:{user.id}", data={"via": "cli"})
    db.session.commit()
    click.echo(f"Password of {user.username} changed.")
