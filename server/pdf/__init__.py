"""Everything that touches PyMuPDF, and nothing else does. Pure: no Flask, no database."""
