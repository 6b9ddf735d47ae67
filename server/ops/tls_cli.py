"""`flask tls init` and `flask tls show`: the hall's own CA and the server's certificate.

    flask --app server tls init [--host NAME_OR_IP ...] [--dir DIR] [--renew-server]
    flask --app server tls show [--dir DIR]

See server/ops/tls.py for what is made, and docs/kiosk.md for installing it on tablets.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from server.ops import tls

tls_cli = AppGroup("tls", help="HTTPS on the hall network: a local CA and the server certificate.")

directory_option = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the CA and the certificate live (default: TLS_DIR, instance/tls).",
)


def _directory(given: Path | None) -> Path:
    return given or Path(current_app.config["TLS_DIR"])


@tls_cli.command("init")
@click.option(
    "--host",
    "hosts",
    multiple=True,
    metavar="NAME_OR_IP",
    help="A name or address tablets reach the server by; repeat for several (default: this "
    "machine's name, localhost, 127.0.0.1 and its IPv4 addresses).",
)
@directory_option
@click.option(
    "--renew-server",
    is_flag=True,
    help="Keep the CA; make only a new server certificate (tablets install nothing again).",
)
def init_command(hosts: tuple[str, ...], directory: Path | None, renew_server: bool) -> None:
    """Make a CA for the hall and a server certificate signed by it."""
    target = _directory(directory)
    try:
        made = tls.init(
            target, tls.parse_hosts(hosts or tls.default_hosts()), renew_server=renew_server
        )
    except tls.TLSError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"Cannot write {exc.filename}: {exc.strerror}.") from None
    layout = made.layout
    if made.new_ca:
        click.echo(f"CA made: {made.ca.subject.rfc4514_string()}")
        click.echo(f"  certificate {layout.ca_cert}, key {layout.ca_key} (keep it private)")
    else:
        click.echo(f"CA kept: {layout.ca_cert}")
    click.echo(f"  SHA-256 fingerprint: {tls.fingerprint(made.ca)}")
    click.echo(
        f"Server certificate for {', '.join(made.hosts)}, valid until "
        f"{made.server.not_valid_after_utc:%Y-%m-%d}: {layout.server_cert}"
    )
    click.echo("\nSet these in the server's environment, then restart it:\n")
    click.echo(f"  TLS_CERT_FILE={layout.server_cert.resolve()}")
    click.echo(f"  TLS_KEY_FILE={layout.server_key.resolve()}")
    if target.resolve() != Path(current_app.config["TLS_DIR"]).resolve():
        click.echo(f"  TLS_DIR={target.resolve()}")
    click.echo("  SESSION_COOKIE_SECURE=1")
    click.echo(f"  HSTS_SECONDS={tls.HSTS_SECONDS}")
    if made.new_ca:
        click.echo(
            "\nThen install the CA once on each tablet from https://<server>/ca and compare "
            "the fingerprint above (docs/kiosk.md)."
        )


@tls_cli.command("show")
@directory_option
def show_command(directory: Path | None) -> None:
    """The CA's SHA-256 fingerprint (to compare on tablets) and the server certificate."""
    layout = tls.Layout(_directory(directory))
    if not layout.ca_cert.exists():
        raise click.ClickException(f"There is no CA in {layout.directory}: run `flask tls init`.")
    try:
        ca = tls.read_certificate(layout.ca_cert)
    except tls.TLSError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"CA: {ca.subject.rfc4514_string()}")
    click.echo(f"  SHA-256 fingerprint: {tls.fingerprint(ca)}")
    click.echo(f"  valid until {ca.not_valid_after_utc:%Y-%m-%d}; {layout.ca_cert}")
    try:
        server = tls.read_certificate(layout.server_cert)
    except tls.TLSError as exc:
        click.echo(f"Server certificate: {exc}")
        return
    click.echo(f"Server certificate for {', '.join(tls.san_hosts(server))}")
    click.echo(f"  valid until {server.not_valid_after_utc:%Y-%m-%d}; {layout.server_cert}")
    if not tls.signed_by(server, ca):
        click.echo("  WARNING: not signed by this CA; run `flask tls init --renew-server`.")
