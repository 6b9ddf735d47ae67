"""`flask councils create|list|add-member`: setting up councils from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from server.accounts import services as accounts
from server.accounts.models import COUNCIL_ROLES
from server.api import nfc
from server.councils import services
from server.errors import DomainError
from server.extensions import db

councils_cli = AppGroup("councils", help="Councils and the people attached to them.")


@councils_cli.command("create")
@click.argument("name")
@click.option("--level", type=click.Choice(["province", "commune", "national"]), default="province")
@click.option("--term", default=None, help='e.g. "Khóa XI, nhiệm kỳ 2026 - 2031".')
def create_command(name: str, level: str, term: str | None) -> None:
    """Create a council (recorded in the audit log)."""
    council = services.create_council(
        None,
        nfc(name),
        level=level,  # type: ignore[arg-type]
        term=nfc(term),
    )
    db.session.commit()
    click.echo(f"Created council {council.id}: {council.name}.")


@councils_cli.command("list")
def list_command() -> None:
    """Every council with its id."""
    for council in services.all_councils():
        click.echo(f"{council.id}\t{council.level}\t{council.name}")


@councils_cli.command("add-member")
@click.argument("council_id", type=int)
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice([r.value for r in COUNCIL_ROLES]),
    help="Role in this council; repeat for several.",
)
@click.option("--member", "is_member", is_flag=True, help="An elected member (votes).")
@click.option("--seat", type=int, default=None)
def add_member_command(
    council_id: int, username: str, roles: tuple[str, ...], is_member: bool, seat: int | None
) -> None:
    """Give a person a place in a council, with their roles there (as the administrator)."""
    user = accounts.find_user(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    try:
        services.set_membership(
            None, council_id, user.id, roles=roles, is_member=is_member, seat=seat, active=True
        )
    except DomainError as exc:
        raise click.ClickException(exc.to_dict("en")["message"]) from None
    db.session.commit()
    click.echo(
        f"{user.username} now holds {', '.join(roles) or 'no role'} in council {council_id}."
    )
