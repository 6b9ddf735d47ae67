"""What keeps a secret ballot's choice unreadable: per-motion keys, sealed ballots, one length.

While a secret vote is open each ballot sits beside its voter (so a crash loses nothing), but
sealed: AES-256-GCM under a key made for that motion when it opens, with the motion and the
voter bound in as associated data (a sealed ballot moved to another voter does not open). The
key lives in a file of its own under BALLOT_KEYS_DIR, outside the database and the stored
files, so neither a database backup, a replica, a WAL archive nor a copy of the storage holds
both. At close the ballots are opened, written anonymously, and the key file is overwritten
and removed: every copy of the linked rows that the database engine keeps (SQLite's
write-ahead log, PostgreSQL's WAL, its archives and replicas, dead row versions) is from
then on ciphertext that nothing can open.

Every ballot of a motion is padded to the length of the motion's longest ballot before it is
sealed, so the ciphertexts, like the answers on the wire (`padding`), are all of one length
whatever they choose.

Pure apart from the key files: no Flask, no database.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from server.voting import rules

_KEY_BYTES = 32
_NONCE_BYTES = 12
_KEY_FILE = re.compile(r"motion-(\d+)\.key")


class KeyMissing(Exception):
    """The key of an open secret vote is gone: its ballots cannot be sealed or counted."""


class SealBroken(Exception):
    """A sealed ballot does not open with its motion's key for its voter (changed on disk)."""


# --- One length --------------------------------------------------------------------------


def canonical(value: Mapping[str, Any]) -> bytes:
    """A ballot's compact JSON, keys sorted: the form that is sealed and measured."""
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")


def longest_length(spec: rules.MotionSpec) -> int:
    """The length of the motion's longest possible ballot in `canonical` form."""
    if spec.kind == "resolution":
        longest: rules.BallotValue = max(rules.CHOICES, key=len)
    elif spec.kind == "confidence":
        rating = max(rules.RATINGS, key=len)
        longest = tuple((option, rating) for option in spec.option_ids)
    else:
        # The most candidates a ballot may mark, with the longest ids.
        widest = sorted(spec.option_ids, key=lambda o: len(str(o)), reverse=True)
        longest = tuple(sorted(widest[: spec.max_choices]))
    return len(canonical(rules.ballot_json(longest)))


def padding(spec: rules.MotionSpec, value: Mapping[str, Any]) -> str:
    """Spaces that bring `value` to the length of the motion's longest ballot."""
    missing = longest_length(spec) - len(canonical(value))
    if missing < 0:
        raise ValueError("a ballot longer than its motion's longest")
    return " " * missing


# --- Sealing -----------------------------------------------------------------------------


def _associated(motion_id: int, user_id: int) -> bytes:
    return f"ballot:{motion_id}:{user_id}".encode("ascii")


def seal(
    key: bytes, spec: rules.MotionSpec, motion_id: int, user_id: int, value: Mapping[str, Any]
) -> dict[str, str]:
    """The stored form of a secret vote's ballot while it is open: {"sealed": base64}."""
    plain = canonical(value) + padding(spec, value).encode("ascii")
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plain, _associated(motion_id, user_id))
    return {"sealed": base64.b64encode(nonce + sealed).decode("ascii")}


def unseal(key: bytes, motion_id: int, user_id: int, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The ballot `seal` sealed, or SealBroken."""
    try:
        raw = base64.b64decode(stored["sealed"], validate=True)
        plain = AESGCM(key).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(motion_id, user_id)
        )
    except (KeyError, TypeError, ValueError, InvalidTag):
        raise SealBroken(f"motion {motion_id}: a sealed ballot does not open") from None
    value: dict[str, Any] = json.loads(plain)
    return value


# --- The keys ----------------------------------------------------------------------------


class BallotKeys:
    """One key file per open secret vote, readable by the server's user only.

    Files, not memory, so that every process of the instance (they share the directory as
    they share STORAGE_DIR) seals with the same key and a restarted server can still count a
    vote that was open when it stopped.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, motion_id: int) -> Path:
        return self.directory / f"motion-{motion_id}.key"

    def create(self, motion_id: int) -> None:
        """Make the motion's key (kept if one is there: an earlier try to open it)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(self._path(motion_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(_KEY_BYTES))
            out.flush()
            os.fsync(out.fileno())
        _sync_directory(self.directory)

    def key(self, motion_id: int) -> bytes:
        try:
            key = self._path(motion_id).read_bytes()
        except FileNotFoundError:
            raise KeyMissing(f"motion {motion_id}: its ballot key is gone") from None
        if len(key) != _KEY_BYTES:
            raise KeyMissing(f"motion {motion_id}: its ballot key is damaged")
        return key

    def exists(self, motion_id: int) -> bool:
        return self._path(motion_id).exists()

    def destroy(self, motion_id: int) -> None:
        """Overwrite the key file with zeros, flush, and remove it (none: nothing to do).

        On a journalling or copy-on-write file system (or an SSD remapping blocks) the old
        bytes may survive an overwrite; docs/security.md says what that leaves.
        """
        path = self._path(motion_id)
        try:
            fd = os.open(path, os.O_WRONLY)
        except FileNotFoundError:
            return
        with os.fdopen(fd, "wb") as out:
            out.write(bytes(_KEY_BYTES))
            out.flush()
            os.fsync(out.fileno())
        path.unlink(missing_ok=True)
        _sync_directory(self.directory)

    def motion_ids(self) -> list[int]:
        """The motions that have a key file."""
        if not self.directory.is_dir():
            return []
        found = (_KEY_FILE.fullmatch(p.name) for p in self.directory.iterdir())
        return sorted(int(m.group(1)) for m in found if m)

    def destroy_unless(self, open_ids: Iterable[int], *, older_than: float) -> list[int]:
        """Destroy the keys of motions not in `open_ids`, except those made in the last
        `older_than` seconds (a vote being opened has its key before it commits)."""
        keep = set(open_ids)
        now = time.time()
        destroyed = []
        for motion_id in self.motion_ids():
            if motion_id in keep:
                continue
            try:
                age = now - self._path(motion_id).stat().st_mtime
            except FileNotFoundError:
                continue
            if age >= older_than:
                self.destroy(motion_id)
                destroyed.append(motion_id)
        return destroyed


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
