"""Keep Chromium running on the kiosk page; restart it whenever it exits."""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from pathlib import Path

from kiosk.config import Backoff, KioskConfig

log = logging.getLogger("kiosk")


class Launcher:
    def __init__(self, config: KioskConfig, pid_file: Path | None = None) -> None:
        self.config = config
        self.pid_file = pid_file
        self.stopping = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def stop(self, *_args: object) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def run(self) -> int:
        """Start Chromium, restart it when it exits, until asked to stop (SIGTERM, Ctrl-C)."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.config.profile_dir.expanduser().mkdir(parents=True, exist_ok=True)
        backoff = Backoff(
            self.config.restart_delay, self.config.max_restart_delay, self.config.healthy_after
        )
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                self.process = subprocess.Popen(self.config.command())
            except OSError as exc:
                log.error("cannot start %s: %s", self.config.chromium, exc)
                self.stopping.wait(backoff.next_delay(0))
                continue
            self.starts += 1
            self._write_pid(self.process.pid)
            log.info(
                "chromium started (pid %s, start %d): %s",
                self.process.pid,
                self.starts,
                self.config.url().split("#")[0],
            )
            code = self.process.wait()
            ran = time.monotonic() - started
            if self.stopping.is_set():
                break
            delay = backoff.next_delay(ran)
            log.warning(
                "chromium exited with %s after %.0f s; restarting in %.0f s", code, ran, delay
            )
            self.stopping.wait(delay)
        if self.pid_file is not None:
            self.pid_file.unlink(missing_ok=True)
        return 0

    def _write_pid(self, pid: int) -> None:
        if self.pid_file is not None:
            self.pid_file.write_text(f"{pid}\n")
