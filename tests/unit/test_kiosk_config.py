"""The kiosk launcher's configuration, Chromium command and restart policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Backoff, ConfigError, from_mapping, load


def test_display_command_is_locked_down():
    config = from_mapping({"server": "http://10.0.0.2:5000/", "pairing_token": "abc/def"})
    command = config.command()
    assert command[0] == "/usr/bin/chromium"
    assert "--kiosk" in command
    assert any(a.startswith("--user-data-dir=") and "council-kiosk" in a for a in command)
    assert "--disable-background-networking" in command
    assert command[-1] == "http://10.0.0.2:5000/display#/pair/abc%2Fdef"


def test_tablet_without_token_opens_the_login():
    config = from_mapping({"server": "https://room.local", "role": "tablet", "kiosk_mode": False})
    assert config.url() == "https://room.local/"
    assert "--kiosk" not in config.command()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "'server'"),
        ({"server": "room.local"}, "'server'"),
        ({"server": "http://x", "role": "tv"}, "'role'"),
        ({"server": "http://x", "pairing_token": " "}, "'pairing_token'"),
        ({"server": "http://x", "extra_args": "--x"}, "'extra_args'"),
        ({"server": "http://x", "restart_delay": 0}, "'restart_delay'"),
    ],
)
def test_bad_values_are_named(data, words):
    with pytest.raises(ConfigError, match=words):
        from_mapping(data)


def test_load_reports_missing_and_broken_files(tmp_path: Path):
    with pytest.raises(ConfigError, match="no kiosk configuration"):
        load(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("server = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(broken)


def test_example_file_loads():
    example = Path(__file__).resolve().parents[2] / "kiosk" / "kiosk.example.toml"
    assert load(example).role == "display"


def test_backoff_doubles_then_resets_after_a_healthy_run():
    backoff = Backoff(first=2, limit=30, healthy_after=60)
    assert [backoff.next_delay(1) for _ in range(6)] == [2, 4, 8, 16, 30, 30]
    assert backoff.next_delay(120) == 2
