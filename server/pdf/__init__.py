"""Everything that touches PyMuPDF, and nothing else does. Pure: no Flask, no database.

compose.py   writing new Vietnamese PDFs (demo documents, result sheets)
minutes.py   the session's minutes data (dữ liệu biên bản kỳ họp) as an A4 PDF
pipeline.py  checking, sanitising, extracting, rendering, OCR (run inside workers)
safety.py    scanning every object of a PDF for active content
worker.py    the worker process (python -m server.pdf.worker), JSON lines on stdio
pool.py      the server's pool of workers (no PyMuPDF: it only talks to them)
spec.py      what server and workers agree on (limits, file names; no PyMuPDF)
"""
