"""Sealed ballots and their one length (server/voting/secrecy.py)."""

from __future__ import annotations

import itertools
import os
import time

import pytest

from server.voting import rules, secrecy

RESOLUTION = rules.MotionSpec(kind="resolution", rule="majority_of_members")
CONFIDENCE = rules.MotionSpec(
    kind="confidence", rule="majority_of_members", option_ids=(7, 10, 123)
)
#: Ids of different widths: the longest ballot marks the widest ones.
ELECTION = rules.MotionSpec(
    kind="election", rule="majority_of_members", option_ids=(3, 9, 10, 11, 1000), max_choices=3
)


def every_ballot(spec: rules.MotionSpec) -> list[dict]:
    if spec.kind == "resolution":
        values: list[rules.BallotValue] = list(rules.CHOICES)
    elif spec.kind == "confidence":
        values = [
            tuple(zip(spec.option_ids, ratings, strict=True))
            for ratings in itertools.product(rules.RATINGS, repeat=len(spec.option_ids))
        ]
    else:
        values = [
            chosen
            for size in range(spec.max_choices + 1)
            for chosen in itertools.combinations(sorted(spec.option_ids), size)
        ]
    return [rules.ballot_json(v) for v in values]


@pytest.mark.parametrize("spec", [RESOLUTION, CONFIDENCE, ELECTION], ids=lambda s: s.kind)
def test_every_ballot_of_a_motion_pads_and_seals_to_one_length(spec):
    ballots = every_ballot(spec)
    assert len(ballots) > 2
    padded = {len(secrecy.canonical(b)) + len(secrecy.padding(spec, b)) for b in ballots}
    assert padded == {secrecy.longest_length(spec)}
    key = os.urandom(32)
    sealed = {len(secrecy.seal(key, spec, 5, 42, b)["sealed"]) for b in ballots}
    assert len(sealed) == 1


def test_a_sealed_ballot_opens_for_its_motion_and_voter_only():
    key = os.urandom(32)
    sealed = secrecy.seal(key, RESOLUTION, 5, 42, {"choice": "no"})
    assert secrecy.unseal(key, 5, 42, sealed) == {"choice": "no"}
    for motion_id, user_id, with_key in ((5, 43, key), (6, 42, key), (5, 42, os.urandom(32))):
        with pytest.raises(secrecy.SealBroken):
            secrecy.unseal(with_key, motion_id, user_id, sealed)
    flipped = bytearray(sealed["sealed"].encode())
    flipped[20] ^= 1
    with pytest.raises(secrecy.SealBroken):
        secrecy.unseal(key, 5, 42, {"sealed": flipped.decode()})
    with pytest.raises(secrecy.SealBroken):
        secrecy.unseal(key, 5, 42, {"choice": "no"})
    # The same ballot sealed twice looks different: nothing tells two equal ballots apart.
    assert secrecy.seal(key, RESOLUTION, 5, 42, {"choice": "no"}) != sealed


def test_a_ballot_longer_than_the_longest_is_refused():
    with pytest.raises(ValueError, match="longer"):
        secrecy.padding(ELECTION, {"choices": [3, 10, 11, 1000]})


def test_keys_are_private_files_destroyed_for_good(tmp_path):
    keys = secrecy.BallotKeys(tmp_path / "keys")
    with pytest.raises(secrecy.KeyMissing):
        keys.key(1)
    keys.create(1)
    key = keys.key(1)
    keys.create(1)  # a second try at opening keeps the key
    assert keys.key(1) == key
    path = tmp_path / "keys" / "motion-1.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
    # Another name for the same file sees what destroy leaves in it: zeros, then nothing.
    os.link(path, tmp_path / "witness")
    keys.destroy(1)
    assert not path.exists()
    assert (tmp_path / "witness").read_bytes() == bytes(32)
    with pytest.raises(secrecy.KeyMissing):
        keys.key(1)
    keys.destroy(1)  # nothing left: nothing to do


def test_stale_keys_go_young_and_open_ones_stay(tmp_path):
    keys = secrecy.BallotKeys(tmp_path)
    for motion_id in (1, 2, 3):
        keys.create(motion_id)
    old = time.time() - 120
    for motion_id in (1, 2):
        os.utime(tmp_path / f"motion-{motion_id}.key", (old, old))
    (tmp_path / "notes.txt").write_text("not a key")
    assert keys.destroy_unless([2], older_than=60) == [1]
    assert keys.motion_ids() == [2, 3]
