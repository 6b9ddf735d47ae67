"""`flask audit verify` and `flask audit public-key`: is the record what the room saw?

`verify` checks, in order:

1. the chain: every entry's hash over its content and the previous hash, every link, the
   head, and every signature with the public key (this instance's, or `--public-key FILE`:
   someone who rewrote the database cannot sign);
2. every closed vote: its ballots counted again give its frozen result, and both agree with
   its `vote.closed` entry;
3. each `--head HASH` (printed on a result sheet, in the minutes, shown on the hall display
   when a vote closed) is an entry of this chain: a chain rewritten since no longer has it.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from server.audit import keys
from server.audit import service as audit
from server.voting import services as voting

audit_cli = AppGroup("audit", help="The audit log of decisions.")


@audit_cli.command("verify")
@click.option(
    "--public-key",
    "public_key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Verify the signatures with this public key (PEM) instead of this instance's.",
)
@click.option(
    "--head",
    "heads",
    multiple=True,
    help="A hash the room was shown (result sheet, minutes): it must be in the chain.",
)
def verify_command(public_key: Path | None, heads: tuple[str, ...]) -> None:
    """Check the chain, recount every closed vote, and find each published hash."""
    verifier = keys.load_public(public_key.read_bytes()) if public_key is not None else None
    report = audit.verify_chain(verifier)
    if not report.ok:
        raise click.ClickException(
            f"Audit chain broken at entry {report.first_broken_id}: {report.reason}."
        )
    problems = [
        p
        for motion_id in voting.closed_motion_ids()
        for p in voting.check_against_record(motion_id)
    ]
    for head in heads:
        entry = audit.find(head)
        if entry is None:
            problems.append(f"{head} is not in this chain: the record was rewritten after it")
        else:
            click.echo(f"{head}: entry {entry.id} ({entry.action}, {entry.created_at.isoformat()})")
    if problems:
        raise click.ClickException("\n".join(problems))
    signed = report.entries - report.unsigned
    note = f" ({report.unsigned} written before signing began)" if report.unsigned else ""
    click.echo(
        f"Audit chain intact: {report.entries} entries, {signed} signed{note}; "
        f"{len(voting.closed_motion_ids())} closed votes recounted, all agree."
    )


@audit_cli.command("public-key")
def public_key_command() -> None:
    """Print the key that verifies this instance's audit chain, and its fingerprint."""
    key = audit.signing_key()
    click.echo(keys.public_pem(key), nl=False)
    click.echo(f"SHA-256 fingerprint: {keys.fingerprint(key.public_key())}")
