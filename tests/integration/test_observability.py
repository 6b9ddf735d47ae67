"""Request ids, access logs and /metrics."""

from __future__ import annotations

import logging


def test_request_id_is_echoed_or_made_up(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert (
        client.get("/healthz", headers={"X-Request-ID": "nginx-abc-123"}).headers["X-Request-ID"]
        == "nginx-abc-123"
    )
    junk = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert junk != "<script>"


def test_access_log_carries_request_id_and_status(client, caplog):
    from server.observability import RequestIdFilter

    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="server.access"):
        client.get("/api/meetings", headers={"X-Request-ID": "req-0000001"})
    record = next(r for r in caplog.records if r.name == "server.access")
    assert record.status == 401
    assert record.path == "/api/meetings"


def test_json_log_lines(capsys):
    from server.observability import JsonFormatter

    record = logging.makeLogRecord(
        {
            "msg": "hello %s",
            "args": ("bạn",),
            "levelname": "INFO",
            "name": "x",
            "request_id": "r1",
            "status": 200,
        }
    )
    line = JsonFormatter().format(record)
    import json

    data = json.loads(line)
    assert data["message"] == "hello bạn"
    assert data["request_id"] == "r1"
    assert data["status"] == 200


def test_metrics_only_with_the_token_or_from_an_allowed_address(app, client):
    """Loopback alone is not trusted: behind a proxy on the same host, everyone is loopback."""
    client.get("/healthz")
    for address in ("127.0.0.1", "::1", "10.1.2.3"):
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": address}).status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-token"
    with_token = client.get(
        "/metrics",
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
        headers={"Authorization": "Bearer s3cret-token"},
    )
    assert with_token.status_code == 200
    assert "council_http_requests_total" in with_token.text
    assert "council_connected_sockets" in with_token.text
    wrong = client.get(
        "/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}, headers={"Authorization": "Bearer x"}
    )
    assert wrong.status_code == 404
    app.config["METRICS_ALLOW"] = ["10.9.0.5"]
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.9.0.5"}).status_code == 200
