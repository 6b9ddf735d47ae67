"""The process entry point, and the only module that names gevent or eventlet.

    python -m server.wsgi                     # one process (make run)
    gunicorn -k gevent -w 1 server.wsgi:app   # one process per core behind nginx

ASYNC_MODE is "gevent" (default), "eventlet" (deprecated upstream, kept working) or
"threading" (development only). See docs/architecture.md for the choice.

With TLS_CERT_FILE and TLS_KEY_FILE set (`flask tls init`) it serves HTTPS on PORT, and with
HTTP_REDIRECT_PORT also plain HTTP there (gevent, eventlet), redirecting every request to HTTPS.
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

import contextlib  # noqa: E402
import ssl  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from server import create_app, lifecycle  # noqa: E402
from server.concurrency import install_blocking_runner  # noqa: E402
from server.extensions import socketio  # noqa: E402
from server.listener import listen  # noqa: E402
from server.observability import configure_logging  # noqa: E402
from server.ops.tls import TLSError, redirect_to_https, server_context  # noqa: E402
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


def _tls_context() -> ssl.SSLContext | None:
    try:
        return server_context(app.config["TLS_CERT_FILE"], app.config["TLS_KEY_FILE"])
    except TLSError as exc:
        raise SystemExit(f"Cannot serve HTTPS: {exc}") from None


configure_logging(os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT", "text"))

app = create_app({"ASYNC_MODE": ASYNC_MODE})
_runner = _thread_pool_runner()
if _runner is not None:
    install_blocking_runner(_runner)
check_deployment(app)
tls_context = _tls_context()
if tls_context is not None and __name__ != "__main__":
    raise SystemExit(
        "TLS_CERT_FILE is served by `python -m server.wsgi` itself. Under gunicorn, nginx in "
        "front holds the certificate (docs/deployment.md): unset TLS_CERT_FILE and TLS_KEY_FILE."
    )
lifecycle.start(app)
tune_garbage_collector()


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    redirect_port = int(os.environ.get("HTTP_REDIRECT_PORT", "0"))
    if redirect_port and (tls_context is None or ASYNC_MODE == "threading"):
        raise SystemExit(
            "HTTP_REDIRECT_PORT needs HTTPS (TLS_CERT_FILE and TLS_KEY_FILE) and ASYNC_MODE "
            "gevent or eventlet."
        )
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
    base = f"{'https' if tls_context else 'http'}://{shown}:{port}"
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
    if tls_context is not None:
        print(f"  CA for tablets to install:  {base}/ca\n", file=sys.stderr, flush=True)
    if app.config["DEPLOYMENT"] == "demo":
        print(
            "  Demo accounts (password: demo): admin, secretary, chair, display, guest,\n"
            "  delegate01 ... delegate50\n",
            file=sys.stderr,
            flush=True,
        )
    if ASYNC_MODE == "threading":
        socketio.run(
            app,
            host=host,
            port=port,
            log_output=False,
            allow_unsafe_werkzeug=True,
            ssl_context=tls_context,
        )
    elif ASYNC_MODE == "gevent":
        from gevent import pywsgi

        if redirect_port:
            redirect = redirect_to_https(port)
            pywsgi.WSGIServer(listen(host, redirect_port), redirect, log=None).start()

        class Handler(pywsgi.WSGIHandler):  # type: ignore[misc]
            def handle(self) -> None:
                # A TLS error means the client went away: a failed handshake (a tablet without
                # the CA, plain HTTP on this port) or a close while we wrote. No traceback.
                with contextlib.suppress(ssl.SSLError):
                    super().handle()

        ssl_args: dict[str, Any] = {}
        if tls_context is not None:
            # The handshake on the first read, inside the handler, not before it.
            ssl_args = {"ssl_context": tls_context, "do_handshake_on_connect": False}
        pywsgi.WSGIServer(
            listen(host, port), app, log=None, handler_class=Handler, **ssl_args
        ).serve_forever()
    else:
        import eventlet
        import eventlet.wsgi

        if redirect_port:
            redirect = redirect_to_https(port)
            eventlet.spawn(
                eventlet.wsgi.server, listen(host, redirect_port), redirect, log_output=False
            )

        class Protocol(eventlet.wsgi.HttpProtocol):  # type: ignore[misc]
            def handle_one_request(self) -> None:
                try:
                    super().handle_one_request()
                except ssl.SSLError:
                    # The client went away (see the gevent handler above): no traceback.
                    self.close_connection = 1

        listener = listen(host, port)
        if tls_context is not None:
            # The handshake happens on each connection's first read, in its own green thread.
            listener = tls_context.wrap_socket(listener, server_side=True)
        eventlet.wsgi.server(listener, app, log_output=False, protocol=Protocol)


if __name__ == "__main__":
    main()
