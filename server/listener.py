"""The serving process's listening socket."""

from __future__ import annotations

import socket


def listen(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket, as Flask-SocketIO's `run` would make it, with TCP_NODELAY.

    Accepted connections inherit TCP_NODELAY: a small reply, or a Socket.IO frame written
    while the previous one is not yet acknowledged, goes out at once instead of waiting up
    to 40 ms for the client's delayed ACK (Nagle's algorithm). gunicorn sets it on its own
    listeners. Under gevent or eventlet, `socket` is already the cooperative one.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(backlog)
    return listener
