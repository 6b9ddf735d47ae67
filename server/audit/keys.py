"""The audit chain's signing key, kept outside the database.

Every entry's hash is signed with an Ed25519 key held in a file of its own
(AUDIT_KEY_FILE, `instance/audit_signing.key`, readable by the server's user only), made on
first use. Someone who can rewrite the database cannot sign: rewriting an entry and
recomputing the hashes of the entries after it leaves signatures that no longer verify. The
public key (`flask audit public-key`) verifies a chain, an archive or a backup without the
private one. Keep a copy of the key file apart from the backups, as you would a TLS key.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_lock = threading.Lock()


@lru_cache(maxsize=8)
def signing_key(path: str) -> Ed25519PrivateKey:
    """The private key in `path`, made there once (0600) if there is none."""
    with _lock:
        file = Path(path)
        if not file.exists():
            _create(file)
        key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 private key")
    return key


def _create(file: Path) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process of this instance made it first
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())


def public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_public(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: short enough to print on paper."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign(key: Ed25519PrivateKey, entry_hash: str) -> str:
    return base64.b64encode(key.sign(entry_hash.encode("ascii"))).decode("ascii")


def verifies(key: Ed25519PublicKey, entry_hash: str, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature), entry_hash.encode("ascii"))
    except (InvalidSignature, ValueError):
        return False
    return True
