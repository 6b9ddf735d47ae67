"""`flask signatures`: the trust roots, and checking a PDF's signatures from the shell.

    flask --app server signatures trust add FILE          install a root (PEM or DER)
    flask --app server signatures trust list              subject, fingerprint, validity
    flask --app server signatures trust remove SHA256     uninstall a root
    flask --app server signatures verify FILE [--lang en] the verdict the server gives

The trust directory is `SIGNATURE_TRUST_DIR`, by default `<instance>/trust`. Messages are
Vietnamese unless `--lang en`. `verify` exits with 0 when the file has signatures and every
one is valid, 1 otherwise, so a script can rely on it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup

from server.signatures import messages
from server.signatures.trust import TrustError, TrustStore, add_root, list_roots, remove_root
from server.signatures.verify import SignatureReport, verify_pdf

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

signatures_cli = AppGroup(
    "signatures",
    help="Chữ ký số: chứng thư gốc và kiểm tra tệp PDF. / Digital signatures: roots, checks.",
)
trust_cli = AppGroup("trust", help="Chứng thư gốc được tin cậy. / The trusted root certificates.")
signatures_cli.add_command(trust_cli)

language = click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Ngôn ngữ / language.",
)


def trust_directory() -> Path:
    """Where the roots live: SIGNATURE_TRUST_DIR, else <instance>/trust."""
    return Path(
        current_app.config.get("SIGNATURE_TRUST_DIR", Path(current_app.instance_path) / "trust")
    )


@trust_cli.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@language
def trust_add(file: Path, lang: str) -> None:
    """Install FILE (a CA certificate, PEM or DER) as a trust root."""
    try:
        info = add_root(trust_directory(), file.read_bytes())
    except TrustError as exc:
        raise click.ClickException(messages.text(exc.code, lang, **exc.params)) from exc
    click.echo(messages.text("trust_root_added", lang, subject=info.subject))
    click.echo(messages.text("trust_fingerprint", lang, fingerprint=info.fingerprint))


@trust_cli.command("list")
@language
def trust_list(lang: str) -> None:
    """The installed roots: subject, SHA-256 fingerprint, validity."""
    roots = list_roots(trust_directory())
    if not roots:
        click.echo(messages.text("trust_no_roots", lang))
        return
    for info in roots:
        click.echo(info.subject)
        click.echo("  " + messages.text("trust_fingerprint", lang, fingerprint=info.fingerprint))
        click.echo(
            "  "
            + messages.text(
                "trust_validity",
                lang,
                start=_local(info.not_before),
                end=_local(info.not_after),
            )
        )


@trust_cli.command("remove")
@click.argument("fingerprint")
@language
def trust_remove(fingerprint: str, lang: str) -> None:
    """Uninstall the root with this SHA-256 FINGERPRINT (as `trust list` shows it)."""
    try:
        info = remove_root(trust_directory(), fingerprint)
    except TrustError as exc:
        raise click.ClickException(messages.text(exc.code, lang, **exc.params)) from exc
    click.echo(messages.text("trust_root_removed", lang, subject=info.subject))


@signatures_cli.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@language
def verify(file: Path, lang: str) -> None:
    """Check the digital signatures of the PDF FILE against the installed roots."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(
            messages.text("signature_file_unreadable", lang, error=exc.strerror or str(exc))
        ) from exc
    # pyHanko logs every failed check at WARNING with a traceback, for developers; the
    # verdict below says it in words, so the shell shows only that.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.ERROR)
    reports = verify_pdf(data, TrustStore.from_directory(trust_directory()))
    if not reports:
        click.echo(messages.text("signature_none", lang))
        click.get_current_context().exit(1)
    for number, report in enumerate(reports, start=1):
        if number > 1:
            click.echo()
        click.echo(describe(report, number, lang))
    click.get_current_context().exit(0 if all(r.status == "valid" for r in reports) else 1)


def describe(report: SignatureReport, number: int, lang: str) -> str:
    """A report in words, as the secretariat's details panel shows it."""
    unknown = messages.text("signature_unknown", lang)
    heading = messages.text(
        "signature_heading", lang, number=number, label=messages.status_label(report.status, lang)
    )
    lines = [heading]

    def line(code: str, value: object) -> None:
        lines.append("  " + messages.text(code, lang, value=value if value else unknown))

    line("signature_signer", report.signer)
    line("signature_organisation", report.organisation)
    line("signature_serial", report.serial)
    line("signature_signed_at", _local(report.signed_at) if report.signed_at else None)
    if not report.timestamped:
        lines.append("  " + messages.text("signature_timestamp_none", lang))
    else:
        code = (
            "signature_timestamp_trusted"
            if report.timestamp_trusted
            else "signature_timestamp_untrusted"
        )
        line(code, report.timestamp_authority)
    if report.pades_level:
        line("signature_level", report.pades_level)
    if report.covers_whole_file:
        lines.append("  " + messages.text("signature_covers_all", lang))
    elif report.modification_level:
        line(
            "signature_covers_revision",
            messages.modification_text(report.modification_level, lang),
        )
    lines.append("  " + messages.status_detail(report.status, lang))
    lines.extend("  - " + messages.reason_text(reason, lang) for reason in report.reasons)
    return "\n".join(lines)


def _local(value: datetime) -> str:
    """ISO 8601 in Vietnam time, to the second."""
    return value.astimezone(VIETNAM).replace(microsecond=0).isoformat()
