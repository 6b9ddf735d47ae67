"""The WebSocket transport's limit on one incoming message.

Engine.IO checks `max_http_buffer_size` on long-polling requests, and on WebSocket
messages only once a message has been read whole. Under gevent (and the threading test
server) WebSockets come from simple-websocket, which without `max_message_size` buffers a
message of any size first: one client (even before it logs in) could send hundreds of
megabytes and hold the process's event loop while they are read. Here the WebSocket
closes (1009, message too big) as soon as a message passes the limit. Eventlet's own
WebSocket server already stops at `max_http_buffer_size`.
"""

from __future__ import annotations

from typing import Any

import socketio
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI


def cap_websocket_messages(server: socketio.Server) -> None:
    """Make the server's simple-websocket transport refuse messages over the buffer size."""
    eio = server.eio
    base = eio._async.get("websocket")
    if not (isinstance(base, type) and issubclass(base, SimpleWebSocketWSGI)):
        return
    limit = int(eio.max_http_buffer_size)

    class CappedWebSocket(base):  # type: ignore[misc,valid-type]
        def __init__(self, handler: Any, server: Any) -> None:
            super().__init__(handler, server)
            self.server_args["max_message_size"] = limit

    # A copy: the driver's table is shared by every server in the process.
    eio._async = {**eio._async, "websocket": CappedWebSocket}
