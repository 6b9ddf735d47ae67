"""The kiosk launcher starts Chromium on the display page and restarts it when it dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.live import ROOT, LiveServer
from tests.services import free_port

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"


def _pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text())
    except (FileNotFoundError, ValueError):
        return None


def _wait(predicate, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError("condition not met in time")


def _pages(port: int) -> list[str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as answer:
            return [t["url"] for t in json.load(answer) if t.get("type") == "page"]
    except OSError:
        return []


def test_launcher_starts_and_restarts_chromium(live_sqlite: LiveServer, tmp_path: Path):
    if not os.path.exists(CHROMIUM):
        from tests.conftest import service_missing

        service_missing("Chromium (/usr/bin/chromium) not installed")
    live_sqlite.start()
    devtools = free_port()
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'server = "{live_sqlite.url}"\nrole = "display"\npairing_token = "tok-123"\n'
        f'profile_dir = "{tmp_path / "profile"}"\nrestart_delay = 0.5\nkiosk_mode = false\n'
        f'extra_args = ["--headless=new", "--no-sandbox", "--disable-gpu", '
        f'"--remote-debugging-port={devtools}"]\n'
    )
    pid_file = tmp_path / "chromium.pid"
    launcher = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--pid-file", str(pid_file)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = _wait(lambda: _pid(pid_file))
        pages = _wait(lambda: _pages(devtools))
        assert pages == [f"{live_sqlite.url}/display#/pair/tok-123"]

        os.kill(first, signal.SIGKILL)  # the browser dies
        second = _wait(lambda: (p := _pid(pid_file)) and p != first and p)
        assert second != first
        assert _wait(lambda: _pages(devtools)) == pages, "the display page is back"
    finally:
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=30) == 0
    assert _pid(pid_file) is None, "the launcher removes its pid file when it stops"
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)  # and the browser went with it
