"""Everything that touches PyMuPDF, and nothing else does. Pure: no Flask, no database. The
server process imports only the modules here without PyMuPDF (spec, pool, files, minutes,
result_sheet); the worker processes run the rest.

compose.py   writing new Vietnamese PDFs from HTML (demo documents, result sheets, minutes)
minutes.py   the HTML of the session's minutes data (dữ liệu biên bản kỳ họp); pure
result_sheet.py  the HTML of a vote's result sheet (biên bản kiểm phiếu); pure
pipeline.py  checking, sanitising, extracting, rendering, OCR (run inside workers)
safety.py    scanning every object of a PDF for active content
worker.py    the worker process (python -m server.pdf.worker), JSON lines on stdio
pool.py      the server's pool of workers (no PyMuPDF: it only talks to them)
spec.py      what server and workers agree on (limits, file names; no PyMuPDF)
files.py     writing files whole and flushed, and telling a full disk (no PyMuPDF)
"""
