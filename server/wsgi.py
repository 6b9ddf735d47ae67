"""The process entry point, and the only module that names gevent or eventlet.

    python -m server.wsgi                     # one process (make run)
    gunicorn -k gevent -w 1 server.wsgi:app   # one process per core behind nginx

ASYNC_MODE is "gevent" (default), "eventlet" (deprecated upstream, kept working) or
"threading" (development only). See docs/architecture.md for the choice.
"""

from __future__ import annotations

import os

ASYNC_MODE = os.environ.get("ASYNC_MODE", "gevent")

if ASYNC_MODE == "gevent":
    from gevent import monkey

    if not monkey.is_module_patched("socket"):  # gunicorn's gevent worker patches first
        monkey.patch_all()
elif ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE != "threading":
    raise SystemExit(f"ASYNC_MODE must be gevent, eventlet or threading, not {ASYNC_MODE!r}")

import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from server import create_app, lifecycle  # noqa: E402
from server.concurrency import install_blocking_runner  # noqa: E402
from server.extensions import socketio  # noqa: E402
from server.listener import listen  # noqa: E402
from server.observability import configure_logging  # noqa: E402
from server.runtime import tune_garbage_collector  # noqa: E402
from server.startup import check_deployment  # noqa: E402


def _thread_pool_runner() -> Callable[..., Any] | None:
    if ASYNC_MODE == "gevent":
        import gevent

        def run(fn: Callable[..., Any], *args: Any) -> Any:
            return gevent.get_hub().threadpool.apply(fn, args)

        return run
    if ASYNC_MODE == "eventlet":
        from eventlet import tpool

        execute: Callable[..., Any] = tpool.execute
        return execute
    return None


configure_logging(os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT", "text"))

app = create_app({"ASYNC_MODE": ASYNC_MODE})
_runner = _thread_pool_runner()
if _runner is not None:
    install_blocking_runner(_runner)
check_deployment(app)
lifecycle.start(app)
tune_garbage_collector()


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
    base = f"http://{shown}:{port}"
    print(
        f"\nPhòng họp không giấy / paperless council room ({ASYNC_MODE})\n"
        f"  Tablet (delegates, guests): {base}/\n"
        f"  Secretariat console:        {base}/secretariat\n"
        f"  Chair console:              {base}/chair\n"
        f"  Hall display:               {base}/display\n"
        f"  Health:                     {base}/healthz\n",
        file=sys.stderr,
        flush=True,
    )
    if app.config["DEPLOYMENT"] == "demo":
        print(
            "  Demo accounts (password: demo): admin, secretary, chair, display, guest,\n"
            "  delegate01 ... delegate50\n",
            file=sys.stderr,
            flush=True,
        )
    if ASYNC_MODE == "threading":
        socketio.run(app, host=host, port=port, log_output=False, allow_unsafe_werkzeug=True)
    elif ASYNC_MODE == "gevent":
        from gevent import pywsgi

        pywsgi.WSGIServer(listen(host, port), app, log=None).serve_forever()
    else:
        import eventlet.wsgi

        eventlet.wsgi.server(listen(host, port), app, log_output=False)


if __name__ == "__main__":
    main()
