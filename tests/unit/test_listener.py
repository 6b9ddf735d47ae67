"""The serving socket sends small writes at once (TCP_NODELAY, inherited by connections)."""

from __future__ import annotations

import socket

from server.listener import listen


def test_accepted_connections_have_nagle_turned_off():
    listener = listen("127.0.0.1", 0)
    try:
        client = socket.create_connection(listener.getsockname()[:2], timeout=5)
        connection, _ = listener.accept()
        try:
            assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
            # A socket made without it has it off: the setting above is what turns it on.
            assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        finally:
            connection.close()
            client.close()
    finally:
        listener.close()
