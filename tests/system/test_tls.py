"""The entry point serves HTTPS with the hall's certificate: real handshakes on loopback.

A client trusting the hall's CA gets the pages, the API and Socket.IO over TLS; a client that
trusts only the system's roots, or another hall's CA, is refused at the handshake. A missing
certificate file stops the server before it serves, saying which.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from server.ops import tls
from tests.live import ROOT, LiveServer, Tablet
from tests.services import free_port

pytestmark = pytest.mark.slow

TIMEOUT = 5


def https_get(port: int, path: str, context: ssl.SSLContext, host: str = "127.0.0.1") -> bytes:
    """One HTTP/1.1 GET over a TLS connection of Python's own ssl, with the given trust."""
    with (
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        context.wrap_socket(raw, server_hostname=host) as conn,
    ):
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def https_server(live: LiveServer, directory: Path, **env: str) -> LiveServer:
    made = tls.init(directory, tls.parse_hosts(["127.0.0.1", "localhost"]))
    live.extra_env.update(
        TLS_CERT_FILE=str(made.layout.server_cert),
        TLS_KEY_FILE=str(made.layout.server_key),
        TLS_DIR=str(directory),
        SESSION_COOKIE_SECURE="1",
        HSTS_SECONDS="31536000",
        **env,
    )
    live.ca_file = made.layout.ca_cert
    return live


@pytest.mark.parametrize("async_mode", ["gevent", "eventlet"])
def test_https_with_the_hall_ca_and_only_with_it(
    live_sqlite: LiveServer, tmp_path: Path, async_mode: str
):
    live_sqlite.async_mode = async_mode
    redirect_port = free_port()
    live = https_server(live_sqlite, tmp_path / "tls", HTTP_REDIRECT_PORT=str(redirect_port))
    ca = live.ca_file
    assert ca is not None
    live.start()
    assert live.url.startswith("https://")

    trusting = ssl.create_default_context(cafile=str(ca))
    answer = https_get(live.port, "/healthz", trusting)
    assert answer.startswith(b"HTTP/1.1 200")
    assert b"Strict-Transport-Security: max-age=31536000" in answer
    assert https_get(live.port, "/healthz", trusting, host="localhost").startswith(b"HTTP/1.1 200")

    # Only the system's roots, another hall's CA, or a name the certificate is not for: refused.
    with pytest.raises(ssl.SSLCertVerificationError):
        https_get(live.port, "/healthz", ssl.create_default_context())
    other = tls.init(tmp_path / "other", tls.parse_hosts(["127.0.0.1"]))
    with pytest.raises(ssl.SSLCertVerificationError):
        https_get(
            live.port, "/healthz", ssl.create_default_context(cafile=str(other.layout.ca_cert))
        )
    with pytest.raises(ssl.SSLCertVerificationError):
        https_get(live.port, "/healthz", trusting, host="hall.example.vn")
    # Plain HTTP on the HTTPS port gets nothing, and the server goes on serving.
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{live.port}/healthz", timeout=TIMEOUT)

    served = requests.get(f"{live.url}/ca.crt", verify=str(ca), timeout=TIMEOUT)
    assert served.status_code == 200
    assert served.content == ca.read_bytes()
    assert b"PRIVATE KEY" not in served.content

    # A tablet logs in (the cookie is Secure) and its Socket.IO WebSocket runs over TLS.
    tablet = Tablet(live.url, "delegate01", ca_file=ca)
    try:
        meeting_id = tablet.api("GET", "/api/meetings").json()["meetings"][0]["id"]
        tablet.connect()
        assert tablet.join(meeting_id)["ok"] is True
    finally:
        tablet.close()

    moved = requests.get(
        f"http://127.0.0.1:{redirect_port}/ca?x=1", allow_redirects=False, timeout=TIMEOUT
    )
    assert moved.status_code == 308
    assert moved.headers["Location"] == f"https://127.0.0.1:{live.port}/ca?x=1"
    # Refused handshakes and closed connections are not errors of the server's.
    assert "Traceback" not in live.log()


def test_a_missing_certificate_file_stops_the_server_saying_which(
    live_sqlite: LiveServer, tmp_path: Path
):
    live = https_server(live_sqlite, tmp_path / "tls")
    live.extra_env["TLS_CERT_FILE"] = str(tmp_path / "tls" / "gone.crt")
    with pytest.raises(RuntimeError, match="server exited early") as exited:
        live.start(timeout=30)
    assert f"Cannot serve HTTPS: TLS_CERT_FILE is {tmp_path / 'tls' / 'gone.crt'}" in str(
        exited.value
    )
    assert "no such file" in str(exited.value)


def test_imported_by_gunicorn_the_entry_point_leaves_tls_to_nginx(
    live_sqlite: LiveServer, tmp_path: Path
):
    """gunicorn imports server.wsgi (it never runs it as __main__): HTTPS is nginx's there."""
    live = https_server(live_sqlite, tmp_path / "tls")
    imported = subprocess.run(
        [sys.executable, "-c", "import server.wsgi"],
        cwd=ROOT,
        env=live.environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 1
    assert "Under gunicorn, nginx in front holds the certificate" in imported.stderr
