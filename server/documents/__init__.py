"""Documents: upload, the PyMuPDF pipeline (in worker processes), page images, text, search.

The blueprint is in routes.py and registered by server/app.py; importing this package
loads nothing (its pure modules are imported without Flask or the database).
"""
