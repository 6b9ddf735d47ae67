"""Secret votes: after close, nothing in the database, its files or the logs links a ballot
to its voter."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.audit.models import AuditEntry
from server.events.models import MeetingEvent
from server.extensions import db
from server.voting import secrecy
from server.voting import services as voting
from server.voting.models import Ballot
from tests.integration.test_voting import Hall

#: The order delegates vote in: were ballots stored in this order, the order would tell.
CAST_ORDER = (
    [(n, "yes") for n in range(1, 16)]
    + [(n, "no") for n in range(16, 31)]
    + [(n, "abstain") for n in range(31, 36)]
)


@pytest.fixture
def hall(app, login, demo_meeting_id) -> Hall:
    return Hall(app, login, demo_meeting_id)


def _choices(values) -> list[str]:
    return [(v if isinstance(v, dict) else json.loads(v))["choice"] for v in values]


def test_secret_ballots_cannot_be_traced_to_voters(hall, app, database_url):
    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True)
    for n, choice in CAST_ORDER:
        assert hall.vote(n, motion["id"], choice=choice).status_code == 200
    # While open, each ballot sits beside its voter (so a crash loses nothing).
    with app.app_context():
        linked = db.session.scalars(sa.select(Ballot).where(Ballot.motion_id == motion["id"]))
        assert len(list(linked)) == len(CAST_ORDER)
    assert hall.delegate(16).get(f"/api/motions/{motion['id']}").json["my_vote"] == {"choice": "no"}

    result = hall.close(motion["id"]).json["result"]
    assert (result["yes"], result["no"], result["abstain"], result["cast"]) == (15, 15, 5, 35)
    assert result["named"] is None
    assert hall.delegate(16).get(f"/api/motions/{motion['id']}").json["my_vote"] is None
    cast_sequence = [choice for _, choice in CAST_ORDER]
    voters = {hall.uid(n) for n, _ in CAST_ORDER}

    with app.app_context():
        conn = db.session.connection()
        inspector = sa.inspect(conn)
        mid = motion["id"]

        # The linked rows are gone.
        assert (
            conn.execute(
                sa.text("SELECT count(*) FROM ballots WHERE motion_id = :m"), {"m": mid}
            ).scalar_one()
            == 0
        )

        # The anonymous ballots carry a random id, the motion and the value: nothing else,
        # no timestamp, no reference to a user.
        columns = {c["name"] for c in inspector.get_columns("secret_ballots")}
        assert columns == {"id", "motion_id", "value"}
        assert [fk["referred_table"] for fk in inspector.get_foreign_keys("secret_ballots")] == [
            "motions"
        ]
        assert {c["name"] for c in inspector.get_columns("vote_participants")} == {
            "motion_id",
            "user_id",
        }

        rows = conn.execute(
            sa.text("SELECT id, value FROM secret_ballots WHERE motion_id = :m"), {"m": mid}
        ).all()
        ids = [r[0] for r in rows]
        assert len(ids) == len(set(ids)) == len(CAST_ORDER)
        assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
        assert sorted(_choices(r[1] for r in rows)) == sorted(cast_sequence)
        # Neither the id order nor the storage order follows the order of voting.
        by_id = _choices(v for _, v in sorted(rows))
        assert by_id != cast_sequence
        assert by_id != cast_sequence[::-1]

        if database_url.startswith("sqlite"):
            storage = _choices(
                r[0]
                for r in conn.execute(
                    sa.text("SELECT value FROM secret_ballots WHERE motion_id = :m"), {"m": mid}
                )
            )
            assert storage != cast_sequence
            # No rowid: the tables are clustered by their keys, not by insertion order.
            for table in ("secret_ballots", "vote_participants"):
                with pytest.raises(sa.exc.OperationalError, match="rowid"):
                    conn.execute(sa.text(f"SELECT rowid FROM {table}"))  # noqa: S608
                db.session.rollback()
                conn = db.session.connection()
        else:
            ordered = conn.execute(
                sa.text(
                    "SELECT value, xmin::text FROM secret_ballots "
                    "WHERE motion_id = :m ORDER BY ctid"
                ),
                {"m": mid},
            ).all()
            # Storage order is the shuffled order, not the order of voting ...
            assert _choices(r[0] for r in ordered) != cast_sequence
            # ... and every row was written by the one closing transaction, which also wrote
            # the participation rows: the transaction ids tell nothing about who chose what.
            ballot_xmins = {r[1] for r in ordered}
            assert len(ballot_xmins) == 1
            participant_rows = conn.execute(
                sa.text(
                    "SELECT user_id, xmin::text FROM vote_participants "
                    "WHERE motion_id = :m ORDER BY ctid"
                ),
                {"m": mid},
            ).all()
            assert {r[1] for r in participant_rows} == ballot_xmins
            # Participation is stored in user order.
            assert [r[0] for r in participant_rows] == sorted(voters)

        participants = set(
            conn.execute(
                sa.text("SELECT user_id FROM vote_participants WHERE motion_id = :m"), {"m": mid}
            ).scalars()
        )
        assert participants == voters

        # The events and the audit log name nobody's choice.
        payloads = db.session.scalars(
            sa.select(MeetingEvent.payload).where(MeetingEvent.name.like("vote.%"))
        ).all()
        for payload in payloads:
            text = json.dumps(payload)
            assert '"named": null' in text or "named" not in text
            assert '"choice"' not in text
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.subject == f"motion:{mid}")
        ).all()
        assert [e.action for e in entries] == ["vote.opened", "vote.closed"]
        assert entries[1].data["named"] is None
        assert all(e.actor_id == hall.ids["chair"] for e in entries)

        # The result can still be checked against the ballots it was counted from.
        check = voting.recount(mid)
        assert check == {"matches": True, "digest_matches": True, "result": check["result"]}


def test_cancelled_secret_vote_destroys_its_ballots(hall, app):
    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True)
    for n in range(1, 6):
        hall.vote(n, motion["id"], choice="yes")
    assert hall.chair.post(f"/api/motions/{motion['id']}/cancel").status_code == 200
    with app.app_context():
        for table in ("ballots", "secret_ballots", "vote_participants"):
            count = db.session.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE motion_id = :m"),  # noqa: S608
                {"m": motion["id"]},
            ).scalar_one()
            assert count == 0, table


def test_secret_result_sheet_and_non_voters_name_nobody(hall):
    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True)
    for n in range(1, 11):
        hall.vote(n, motion["id"], choice="no")
    answer = hall.chair.get(f"/api/motions/{motion['id']}/non-voters").json
    assert answer["non_voters"] is None
    assert (answer["cast"], answer["not_voted"], answer["eligible_not_voted"]) == (10, 40, 30)


# --- What lies on disk -------------------------------------------------------------------


def _wait(done: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _bytes_under(*roots: Path) -> bytes:
    return b"".join(
        p.read_bytes()
        for root in roots
        if root.exists()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    )


def _sqlite_files(database_url: str) -> tuple[Path, Path]:
    path = Path(sa.make_url(database_url).database or "")
    return path, Path(f"{path}-wal")


def _postgres_files(app, request) -> bytes:
    """This database's files and the server's write-ahead log, after a checkpoint."""
    server = request.getfixturevalue("postgres_server")
    with app.app_context():
        oid = db.session.execute(
            sa.text("SELECT oid FROM pg_database WHERE datname = current_database()")
        ).scalar_one()
        db.session.rollback()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("CHECKPOINT")
    return _bytes_under(server.datadir / "base" / str(oid), server.datadir / "pg_wal")


def test_a_closed_secret_vote_leaves_no_readable_link_on_disk(
    hall, app, database_url, request, caplog
):
    caplog.set_level(logging.DEBUG)
    sqlite = database_url.startswith("sqlite")
    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True)
    mid = motion["id"]
    cast = {n: ("yes", "no", "abstain")[n % 3] for n in range(1, 21)}
    for n, choice in cast.items():
        assert hall.vote(n, mid, choice=choice).status_code == 200
    # A changed ballot is sealed again.
    assert hall.vote(1, mid, choice="abstain").json["changed"] is True
    cast[1] = "abstain"

    # While open: the motion's key is in a file of its own, readable by the server only ...
    keys = Path(app.config["BALLOT_KEYS_DIR"])
    key_file = keys / f"motion-{mid}.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert keys.stat().st_mode & 0o777 == 0o700
    key = key_file.read_bytes()
    # ... and each linked row holds a sealed ballot, all of one length, no choice.
    with app.app_context():
        stored = dict(
            db.session.execute(
                sa.select(Ballot.user_id, Ballot.value).where(Ballot.motion_id == mid)
            ).all()
        )
    assert len(stored) == len(cast)
    assert all(set(value) == {"sealed"} for value in stored.values())
    assert len({len(value["sealed"]) for value in stored.values()}) == 1
    sealed = [value["sealed"].encode() for value in stored.values()]
    # Those rows open with the key, for their own voter only.
    first, second = hall.uid(2), hall.uid(3)
    assert secrecy.unseal(key, mid, first, stored[first]) == {"choice": cast[2]}
    with pytest.raises(secrecy.SealBroken):
        secrecy.unseal(key, mid, second, stored[first])
    # The search below finds them while they are there.
    if sqlite:
        database, wal = _sqlite_files(database_url)
        before = database.read_bytes() + wal.read_bytes()
    else:
        before = _postgres_files(app, request)
    assert all(s in before for s in sealed)

    result = hall.close(mid).json["result"]
    assert (result["yes"], result["no"], result["abstain"]) == (
        sum(c == "yes" for c in cast.values()),
        sum(c == "no" for c in cast.values()),
        sum(c == "abstain" for c in cast.values()),
    )
    # The key is destroyed once the close commits: nothing can open a sealed row any more.
    assert not key_file.exists()
    with pytest.raises(secrecy.KeyMissing):
        secrecy.BallotKeys(keys).key(mid)

    if sqlite:
        # The write-ahead log is checkpointed and emptied; deleted rows were overwritten.
        _wait(lambda: not wal.exists() or wal.stat().st_size == 0)
        after = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert not [s for s in sealed if s in after]
    else:
        # PostgreSQL's WAL (and its archives and replicas) keep the sealed rows
        # (docs/security.md): their key is what is gone.
        after = _postgres_files(app, request)
    instance = Path(app.config["STORAGE_DIR"]).parent
    everything = after + _bytes_under(instance)
    for form in (key, key.hex().encode(), base64.b64encode(key)):
        assert form not in everything

    # Nothing logged names a choice or carries a sealed ballot.
    logged = "\n".join(r.getMessage() + json.dumps(r.__dict__, default=str) for r in caplog.records)
    assert "abstain" not in logged
    assert not [s for s in sealed if s.decode() in logged]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_scrub_a_reader_blocks_fails_loudly_then_succeeds(
    hall, app, database_url, monkeypatch, caplog
):
    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True)
    for n in range(1, 6):
        hall.vote(n, motion["id"], choice="yes")
    database, wal = _sqlite_files(database_url)
    # Another process reading: its snapshot keeps the log from being emptied.
    reader = sqlite3.connect(database, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM ballots").fetchone()
    monkeypatch.setattr(voting, "SCRUB_PAUSE_SECONDS", 0.01)
    monkeypatch.setattr(voting, "SCRUB_ATTEMPTS", 3)
    with app.app_context():
        voting.close_vote(db.session.get(User, hall.ids["chair"]), motion["id"])
        db.session.commit()
        with caplog.at_level(logging.ERROR), pytest.raises(voting.ScrubFailed):
            voting.scrub_linked_ballots()
    assert "could not be cleared after 3 tries" in caplog.text
    assert wal.stat().st_size > 0
    reader.execute("COMMIT")
    reader.close()
    with app.app_context():
        voting.scrub_linked_ballots()
    assert wal.stat().st_size == 0


def test_a_key_left_behind_is_destroyed_by_the_sweep(hall, app):
    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True)
    keys = secrecy.BallotKeys(Path(app.config["BALLOT_KEYS_DIR"]))
    # A key whose vote is gone (a crash between the close's commit and the key's removal),
    # and one that is still being opened (young): only the first goes.
    keys.create(999_001)
    keys.create(999_002)
    old = time.time() - voting.KEY_GRACE_SECONDS - 1
    os.utime(keys.directory / "motion-999001.key", (old, old))
    with app.app_context():
        voting.forget_stale_keys()
    assert keys.motion_ids() == sorted([motion["id"], 999_002])


def test_a_backup_taken_while_a_secret_vote_is_open_carries_no_link(hall, app, tmp_path):
    from server.ops import backup

    hall.check_in(range(1, 41))
    motion = hall.opened(secret=True)
    mid = motion["id"]
    for n in range(1, 11):
        assert hall.vote(n, mid, choice=("yes", "no")[n % 2]).status_code == 200
    key = (Path(app.config["BALLOT_KEYS_DIR"]) / f"motion-{mid}.key").read_bytes()
    recipient = backup.new_identity(tmp_path / "operator.key")
    with app.app_context():
        source = backup.Target(db.engine.url, Path(app.config["STORAGE_DIR"]))
        backup.create_backup(source, tmp_path / "b.tar.age", backup.parse_recipients([recipient]))
    into = tmp_path / "opened"
    manifest = backup.verify_backup(
        tmp_path / "b.tar.age", backup.load_identities(tmp_path / "operator.key"), into
    )
    # The key is in no file of the backup: the ballots in it stay sealed for good.
    everything = _bytes_under(into)
    for form in (key, key.hex().encode(), base64.b64encode(key)):
        assert form not in everything
    if manifest["engine"] == "sqlite":
        copy = sqlite3.connect(into / "database.sqlite")
        values = [
            json.loads(v)
            for (v,) in copy.execute("SELECT value FROM ballots WHERE motion_id = ?", (mid,))
        ]
        copy.close()
    else:
        sql = subprocess.run(
            [
                backup._pg_tool("pg_restore"),
                "--data-only",
                "--table=ballots",
                "--file=-",
                str(into / "database.pgdump"),
            ],
            capture_output=True,
            check=True,
            text=True,
            timeout=60,
        ).stdout
        rows = [line.split("\t") for line in sql.splitlines() if line.startswith(f"{mid}\t")]
        values = [json.loads(r[2]) for r in rows]
    assert len(values) == 10
    assert all(set(v) == {"sealed"} for v in values)
