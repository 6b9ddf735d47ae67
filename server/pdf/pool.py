"""The server's side of the PDF workers: a pool of `python -m server.pdf.worker` processes.

Each worker is a fresh interpreter speaking JSON lines over its stdin and stdout
(server.pdf.worker). Waiting for an answer uses `select` on the pipe, which gevent and
eventlet make cooperative once they have patched the standard library, and which simply
blocks the calling thread in threading mode: one code path for every async mode. Every
call has a deadline; a worker that overruns it, or dies, is killed and replaced.

Pure: no Flask, no database. The server keeps one pool per process (`shared_pool`).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent

OnMessage = Callable[[dict[str, Any]], None]


class PoolError(Exception):
    """The work could not be done by a worker; `code` names a message for people."""

    code = "pdf_failed"

    def __init__(self, code: str | None = None, params: dict[str, Any] | None = None) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code
        self.params = params or {}


class WorkerTimeout(PoolError):
    code = "pdf_timeout"


class WorkerCrashed(PoolError):
    code = "document_too_complex"


class PoolBusy(PoolError):
    code = "pdf_busy"


class TaskFailed(PoolError):
    """The worker answered with an error (a PdfProblem or an unexpected exception)."""


class Worker:
    """One worker process and its pipes."""

    def __init__(self, memory_mb: int, nice: int = 0) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env.setdefault("OMP_THREAD_LIMIT", "1")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "server.pdf.worker"),
                *("--memory-mb", str(memory_mb), "--nice", str(nice)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=env,
            close_fds=True,
            bufsize=0,
        )
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self._in = self.process.stdin.fileno()
        self._out = self.process.stdout.fileno()
        self._buffer = b""
        self._next_id = 0
        self.started = time.monotonic()
        self.calls = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def _write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimeout()
            _, writable, _ = select.select([], [self._in], [], min(remaining, 1.0))
            if not writable:
                continue
            try:
                written = os.write(self._in, view)
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError) as exc:
                raise WorkerCrashed() from exc
            view = view[written:]

    def _read_line(self, deadline: float, idle_deadline: float | None) -> bytes:
        while b"\n" not in self._buffer:
            now = time.monotonic()
            limit = deadline if idle_deadline is None else min(deadline, idle_deadline)
            if now >= limit:
                raise WorkerTimeout()
            readable, _, _ = select.select([self._out], [], [], min(limit - now, 1.0))
            if not readable:
                continue
            try:
                chunk = os.read(self._out, 1 << 16)
            except BlockingIOError:
                continue
            if not chunk:
                raise WorkerCrashed()
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def call(
        self,
        op: str,
        args: dict[str, Any],
        *,
        timeout: float,
        idle_timeout: float | None = None,
        on_message: OnMessage | None = None,
    ) -> Any:
        """Send one request and wait for its answer, passing messages to `on_message`."""
        self._next_id += 1
        self.calls += 1
        request_id = self._next_id
        deadline = time.monotonic() + timeout
        line = json.dumps({"id": request_id, "op": op, "args": args}, ensure_ascii=False)
        self._write(line.encode() + b"\n", deadline)
        while True:
            idle_deadline = time.monotonic() + idle_timeout if idle_timeout else None
            raw = self._read_line(deadline, idle_deadline)
            try:
                answer = json.loads(raw)
            except ValueError:
                log.warning("pdf worker %s wrote a line that is not JSON: %r", self.pid, raw[:200])
                continue
            if answer.get("id") != request_id:
                continue
            if "message" in answer:
                if on_message is not None:
                    on_message(answer["message"])
                continue
            if answer.get("ok"):
                return answer.get("result")
            error = answer.get("error") or {}
            if error.get("detail"):
                log.warning("pdf worker %s failed on %s: %s", self.pid, op, error["detail"])
            raise TaskFailed(error.get("code") or "pdf_failed", error.get("params") or {})

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.error("pdf worker %s did not exit after SIGKILL", self.pid)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

    def close(self) -> None:
        """Ask the worker to leave (end of its input), then make sure it has."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


class Pool:
    """At most `size` workers, each doing one call at a time; callers queue for them."""

    def __init__(self, size: int, memory_mb: int, max_calls: int = 500, nice: int = 0) -> None:
        self.size = max(1, size)
        self.memory_mb = memory_mb
        #: Added to the workers' niceness: background work yields the CPU to the rest.
        self.nice = nice
        #: A worker is replaced after this many calls, to return its memory.
        self.max_calls = max_calls
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        #: Workers killed after overrunning their time or dying.
        self.replaced = 0
        #: Calls made, by operation (for tests and metrics).
        self.calls: dict[str, int] = {}

    def _take(self) -> Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = Worker(self.memory_mb, self.nice)
                with self._lock:
                    self._workers.add(worker)
                return worker
            if worker.alive():
                return worker
            self._discard(worker)

    def _discard(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def call(
        self,
        op: str,
        args: dict[str, Any],
        *,
        timeout: float,
        idle_timeout: float | None = None,
        on_message: OnMessage | None = None,
        wait: float = 30.0,
    ) -> Any:
        """Run `op` on a free worker within `timeout` seconds (waiting up to `wait` for one)."""
        self.calls[op] = self.calls.get(op, 0) + 1
        if not self._slots.acquire(timeout=wait):
            raise PoolBusy()
        try:
            worker = self._take()
            try:
                result = worker.call(
                    op, args, timeout=timeout, idle_timeout=idle_timeout, on_message=on_message
                )
            except (WorkerTimeout, WorkerCrashed):
                log.warning("pdf worker %s killed after %s failed or overran", worker.pid, op)
                self.replaced += 1
                self._discard(worker)
                raise
            except TaskFailed as failed:
                if failed.code == "document_too_complex":
                    # Out of memory: the worker leaves after answering; never reuse it.
                    self._discard(worker)
                else:
                    self._release(worker)
                raise
            except BaseException:
                # The caller gave up mid-call (an exception in on_message, a greenlet kill):
                # the worker may still be busy with this request, so it cannot be reused.
                self._discard(worker)
                raise
            self._release(worker)
            return result
        finally:
            self._slots.release()

    def _release(self, worker: Worker) -> None:
        if worker.alive() and worker.calls < self.max_calls:
            self._idle.put(worker)
        else:
            self._discard(worker)

    def workers(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._workers)

    def shutdown(self) -> None:
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.close()
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break


_shared: dict[int, Pool] = {}
_shared_lock = threading.Lock()


def shared_pool(size: int, memory_mb: int, nice: int = 0) -> Pool:
    """This process's pool for work of this niceness, created on first use."""
    with _shared_lock:
        pool = _shared.get(nice)
        if pool is None:
            pool = _shared[nice] = Pool(size, memory_mb, nice=nice)
            atexit.register(pool.shutdown)
        return pool
