"""An insider with the database cannot rewrite the record: signatures, recounts, published heads.

The attack the issue describes, done for real: drop the append-only trigger, change a
`vote.closed` entry, recompute every hash after it and the head. `flask audit verify` must
say broken (the signatures were made with a key the database does not hold), a recount must
disagree with a result changed in the motion's row, and the hash the room was shown must no
longer be found in a rewritten chain.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from server.audit import keys
from server.audit import service as audit
from server.audit.models import AuditEntry, AuditHead
from server.extensions import db
from server.voting.models import Motion
from tests.integration.test_voting import Hall


def _allow_edits(database_url: str) -> None:
    """What an insider with database access does first: lift the append-only guard."""
    if database_url.startswith("sqlite"):
        db.session.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
    else:
        db.session.execute(
            sa.text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
        )


def _closed_vote(app, login, meeting_id: int) -> dict:
    hall = Hall(app, login, meeting_id)
    hall.check_in(range(1, 41))
    motion = hall.opened()
    for n in range(1, 31):
        assert hall.vote(n, motion["id"], choice="yes" if n <= 20 else "no").status_code == 200
    closed = hall.close(motion["id"])
    assert closed.status_code == 200
    return hall.chair.get(f"/api/motions/{motion['id']}").json


def test_every_entry_is_signed_and_the_chain_verifies(app, login, demo_meeting_id):
    motion = _closed_vote(app, login, demo_meeting_id)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify", "--head", motion["audit_hash"]])
    assert result.exit_code == 0, result.output
    assert "Audit chain intact" in result.output
    assert "all agree" in result.output
    assert f"{motion['audit_hash']}: entry" in result.output
    # As the hall display shows it: the first 16 digits, in groups of four.
    shown = " ".join(motion["audit_hash"][i : i + 4] for i in range(0, 16, 4)).upper()
    result = runner.invoke(args=["audit", "verify", "--head", shown])
    assert result.exit_code == 0, result.output
    assert f"{shown}: entry" in result.output
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEntry)).all()
        assert rows
        assert all(r.signature for r in rows)
        public = audit.signing_key().public_key()
        assert all(keys.verifies(public, r.hash, r.signature) for r in rows)


def test_a_rewritten_chain_with_recomputed_hashes_no_longer_verifies(
    app, login, demo_meeting_id, database_url
):
    motion = _closed_vote(app, login, demo_meeting_id)
    shown = motion["audit_hash"]
    with app.app_context():
        _allow_edits(database_url)
        entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
        closed = next(e for e in entries if e.action == "vote.closed")
        forged = json.loads(json.dumps(closed.data))
        forged["result"]["yes"], forged["result"]["no"] = 5, 25
        forged["result"]["passed"] = False
        closed.data = forged
        # ... and every hash from there on, and the head: the chain is consistent again.
        prev = None
        for entry in entries:
            if entry.id < closed.id:
                prev = entry.hash
                continue
            entry.prev_hash = prev
            entry.hash = audit.entry_hash(prev, entry)
            prev = entry.hash
        head = db.session.get(AuditHead, 1)
        head.last_hash = prev
        forged_id = closed.id
        db.session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f"broken at entry {forged_id}: signature does not verify" in result.output
    # What the room was shown is no longer in the chain either.
    with app.app_context():
        assert audit.find(shown) is None


def test_a_result_changed_in_the_motion_row_disagrees_with_its_ballots_and_the_record(
    app, login, demo_meeting_id, database_url
):
    motion = _closed_vote(app, login, demo_meeting_id)
    with app.app_context():
        row = db.session.get(Motion, motion["id"])
        changed = dict(row.result)
        changed["yes"], changed["no"] = 10, 20
        row.result = changed
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f"motion {motion['id']}: its ballots counted again give another result" in result.output
    assert "differs from the audit chain's" in result.output


def test_an_unknown_published_hash_is_reported(app):
    for head in ("ab" * 32, "abab abab abab abab", "abc"):
        result = app.test_cli_runner().invoke(args=["audit", "verify", "--head", head])
        assert result.exit_code != 0
        assert "is not in this chain" in result.output


def test_the_room_is_shown_the_hash_of_the_close(app, login, demo_meeting_id, socket_for):
    """vote.closed carries the entry's hash; the result sheet and the minutes print it."""
    from server.pdf.compose import extract_text

    hall = Hall(app, login, demo_meeting_id)
    hall.check_in(range(1, 41))
    display = socket_for(login("display"))
    display.emit("join", {"meeting_id": demo_meeting_id}, callback=True)
    display.get_received()
    motion = hall.opened()
    hall.vote(1, motion["id"], choice="yes")
    hall.close(motion["id"])
    closed = next(e for e in display.get_received() if e["name"] == "vote.closed")["args"][0]
    shown = closed["audit"]["hash"]
    with app.app_context():
        entry = audit.find(shown)
        assert entry is not None
        assert entry.action == "vote.closed"
        assert entry.subject == f"motion:{motion['id']}"
    sheet = hall.chair.get(f"/api/motions/{motion['id']}/result-sheet.pdf")
    assert shown in " ".join(extract_text(sheet.data).split())
    minutes = login("secretary").get(f"/api/meetings/{demo_meeting_id}/minutes")
    recorded = [m["result"]["audit_hash"] for i in minutes.json["agenda"] for m in i["motions"]]
    assert recorded == [shown]
    pdf = login("secretary").get(f"/api/meetings/{demo_meeting_id}/minutes?format=pdf")
    assert shown in " ".join(extract_text(pdf.data).split())


def test_the_public_key_verifies_the_chain_without_the_private_one(app, tmp_path):
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["audit", "public-key"])
    assert printed.exit_code == 0
    pem = printed.output.split("SHA-256 fingerprint:")[0]
    key_file = tmp_path / "audit.pub"
    key_file.write_text(pem)
    assert runner.invoke(args=["audit", "verify", "--public-key", str(key_file)]).exit_code == 0
    # Another key (someone else's instance) does not verify this chain.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = tmp_path / "other.pub"
    other.write_text(keys.public_pem(Ed25519PrivateKey.generate()))
    wrong = runner.invoke(args=["audit", "verify", "--public-key", str(other)])
    assert wrong.exit_code != 0
    assert "signature does not verify" in wrong.output
