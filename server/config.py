"""Settings read from the environment, with embedded defaults.

The embedded default is one process, SQLite and files under `instance/`, no Redis.
A scale-out deployment sets DATABASE_URL (PostgreSQL), REDIS_URL and STORAGE_DIR.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"

DEPLOYMENTS = ("demo", "production")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def from_environment() -> dict[str, Any]:
    """The configuration for this process, from environment variables."""
    instance = Path(os.environ.get("INSTANCE_DIR", INSTANCE_DIR))
    deployment = os.environ.get("DEPLOYMENT", "demo")
    if deployment not in DEPLOYMENTS:
        raise RuntimeError(f"DEPLOYMENT must be one of {DEPLOYMENTS}, not {deployment!r}")
    return {
        "DEPLOYMENT": deployment,
        # Signs the session cookies and the hall codes. Unset: a random key is made once into
        # SECRET_KEY_FILE (instance/secret_key, readable by this user only) and kept there.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SECRET_KEY_FILE": os.environ.get("SECRET_KEY_FILE", str(instance / "secret_key")),
        # The Ed25519 key that signs every audit entry, outside the database (made once).
        "AUDIT_KEY_FILE": os.environ.get("AUDIT_KEY_FILE", str(instance / "audit_signing.key")),
        # age recipients (public keys, "age1...", comma or space separated) that every backup
        # is encrypted for; `flask backup keygen` makes a key. The private key stays off the
        # server: writing a backup needs only these.
        "BACKUP_RECIPIENTS": [
            r for r in re.split(r"[\s,]+", os.environ.get("BACKUP_RECIPIENTS", "")) if r
        ],
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'council.db'}"
        ),
        "STORAGE_DIR": os.environ.get("STORAGE_DIR", str(instance / "storage")),
        # The keys of open secret votes, one file each (voting/secrecy.py): outside the database
        # and STORAGE_DIR, so no backup holds them; shared by the processes like STORAGE_DIR.
        "BALLOT_KEYS_DIR": os.environ.get("BALLOT_KEYS_DIR", str(instance / "ballot_keys")),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "PDF_WORKERS": _int("PDF_WORKERS", max(1, os.cpu_count() or 1)),
        "MAX_UPLOAD_MB": _int("MAX_UPLOAD_MB", 200),
        # Tesseract language(s) for scanned pages; "" turns OCR off.
        "OCR_LANGUAGE": os.environ.get("OCR_LANGUAGE", "vie"),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        # Strict-Transport-Security max-age sent over HTTPS (0: not sent); production needs it.
        "HSTS_SECONDS": _int("HSTS_SECONDS", 0),
        # Serve HTTPS directly (the hall's local certificate, `flask tls init`), else plain
        # HTTP behind a proxy that terminates TLS.
        "TLS_CERT_FILE": os.environ.get("TLS_CERT_FILE") or None,
        "TLS_KEY_FILE": os.environ.get("TLS_KEY_FILE") or None,
        # The hall's CA made by `flask tls init` (tablets install its ca.crt from /ca).
        "TLS_DIR": os.environ.get("TLS_DIR", str(instance / "tls")),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        # Addresses (comma-separated) that read /metrics without the token, e.g. the
        # Prometheus host; none by default (loopback is not trusted: a proxy is loopback).
        "METRICS_ALLOW": [
            a.strip() for a in os.environ.get("METRICS_ALLOW", "").split(",") if a.strip()
        ],
        # Presence (connected tablets): each process renews its entries every
        # PRESENCE_HEARTBEAT_SECONDS; entries of a process that died vanish after the TTL.
        "PRESENCE_TTL_SECONDS": _float("PRESENCE_TTL_SECONDS", 30.0),
        "PRESENCE_HEARTBEAT_SECONDS": _float("PRESENCE_HEARTBEAT_SECONDS", 10.0),
    }


def defaults() -> dict[str, Any]:
    """Settings that are not read from the environment."""
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        #: The largest request body any route reads, but those that say more (uploads, the
        #: annotation routes): a request declaring more is refused (413) before it is read.
        "MAX_BODY_BYTES": 64 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "council_session",
        # The cookie's own lifetime; the session row decides sooner (see below).
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        # Sessions end after this long without a request, and this long after login in any
        # case: staff (administrators, secretaries, chairs) sooner than delegates and guests.
        "SESSION_IDLE_STAFF_SECONDS": 60 * 60,
        "SESSION_LIFETIME_STAFF_SECONDS": 12 * 3600,
        "SESSION_IDLE_SECONDS": 3 * 24 * 3600,
        "SESSION_LIFETIME_SECONDS": 14 * 24 * 3600,
        "SESSION_LIFETIME_DEVICE_SECONDS": 30 * 24 * 3600,
        "JSON_SORT_KEYS": False,
        # Failed logins within a sliding window, counted per account from one address, per
        # account from anywhere and per address: past these free failures each attempt waits
        # a growing delay (1 s, 2 s, 4 s ..., capped; see accounts.services), never a lock.
        "LOGIN_FREE_FAILURES": 3,
        "LOGIN_FREE_FAILURES_PER_ACCOUNT": 10,
        "LOGIN_FREE_FAILURES_PER_ADDRESS": 30,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        # argon2id parameters (RFC 9106 second recommended option, lighter memory).
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_KIB": 64 * 1024,
        "ARGON2_PARALLELISM": 1,
        # Replays longer than this are answered with the full state instead.
        "EVENT_REPLAY_LIMIT": 1000,
        "PDF_JOB_TIMEOUT_SECONDS": 600,
        "PDF_RENDER_TIMEOUT_SECONDS": 30,
        "PDF_WORKER_MEMORY_MB": 1536,
        "SOCKET_EVENTS_PER_10S": 100,
        # Socket handlers running at once per process (each may hold a database connection;
        # keep it well under the pool's size + overflow).
        "SOCKET_HANDLER_SLOTS": 8,
        # At most one presence notice per meeting per this many seconds, per process.
        "PRESENCE_NOTICE_SECONDS": 1.0,
        # After Redis fails, how long publishing pauses before it is tried again.
        "REDIS_RETRY_SECONDS": 3.0,
    }
