"""Minutes data (dữ liệu biên bản) of a session: what happened, read back from the record.

The blueprint is in routes.py and registered by server/app.py; importing this package
loads nothing (its pure modules are imported without Flask or the database).
"""
