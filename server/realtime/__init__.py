"""Realtime: the Socket.IO face (handlers, rooms, presence, the queue between
processes) and getMeetingState (the state, or the events a client missed).

The blueprint is in routes.py and registered by server/app.py; importing this package
loads nothing (its pure modules are imported without Flask or the database).
"""
