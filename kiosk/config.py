"""Kiosk settings from a TOML file, and the Chromium command they give. Pure."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

ROLES = ("display", "tablet")

#: Flags for an unattended screen on a closed network: no first-run pages, no update checks,
#: no background connections to the outside, no crash bubbles or translation prompts.
BASE_FLAGS = (
    "--no-first-run",
    "--no-default-browser-check",
    "--noerrdialogs",
    "--disable-infobars",
    "--disable-session-crashed-bubble",
    "--disable-translate",
    "--disable-features=Translate,MediaRouter",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--password-store=basic",
    "--check-for-update-interval=31536000",
    "--overscroll-history-navigation=0",
    "--autoplay-policy=no-user-gesture-required",
)


class ConfigError(ValueError):
    """The kiosk file is missing a value or has a wrong one; the message says which."""


@dataclass(frozen=True)
class KioskConfig:
    #: The council room server, e.g. "https://192.168.10.2:5000".
    server: str
    #: "display" opens the hall display, "tablet" the delegates' app.
    role: str = "display"
    #: A one-time pairing token printed by the secretariat; logs the screen in on first start.
    pairing_token: str | None = None
    chromium: str = "/usr/bin/chromium"
    profile_dir: Path = Path("~/.local/share/council-kiosk/profile")
    #: Seconds to wait before the first restart; doubles up to `max_restart_delay`.
    restart_delay: float = 2.0
    max_restart_delay: float = 30.0
    #: A run longer than this counts as healthy and resets the delay.
    healthy_after: float = 60.0
    kiosk_mode: bool = True
    extra_args: tuple[str, ...] = field(default_factory=tuple)

    def url(self) -> str:
        """The page Chromium opens, with the pairing token in the fragment if there is one."""
        base = self.server.rstrip("/")
        path = "/display" if self.role == "display" else "/"
        fragment = f"#/pair/{quote(self.pairing_token, safe='')}" if self.pairing_token else ""
        return f"{base}{path}{fragment}"

    def command(self) -> list[str]:
        profile = self.profile_dir.expanduser()
        args = [self.chromium, f"--user-data-dir={profile}", *BASE_FLAGS]
        if self.kiosk_mode:
            args.append("--kiosk")
        args.extend(self.extra_args)
        args.append(self.url())
        return args


def from_mapping(data: dict[str, Any]) -> KioskConfig:
    """A KioskConfig from parsed TOML, with every value checked."""
    server = data.get("server")
    if not isinstance(server, str) or urlsplit(server).scheme not in ("http", "https"):
        raise ConfigError("'server' must be the server's address, e.g. https://192.168.10.2:5000")
    role = data.get("role", "display")
    if role not in ROLES:
        raise ConfigError(f"'role' must be one of {', '.join(ROLES)}")
    token = data.get("pairing_token")
    if token is not None and (not isinstance(token, str) or not token.strip()):
        raise ConfigError("'pairing_token' must be the token printed on the QR card")
    extra = data.get("extra_args", [])
    if not isinstance(extra, list) or not all(isinstance(a, str) for a in extra):
        raise ConfigError("'extra_args' must be a list of strings")
    numbers = {}
    for key in ("restart_delay", "max_restart_delay", "healthy_after"):
        if key in data:
            value = data[key]
            if not isinstance(value, int | float) or value <= 0:
                raise ConfigError(f"'{key}' must be a positive number of seconds")
            numbers[key] = float(value)
    return KioskConfig(
        server=server,
        role=role,
        pairing_token=token.strip() if token else None,
        chromium=str(data.get("chromium", "/usr/bin/chromium")),
        profile_dir=Path(str(data.get("profile_dir", "~/.local/share/council-kiosk/profile"))),
        kiosk_mode=bool(data.get("kiosk_mode", True)),
        extra_args=tuple(extra),
        **numbers,
    )


def load(path: Path) -> KioskConfig:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"no kiosk configuration at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return from_mapping(data)


class Backoff:
    """Restart delays: doubling after quick crashes, back to the start after a healthy run."""

    def __init__(self, first: float, limit: float, healthy_after: float) -> None:
        self.first = first
        self.limit = limit
        self.healthy_after = healthy_after
        self.current = first

    def next_delay(self, ran_for: float) -> float:
        if ran_for >= self.healthy_after:
            self.current = self.first
        delay = self.current
        self.current = min(self.limit, self.current * 2)
        return delay
