"""The pool of PDF worker processes: answers, limits, replacement, and waiting cooperatively."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from server.pdf.pool import Pool, TaskFailed, WorkerCrashed, WorkerTimeout

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path("/work/shared/pdf-corpus")


@pytest.fixture
def pool():
    pool = Pool(2, memory_mb=1024)
    yield pool
    pool.shutdown()


def test_answers_and_reuses_a_worker(pool):
    first = pool.call("ping", {}, timeout=30)
    second = pool.call("ping", {}, timeout=30)
    assert first["pid"] == second["pid"]
    assert pool.workers() == [first["pid"]]


def test_a_hung_worker_is_killed_and_replaced(pool):
    before = pool.call("ping", {}, timeout=30)["pid"]
    with pytest.raises(WorkerTimeout):
        pool.call("sleep", {"seconds": 30}, timeout=0.5)
    assert before not in pool.workers()
    after = pool.call("ping", {}, timeout=30)["pid"]
    assert after != before
    assert pool.replaced == 1


def test_a_crashed_worker_is_replaced(pool):
    with pytest.raises(WorkerCrashed) as crashed:
        pool.call("sleep", {"crash": True}, timeout=30)
    assert crashed.value.code == "document_too_complex"
    assert pool.call("ping", {}, timeout=30)["pid"]


def test_memory_is_limited(pool):
    with pytest.raises((TaskFailed, WorkerCrashed)) as failed:
        pool.call("sleep", {"allocate_mb": 4096}, timeout=30)
    assert failed.value.code == "document_too_complex"
    assert pool.call("sleep", {"allocate_mb": 64}, timeout=30) == {"allocated": 64 * 1024 * 1024}


def test_problems_come_back_with_their_code(pool, tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"not a pdf")
    with pytest.raises(TaskFailed) as failed:
        pool.call("probe", {"path": str(bad)}, timeout=30)
    assert failed.value.code == "document_not_pdf"
    # The worker is still good after a refused file.
    assert pool.call("ping", {}, timeout=30)


def test_messages_stream_before_the_answer(pool, tmp_path):
    corpus_file = CORPUS / "tracemonkey.pdf"
    if not corpus_file.exists():
        pytest.skip("the shared PDF corpus is not on this machine")
    messages: list[dict] = []
    result = pool.call(
        "process",
        {"path": str(corpus_file), "pdf_dir": str(tmp_path)},
        timeout=60,
        on_message=messages.append,
    )
    pages = [m for m in messages if m["type"] == "page"]
    assert len(pages) == result["page_count"] == 14
    assert [p["page"]["number"] for p in pages] == list(range(1, 15))


def test_calls_beyond_the_size_wait_their_turn(pool):
    results: list[int] = []

    def call() -> None:
        results.append(pool.call("sleep", {"seconds": 0.3}, timeout=30) and 1)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [1, 1, 1, 1]
    assert len(pool.workers()) <= 2


COOPERATIVE = """
import sys, time
mode = sys.argv[1]
if mode == "gevent":
    from gevent import monkey; monkey.patch_all()
    import gevent
    spawn, sleep = gevent.spawn, gevent.sleep
else:
    import eventlet; eventlet.monkey_patch()
    spawn, sleep = eventlet.spawn, eventlet.sleep
from server.pdf.pool import Pool
pool = Pool(1, memory_mb=1024)
pool.call("ping", {}, timeout=30)
ticks = []
def ticker():
    end = time.monotonic() + 1.2
    while time.monotonic() < end:
        ticks.append(time.monotonic())
        sleep(0.01)
t = spawn(ticker)
started = time.monotonic()
pool.call("sleep", {"seconds": 1.0}, timeout=30)
waited = time.monotonic() - started
t.join() if hasattr(t, "join") else t.wait()
gaps = [b - a for a, b in zip(ticks, ticks[1:])]
print(f"{waited:.2f} {len(ticks)} {max(gaps):.3f}")
pool.shutdown()
"""


@pytest.mark.parametrize("mode", ["gevent", "eventlet"])
def test_waiting_for_a_worker_does_not_block_the_event_loop(mode):
    """While a worker spends a second on a call, other greenlets keep running."""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(COOPERATIVE), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    waited, ticks, longest_gap = done.stdout.split()
    assert float(waited) >= 0.95
    assert int(ticks) > 40
    assert float(longest_gap) < 0.25


ORPHAN = """
import os, signal, sys
from server.pdf.pool import Pool
pool = Pool(1, memory_mb=512)
print(pool.call("ping", {}, timeout=30)["pid"], flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_workers_end_with_their_server():
    """A server killed outright does not leave its workers running."""
    done = subprocess.run(
        [sys.executable, "-c", ORPHAN], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(f"worker {worker} outlived its server")
