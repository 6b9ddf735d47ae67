"""Settings read from the environment, with embedded defaults.

The embedded default is one process, SQLite and files under `instance/`, no Redis.
A scale-out deployment sets DATABASE_URL (PostgreSQL), REDIS_URL and STORAGE_DIR.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"

#: The placeholder key; a production deployment refuses to start with it.
DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused in production

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
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'council.db'}"
        ),
        "STORAGE_DIR": os.environ.get("STORAGE_DIR", str(instance / "storage")),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "PDF_WORKERS": _int("PDF_WORKERS", max(1, os.cpu_count() or 1)),
        "MAX_UPLOAD_MB": _int("MAX_UPLOAD_MB", 200),
        # Tesseract language(s) for scanned pages; "" turns OCR off.
        "OCR_LANGUAGE": os.environ.get("OCR_LANGUAGE", "vie"),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        # Presence (connected tablets): each process renews its entries every
        # PRESENCE_HEARTBEAT_SECONDS; entries of a process that died vanish after the TTL.
        "PRESENCE_TTL_SECONDS": _float("PRESENCE_TTL_SECONDS", 30.0),
        "PRESENCE_HEARTBEAT_SECONDS": _float("PRESENCE_HEARTBEAT_SECONDS", 10.0),
    }


def defaults() -> dict[str, Any]:
    """Settings that are not read from the environment."""
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "council_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
        "JSON_SORT_KEYS": False,
        # Failed logins: per account and per address, within a sliding window.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 50,
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
