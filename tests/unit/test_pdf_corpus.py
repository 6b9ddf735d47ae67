"""The whole pipeline over the 61 PDFs of the shared corpus (../shared/pdf-corpus).

Each file's category (MANIFEST.tsv) says what must happen: accepted files are processed
and every page renders; no JavaScript, action or embedded file survives sanitising;
annotations stay visible as part of the page; the rest are refused with a clear code.
The files are read in place, never copied into the repository.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pymupdf
import pytest

from server.pdf import pipeline, safety
from server.pdf.spec import Limits, find_tessdata, sanitised_path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "pdf-corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/pdf-corpus")
LIMITS = Limits()

REFUSED = {
    "encrypted": {"document_encrypted"},
    "no-pages": {"document_no_pages"},
    # The corpus's unreadable files are empty (0 bytes).
    "unreadable": {"document_empty", "document_unreadable", "document_not_pdf"},
}


def manifest() -> list[dict[str, str]]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.exists():
        return []
    with path.open() as f:
        return list(csv.DictReader(f, delimiter="\t"))


ROWS = manifest()


def test_the_corpus_is_there():
    if not ROWS:
        pytest.fail(f"the PDF corpus is missing: {CORPUS}")
    assert len(ROWS) == 61


def pixels(page: pymupdf.Page, annots: bool = True) -> bytes:
    data: bytes = page.get_pixmap(dpi=40, annots=annots, alpha=False).samples
    return data


def differing(a: bytes, b: bytes) -> float:
    if len(a) != len(b):
        return 1.0
    return sum(1 for x, y in zip(a, b, strict=True) if abs(x - y) > 48) / max(1, len(a))


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_corpus_file(row, tmp_path):
    path = CORPUS / row["file"]
    category = row["category"]
    if category in REFUSED:
        with pytest.raises(pipeline.PdfProblem) as problem:
            pipeline.probe(path, LIMITS)
        assert problem.value.code in REFUSED[category]
        return

    facts = pipeline.probe(path, LIMITS)
    assert facts["page_count"] == int(row["pages"])
    messages: list[dict] = []
    result = pipeline.process(path, tmp_path / "out", LIMITS, messages.append)
    pages = [m["page"] for m in messages if m["type"] == "page"]
    assert len(pages) == result["page_count"] >= 1
    if category == "ok,unreadable":
        # Repaired: the pages that cannot be read are left out, and the secretariat is told.
        assert result["page_count"] < facts["page_count"]
        assert "document_pages_skipped" in result["warnings"]
    else:
        assert result["page_count"] == facts["page_count"]

    clean = sanitised_path(tmp_path / "out", result["pdf_sha256"])
    with pymupdf.open(clean) as doc:
        assert safety.scan(doc) == {}, "active content survived sanitising"
        assert doc.embfile_count() == 0
        for page in doc:
            assert list(page.annots(types=[pymupdf.PDF_ANNOT_FILE_ATTACHMENT])) == []
            assert not any(link["kind"] != pymupdf.LINK_GOTO for link in page.get_links())
            out = tmp_path / f"{page.number + 1}.webp"
            pipeline.render(clean, page.number + 1, 480, "webp", out, LIMITS)
            assert out.stat().st_size > 0
        raw = clean.read_bytes()
        for needle in (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction"):
            assert needle not in raw

        if "annotations" in category:
            # The file's own annotations are part of the page now, as they looked.
            with pymupdf.open(path) as original:
                for index in range(doc.page_count):
                    before = pixels(original[index])
                    without = pixels(original[index], annots=False)
                    after = pixels(doc[index])
                    if differing(before, without) > 0.001:
                        # Drawn into the page: closer to how it looked than without them.
                        assert differing(before, after) < differing(before, without)
                        assert differing(without, after) > 0.001

    if result["needs_ocr"] and find_tessdata("vie"):
        for number in result["needs_ocr"]:
            words = pipeline.ocr(clean, number, find_tessdata("vie") or "", "vie", 200, 120)
            assert isinstance(words["words_json"], str)
