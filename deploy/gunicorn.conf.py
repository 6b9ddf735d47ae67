"""gunicorn settings for one server process: one gevent worker (see docs/deployment.md).

    gunicorn -c deploy/gunicorn.conf.py server.wsgi:app

Run one such process per core, each on its own port, behind nginx with sticky sessions;
with REDIS_URL set they share the meeting rooms through Redis. The worker's gevent
patching happens before server.wsgi is imported (never preload the app: it would be
imported unpatched in the master). WebSockets are served by simple-websocket on the
worker's own socket; no gevent-websocket is needed.
"""

import os

_host = os.environ.get("HOST", "127.0.0.1")
_port = os.environ.get("PORT", "5000")
bind = os.environ.get("BIND") or f"{_host}:{_port}"

# One worker: Socket.IO keeps each client's state in the process that accepted it, and
# several workers behind one port cannot be sticky. Scale with processes, not workers.
workers = 1
worker_class = "gevent"
# Open connections per process (each tablet holds one WebSocket).
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "4000"))
preload_app = False
# Never recycle the worker: that would drop every tablet of the process at once.
max_requests = 0

# The master restarts a worker that stops answering for this long (a blocking call in
# the event loop would show up here first).
timeout = 30
# On restart, connections get this long; tablets reconnect and catch up by seq.
graceful_timeout = 10
keepalive = 5

# nginx in front keeps the access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = f"council-{bind}"
