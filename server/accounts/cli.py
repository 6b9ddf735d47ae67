"""`flask users create` and `flask users set-password`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from server.accounts import services
from server.accounts.models import Role
from server.errors import DomainError
from server.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")

ROLE_CHOICE = click.Choice([r.value for r in Role])


@users_cli.command("create")
@click.argument("username")
@click.option("--full-name", required=True, help="Name shown in the app.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=ROLE_CHOICE,
    help="Role; repeat for several.",
)
@click.option("--position", default=None, help="Office held, shown beside the name.")
@click.password_option(help="Password (asked for when not given).")
def create_command(
    username: str, full_name: str, roles: tuple[str, ...], position: str | None, password: str
) -> None:
    """Create a user with one or more roles."""
    try:
        user = services.create_user(
            username, full_name, roles, password=password, position=position
        )
    except DomainError as exc:
        raise click.ClickException(exc.to_dict("en")["message"]) from None
    db.session.commit()
    click.echo(f"Created {user.username} ({', '.join(user.roles)}).")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option(help="New password (asked for when not given).")
def set_password_command(username: str, password: str) -> None:
    """Set a user's password and log them out everywhere."""
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    services.set_password(user, password)
    db.session.commit()
    click.echo(f"Password of {user.username} changed.")
