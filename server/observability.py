"""Request ids, structured logs and the Prometheus-style /metrics endpoint.

Every request gets an id (taken from a sane X-Request-ID header, e.g. set by nginx, or made
up) that is echoed in the response and stamped on every log line written while serving it.
`LOG_FORMAT=json` writes one JSON object per line for log collectors.

Metrics are per process (each gunicorn worker answers for itself; scrape each, or sum).
Features add gauges computed at scrape time with `gauge_callback`.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, Response, abort, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

access_log = logging.getLogger("server.access")

REGISTRY = CollectorRegistry()

HTTP_REQUESTS = Counter(
    "council_http_requests_total",
    "HTTP requests answered, by method and status class",
    ["method", "status"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "council_http_request_seconds",
    "Time to answer an HTTP request",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
CONNECTED_SOCKETS = Gauge(
    "council_connected_sockets",
    "Socket.IO connections (tablets, consoles, displays) open on this process",
    registry=REGISTRY,
)
EVENT_EMIT_SECONDS = Histogram(
    "council_event_emit_seconds",
    "Time to hand one event to Socket.IO for its room (the "
    "fan-out to this process's clients, or the publish to Redis)",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
    registry=REGISTRY,
)
EVENT_EMIT_FAILURES = Counter(
    "council_event_emit_failures_total",
    "Events that could not be handed to Socket.IO (e.g. Redis down); clients catch up by seq",
    registry=REGISTRY,
)


class _Callbacks(Collector):
    """Gauges whose value is computed when /metrics is read (within the app context)."""

    def __init__(self) -> None:
        self.gauges: dict[str, tuple[str, Callable[[], float]]] = {}

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, (documentation, compute) in self.gauges.items():
            try:
                value = float(compute())
            except Exception:  # a metric must never break the endpoint
                logging.getLogger(__name__).exception("metric %s failed", name)
                continue
            yield GaugeMetricFamily(name, documentation, value=value)


_callbacks = _Callbacks()
REGISTRY.register(_callbacks)


def gauge_callback(
    name: str, documentation: str
) -> Callable[[Callable[[], float]], Callable[[], float]]:
    """Register a gauge computed at scrape time, e.g. open votes or the processing queue."""

    def register(fn: Callable[[], float]) -> Callable[[], float]:
        _callbacks.gauges[name] = (documentation, fn)
        return fn

    return register


# --- Logging -----------------------------------------------------------------------------


def current_request_id() -> str:
    if has_request_context():
        return str(g.get("request_id", "-"))
    return "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, extra fields."""

    STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        body.update({k: v for k, v in vars(record).items() if k not in self.STANDARD})
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Set up the root logger for a serving process (called by server/wsgi.py)."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


# --- Wiring ------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.add_url_rule("/metrics", "metrics", metrics)


def _start() -> None:
    sent = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = sent if _SANE_ID.match(sent) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = current_request_id()
    started = g.get("request_started")
    if started is not None and request.path != "/metrics":
        elapsed = time.perf_counter() - started
        HTTP_REQUESTS.labels(request.method, f"{response.status_code // 100}xx").inc()
        HTTP_SECONDS.observe(elapsed)
        access_log.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            response.status_code,
            elapsed * 1000,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(elapsed * 1000, 1),
            },
        )
    return response


def metrics() -> Response:
    """Prometheus text format, with `Authorization: Bearer $METRICS_TOKEN` or from an address
    in METRICS_ALLOW. Loopback is not trusted by itself: behind a proxy on the same host every
    request comes from loopback."""
    token = current_app.config.get("METRICS_TOKEN")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    allowed = request.remote_addr in current_app.config.get("METRICS_ALLOW", [])
    if not (allowed or (token and hmac.compare_digest(sent.encode(), token.encode()))):
        abort(404)
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)
