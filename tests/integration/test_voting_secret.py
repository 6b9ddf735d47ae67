"""Secret votes: after close, nothing in the database links a ballot to its voter."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.events.models import MeetingEvent
from server.extensions import db
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
