"""PostgreSQL restarted under load: requests fail clearly (503, JSON) and then recover."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.live import LiveServer, Tablet, prepare_database

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_postgres_restart_under_load(postgres_server, tmp_path: Path):
    name = f"f_{uuid.uuid4().hex[:10]}"
    postgres_server.create_database(name)
    url = postgres_server.url(name)
    prepare_database(url, tmp_path / "storage")
    server = LiveServer(database_url=url, storage=tmp_path / "storage").start()
    try:
        tablet = Tablet(server.url, "delegate01")
        meeting_id = tablet.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        answers: list[tuple[float, int, dict]] = []
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                try:
                    response = tablet.api("GET", f"/api/meetings/{meeting_id}/state", timeout=10)
                    try:
                        body = response.json()
                    except ValueError:  # a bare error page: counted as no answer
                        body = {"not_json": f"{response.status_code} {response.text[:200]}"}
                    status = 0 if "not_json" in body else response.status_code
                    answers.append((time.monotonic(), status, body))
                except requests.RequestException as exc:
                    answers.append((time.monotonic(), 0, {"exception": repr(exc)}))
                time.sleep(0.02)

        worker = threading.Thread(target=load)
        worker.start()
        time.sleep(1.0)
        restarted_at = time.monotonic()
        postgres_server.stop()
        time.sleep(2.0)
        postgres_server.start()
        back_at = time.monotonic()
        time.sleep(3.0)
        stop.set()
        worker.join(timeout=30)

        statuses = {status for _, status, _ in answers}
        odd = [b for _, s, b in answers if s not in (200, 503)][:3]
        assert statuses <= {200, 503}, f"only successes and clear 503s, got {statuses}: {odd}"
        failures = [body for _, status, body in answers if status == 503]
        assert failures, "the outage was noticed"
        assert all(b["error"]["code"] == "service_unavailable" for b in failures)
        assert any(t < restarted_at and s == 200 for t, s, _ in answers)
        assert any(t > back_at and s == 200 for t, s, _ in answers), "requests recovered"
        late = [s for t, s, _ in answers if t > back_at + 1.0]
        assert late, "requests went on after the restart"
        assert all(s == 200 for s in late), "once back, every request succeeds"
        assert requests.get(f"{server.url}/healthz", timeout=5).status_code == 200
    finally:
        server.stop()
        postgres_server.drop_database(name)
