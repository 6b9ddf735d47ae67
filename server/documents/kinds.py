"""The values a document's kind, status and processing stage take (pure: shared by the
models, the schemas and the database's CHECK constraints)."""

from __future__ import annotations

from typing import Literal

DocumentKind = Literal["main", "reference", "link"]
DocumentStatus = Literal["processing", "ready", "failed"]
#: Where processing is: "pages" (sanitise and extract) or "ocr" (recognise scans).
DocumentStage = Literal["pages", "ocr"]
