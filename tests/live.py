"""Real server processes for system tests and benchmarks.

`LiveServer` runs `python -m server.wsgi` (the production entry point, under gevent or
eventlet), or gunicorn with deploy/gunicorn.conf.py (`launcher="gunicorn"`), on a free
loopback port against a database prepared with `prepare_database`,
and can be stopped, killed with SIGKILL and restarted. `login_session` and
`socket_client` act as a tablet: an HTTP session with its cookie and CSRF token, and a
python-socketio client sharing that cookie.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests
import socketio
import websocket

from tests.conftest import TEST_SECRET, build_app, migrate_and_seed
from tests.services import free_port

ROOT = Path(__file__).resolve().parent.parent


def prepare_database(database_url: str, storage: Path) -> None:
    """Migrate and seed the demo council (with cheap password hashes, so logins are fast)."""
    migrate_and_seed(build_app(database_url, storage))


@dataclass
class LiveServer:
    database_url: str
    storage: Path
    #: The server's async library; LIVE_ASYNC_MODE=eventlet runs the live tests under eventlet.
    async_mode: str = field(default_factory=lambda: os.environ.get("LIVE_ASYNC_MODE", "gevent"))
    redis_url: str | None = None
    #: "python" (python -m server.wsgi) or "gunicorn" (one gevent worker, as in production).
    launcher: str = "python"
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    #: The CA to trust when extra_env sets TLS_CERT_FILE (the server then speaks HTTPS only).
    ca_file: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.extra_env.get("TLS_CERT_FILE") else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.storage.parent / f"server-{self.port}.log"

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "REDIS_URL", "STORAGE_DIR", "INSTANCE_DIR")
        }
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "STORAGE_DIR": str(self.storage),
                "INSTANCE_DIR": str(self.storage.parent / "instance"),
                "SECRET_KEY": TEST_SECRET,
                # gunicorn's worker is gevent's (deploy/gunicorn.conf.py) whatever is asked.
                "ASYNC_MODE": "gevent" if self.launcher == "gunicorn" else self.async_mode,
                "HOST": "127.0.0.1",
                "PORT": str(self.port),
                "DEPLOYMENT": "demo",
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        env.update(self.extra_env)
        return env

    def command(self) -> list[str]:
        if self.launcher == "gunicorn":
            config = str(ROOT / "deploy" / "gunicorn.conf.py")
            return [sys.executable, "-m", "gunicorn", "-c", config, "server.wsgi:app"]
        return [sys.executable, "-m", "server.wsgi"]

    @property
    def pid(self) -> int | None:
        """The serving process (under gunicorn, the worker rather than the master)."""
        if self.process is None:
            return None
        if self.launcher == "gunicorn":
            children = psutil.Process(self.process.pid).children()
            return children[0].pid if children else None
        return self.process.pid

    def start(self, timeout: float = 60.0) -> LiveServer:
        self.storage.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited early; log:\n{self.log()}")
            try:
                verify = str(self.ca_file) if self.ca_file else True
                answer = requests.get(f"{self.url}/healthz", timeout=1, verify=verify)
            except requests.RequestException:
                answer = None
            if answer is not None and answer.status_code == 200:
                serving = answer.json()["async_mode"]
                expected = self.environment()["ASYNC_MODE"]
                assert serving == expected, f"serving under {serving}, not {expected}"
                return
            time.sleep(0.1)
        raise TimeoutError(f"server not ready after {timeout} s; log:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except FileNotFoundError:
            return ""

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flushing, as when the machine loses power to the process."""
        if self.process is not None:
            if self.launcher == "gunicorn":
                for child in psutil.Process(self.process.pid).children():
                    child.kill()
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            # gunicorn: SIGQUIT is its quick shutdown (SIGTERM waits for open WebSockets).
            self.process.send_signal(
                signal.SIGQUIT if self.launcher == "gunicorn" else signal.SIGTERM
            )
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


class Tablet:
    """One logged-in device: an HTTP session that sends the CSRF token, and its socket."""

    def __init__(
        self, base_url: str, username: str, password: str = "demo", *, ca_file: Path | None = None
    ) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        if ca_file is not None:
            # Trust this CA alone: REQUESTS_CA_BUNDLE from the environment would override it.
            # The socket's WebSocket (websocket-client) takes the same CA from the session.
            self.http.trust_env = False
            self.http.verify = str(ca_file)
        response = self.http.post(
            f"{base_url}/api/auth/login",
            json={"username": username, "password": password},
            timeout=30,
        )
        response.raise_for_status()
        self.user: dict[str, Any] = response.json()["user"]
        self.http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        self.sio: socketio.Client | None = None
        self.received: list[tuple[str, Any]] = []

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.http.request(method, f"{self.base_url}{path}", **kwargs)

    def connect(self, **kwargs: Any) -> socketio.Client:
        sio = socketio.Client(http_session=self.http, reconnection=False, **kwargs)

        @sio.on("*")
        def _any(event: str, data: Any = None) -> None:
            self.received.append((event, data))

        sio.connect(self.base_url, transports=["websocket"], wait_timeout=10)
        self.sio = sio
        return sio

    def join(self, meeting_id: int) -> dict[str, Any]:
        assert self.sio is not None
        ack: dict[str, Any] = self.sio.call("join", {"meeting_id": meeting_id}, timeout=10)
        return ack

    def wait_for(self, event: str, predicate: Any = None, timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, data in self.received:
                if name == event and (predicate is None or predicate(data)):
                    return data
            time.sleep(0.02)
        raise TimeoutError(f"no {event} within {timeout} s; got {[n for n, _ in self.received]}")

    def close(self) -> None:
        if self.sio is not None:
            if self.sio.connected:
                self.sio.disconnect()
            # When the server closed first, the client leaves its WebSocket open.
            ws = getattr(self.sio.eio, "ws", None)
            if ws is not None:
                with contextlib.suppress(OSError, websocket.WebSocketException):
                    if ws.connected:
                        ws.close()
                    else:
                        ws.shutdown()
        self.http.close()
