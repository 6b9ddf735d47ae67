"""How blocking work leaves the event loop.

Only the process entry point (server/wsgi.py) knows the async library; it installs a
thread-pool runner here so that CPU-heavy calls in C (argon2) do not stall every
socket of a gevent or eventlet process. Without an entry point (tests, CLI) the call
runs directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_runner: Callable[..., Any] | None = None


def install_blocking_runner(runner: Callable[..., Any]) -> None:
    """Set the function that runs `fn(*args)` in a real OS thread and returns its result."""
    global _runner
    _runner = runner


def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking, CPU-bound call without stalling other greenlets."""
    if _runner is None:
        return fn(*args)
    result: T = _runner(fn, *args)
    return result


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous code (pyHanko's API is async).

    asyncio.run refuses when the calling thread already runs an event loop (a test driving
    a browser does); the coroutine then runs in a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
