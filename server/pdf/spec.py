"""What the server and the PDF workers agree on, without importing PyMuPDF. Pure.

Limits, the names of files the workers write, the first-bytes check of an upload, and
where Tesseract's Vietnamese model is.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: Bump when the output of sanitising, rendering or extraction changes (cache keys use it).
PIPELINE_VERSION = 1

#: Widths a page image is snapped to (CSS pixels); 160 is the thumbnail.
WIDTH_BUCKETS = (160, 480, 960, 1536, 2048)
#: Device pixel ratios a page image is snapped to.
DPR_BUCKETS = (1.0, 1.5, 2.0, 3.0)
THUMBNAIL_WIDTH = 160


@dataclass(frozen=True)
class Limits:
    max_pages: int = 5000
    #: PDF's own limit for a page side is 14,400 points (200 inches).
    max_page_side: float = 14400.0
    min_page_side: float = 1.0
    #: Largest image (width x height) a page may carry; bigger ones are decompression bombs.
    max_image_pixels: int = 200_000_000
    #: Largest rendered image, in pixels; a request beyond it is scaled down.
    max_render_pixels: int = 40_000_000

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Limits:
        return cls(**(data or {}))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_OFFICE_ZIP = b"PK\x03\x04"
_OFFICE_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(head: bytes) -> str | None:
    """The problem code when a file's first bytes are not a PDF's, else None."""
    if not head:
        return "document_empty"
    if b"%PDF-" in head[:1024]:
        return None
    if head.startswith((_OFFICE_ZIP, _OFFICE_OLE)):
        return "document_office_file"
    return "document_not_pdf"


def sanitised_path(pdf_dir: Path, sha: str) -> Path:
    return pdf_dir / sha[:2] / f"{sha}.pdf"


def snap_width(width: int) -> int:
    """The smallest bucket at least `width` wide (the largest bucket past the end)."""
    return next((b for b in WIDTH_BUCKETS if b >= width), WIDTH_BUCKETS[-1])


def snap_dpr(dpr: float) -> float:
    return min(DPR_BUCKETS, key=lambda b: (abs(b - dpr), -b))


def image_pattern(width: int, dpr: float, fmt: str, viewer: str | None = None) -> str:
    """File names of rendered pages in a document's cache directory, with {page} to fill.

    `viewer` tells apart the images stamped for one reader (confidential documents).
    """
    who = f"-{viewer}" if viewer else ""
    return f"{{page}}-{width}x{round(dpr * 100)}{who}-v{PIPELINE_VERSION}.{fmt}"


def image_name(page: int, width: int, dpr: float, fmt: str, viewer: str | None = None) -> str:
    """File name of one rendered page in its document's cache directory."""
    return image_pattern(width, dpr, fmt, viewer).format(page=page)


TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


def find_tessdata(language: str = "vie") -> str | None:
    """The Tesseract data directory holding `language` (e.g. "vie"), or None."""
    if shutil.which("tesseract") is None:
        return None
    for directory in (os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_CANDIDATES):
        if directory and all(
            Path(directory, f"{lang}.traineddata").is_file() for lang in language.split("+")
        ):
            return directory
    return None
