"""The document pipeline: check, sanitise, extract, render, OCR. Pure: no Flask, no database.

These functions run inside a worker process (server.pdf.worker), never in the server's
event loop; the demo seed and the tests may call them directly. Each raises `PdfProblem`
with a message code for a problem a person can act on (not a PDF, encrypted, ...).

Coordinates are PDF points on the unrotated page, origin at the top left of its
visible area (the crop box), as PyMuPDF reports them; a page's `rotation` says how it is
turned for display, and rendered images show it turned.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import re
import struct
import subprocess
import tempfile
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf

from server.pdf import safety
from server.pdf.files import write_atomic
from server.pdf.spec import PIPELINE_VERSION, Limits, sanitised_path, sniff

__all__ = ["PIPELINE_VERSION", "Limits", "PdfProblem", "ocr", "probe", "process", "render"]

Emit = Callable[[dict[str, Any]], None]

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)


class PdfProblem(Exception):
    """A problem with the document itself; `code` names a message for people."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --- Opening and checking ------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_pdf(path: Path) -> pymupdf.Document:
    """Open a PDF that has passed `sniff`, or raise the problem that stops it."""
    with path.open("rb") as f:
        code = sniff(f.read(1024))
    if code:
        raise PdfProblem(code)
    try:
        doc = pymupdf.open(str(path), filetype="pdf")
    except Exception as exc:
        raise PdfProblem("document_unreadable") from exc
    if doc.needs_pass:
        doc.close()
        raise PdfProblem("document_encrypted")
    if doc.page_count == 0:
        doc.close()
        raise PdfProblem("document_no_pages")
    return doc


def _check_page(doc: pymupdf.Document, index: int, limits: Limits) -> pymupdf.Page:
    page = doc.load_page(index)
    rect = page.cropbox
    sides = (rect.width, rect.height)
    if max(sides) > limits.max_page_side or min(sides) < limits.min_page_side:
        raise PdfProblem(
            "document_page_size",
            page=index + 1,
            width=round(rect.width),
            height=round(rect.height),
        )
    for image in doc.get_page_images(index):
        width, height = int(image[2] or 0), int(image[3] or 0)
        if width * height > limits.max_image_pixels:
            raise PdfProblem("document_image_too_large", page=index + 1)
    return page


def probe(path: Path, limits: Limits) -> dict[str, Any]:
    """The quick checks an upload gets before it is accepted (all pages opened)."""
    size = path.stat().st_size
    doc = open_pdf(path)
    try:
        if doc.page_count > limits.max_pages:
            raise PdfProblem(
                "document_too_many_pages", pages=doc.page_count, limit=limits.max_pages
            )
        broken: list[int] = []
        for index in range(doc.page_count):
            try:
                _check_page(doc, index, limits)
            except PdfProblem:
                raise
            except Exception:
                broken.append(index + 1)
        if len(broken) == doc.page_count:
            raise PdfProblem("document_unreadable")
        return {
            "sha256": sha256_file(path),
            "size": size,
            "page_count": doc.page_count,
            "repaired": bool(doc.is_repaired),
            "broken_pages": broken,
            "title": _clean_text(doc.metadata.get("title") if doc.metadata else None),
        }
    finally:
        doc.close()


# --- Sanitising ----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _clean_text(value: str | None, limit: int = 300) -> str | None:
    if not value:
        return None
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()
    return cleaned[:limit] or None


def _links(page: pymupdf.Page) -> list[dict[str, Any]]:
    """The page's links that can be kept: page jumps, and web addresses as inert data."""
    kept: list[dict[str, Any]] = []
    try:
        links = page.get_links()
    except Exception:
        return kept
    for link in links:
        rect = [round(v, 2) for v in link["from"]]
        kind = link.get("kind")
        if kind in (pymupdf.LINK_GOTO, pymupdf.LINK_NAMED) and link.get("page", -1) >= 0:
            target: dict[str, Any] = {"rect": rect, "target_index": int(link["page"])}
            to = link.get("to")
            if to is not None and kind == pymupdf.LINK_GOTO:
                target["to"] = [round(to.x, 2), round(to.y, 2)]
            kept.append(target)
        elif kind == pymupdf.LINK_URI:
            uri = str(link.get("uri") or "").strip()
            if uri.lower().startswith(_SAFE_SCHEMES) and len(uri) <= 2000:
                kept.append({"rect": rect, "url": _CONTROL.sub("", uri)})
    return kept


def _normalise_toc(toc: list[list[Any]], page_map: dict[int, int]) -> list[list[Any]]:
    """Outline entries that point at kept pages, with levels PDF outlines accept."""
    result: list[list[Any]] = []
    previous = 0
    for entry in toc:
        level, title, page = int(entry[0]), entry[1], int(entry[2])
        target = page_map.get(page - 1)
        title = _clean_text(str(title), 500)
        if target is None or not title:
            continue
        level = max(1, min(level, previous + 1))
        result.append([level, title, target + 1])
        previous = level
    return result


def _rebuild(src: pymupdf.Document) -> tuple[pymupdf.Document, list[int], list[str]]:
    """A new document holding only the pages' appearance: (doc, source pages kept, warnings)."""
    warnings: list[str] = []
    try:
        # Annotations and form fields become part of the page's content, without actions.
        src.bake(annots=True, widgets=True)
    except Exception:
        warnings.append("document_annotations_dropped")
    new = pymupdf.open()
    try:
        new.insert_pdf(src, links=False, annots=False, widgets=False)
        if new.page_count == src.page_count:
            return new, list(range(src.page_count)), warnings
    except Exception:  # noqa: S110 - retried page by page below
        pass
    new.close()
    new = pymupdf.open()
    kept: list[int] = []
    for index in range(src.page_count):
        before = new.page_count
        try:
            new.insert_pdf(
                src, from_page=index, to_page=index, links=False, annots=False, widgets=False
            )
        except Exception:
            # Undo a half-inserted page; keep going with the others.
            while new.page_count > before:
                new.delete_page(new.page_count - 1)
            continue
        if new.page_count == before + 1:
            kept.append(index)
    if not kept:
        raise PdfProblem("document_unreadable")
    return new, kept, warnings


def sanitise(src: pymupdf.Document) -> tuple[bytes, dict[str, Any]]:
    """Rebuild `src` into a safe PDF; returns its bytes and what was kept.

    The rebuilt file is scanned object by object; whatever dangerous name remains is
    stripped and the file scanned again; a file that still fails is refused.
    """
    metadata = dict(src.metadata or {})
    toc = src.get_toc(simple=True)
    try:
        labels = src.get_page_labels()
    except Exception:
        labels = []
    links = []
    for index in range(src.page_count):
        try:
            links.append(_links(src.load_page(index)))
        except Exception:
            links.append([])

    new, kept, warnings = _rebuild(src)
    page_map = {source: target for target, source in enumerate(kept)}
    skipped = [i + 1 for i in range(src.page_count) if i not in page_map]

    page_links: list[list[dict[str, Any]]] = []
    for target, source in enumerate(kept):
        out: list[dict[str, Any]] = []
        page = new[target]
        for link in links[source]:
            if "url" in link:
                out.append({"rect": link["rect"], "url": link["url"]})
                continue
            dest = page_map.get(link["target_index"])
            if dest is None:
                continue
            out.append({"rect": link["rect"], "page": dest + 1})
            spec: dict[str, Any] = {
                "kind": pymupdf.LINK_GOTO,
                "from": pymupdf.Rect(link["rect"]),
                "page": dest,
            }
            if "to" in link:
                spec["to"] = pymupdf.Point(*link["to"])
            # Should a jump fail to be written, the client still has it as data.
            with contextlib.suppress(Exception):
                page.insert_link(spec)
        page_links.append(out)

    outline = _normalise_toc(toc, page_map)
    if outline:
        try:
            new.set_toc(outline)
        except Exception:
            outline = []
    if labels and not skipped:
        try:
            new.set_page_labels(labels)
        except Exception:
            warnings.append("document_labels_dropped")
    new.set_metadata(
        {
            key: _clean_text(metadata.get(key)) or ""
            for key in ("title", "author", "subject", "keywords")
        }
        | {"creator": "Phòng họp không giấy", "producer": "PyMuPDF"}
    )

    data = new.tobytes(garbage=3, deflate=True, no_new_id=True)
    new.close()
    data = _verify(data)
    return data, {
        "outline": [{"level": e[0], "title": e[1], "page": e[2]} for e in outline],
        "links": page_links,
        "skipped_pages": skipped,
        "warnings": warnings + (["document_pages_skipped"] if skipped else []),
        "metadata": {k: _clean_text(metadata.get(k)) for k in ("title", "author", "subject")},
    }


def _verify(data: bytes) -> bytes:
    """Scan every object of the output; strip and rescan once; refuse if anything remains."""
    doc = pymupdf.open("pdf", data)
    try:
        found = safety.scan(doc)
        if not found:
            return data
        safety.strip(doc, found)
        cleaned: bytes = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    finally:
        doc.close()
    check = pymupdf.open("pdf", cleaned)
    try:
        remaining = safety.scan(check)
    finally:
        check.close()
    if remaining:
        raise PdfProblem("document_unsafe")
    return cleaned


# --- Extraction ----------------------------------------------------------------------


def _pt(value: float) -> float:
    """A coordinate to 1/100 point (round() with digits is several times slower)."""
    return round(value * 100) / 100


def _clean_word(text: str) -> str:
    if not text.isprintable() or not unicodedata.is_normalized("NFC", text):
        text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    return text.strip()


def page_words(page: pymupdf.Page, textpage: Any = None) -> list[list[Any]]:
    """[[x0, y0, x1, y1, text], ...] in reading order as the content gives it."""
    words = []
    for x0, y0, x1, y1, raw, *_ in page.get_text("words", textpage=textpage):
        text = _clean_word(raw)
        if text:
            words.append([_pt(x0), _pt(y0), _pt(x1), _pt(y1), text])
    return words


def _needs_ocr(page: pymupdf.Page) -> bool:
    """A page without text whose images cover a good part of it (a scan)."""
    area = abs(page.rect) or 1.0
    covered = 0.0
    try:
        infos = page.get_image_info()
    except Exception:
        return False
    for info in infos:
        covered += abs(pymupdf.Rect(info["bbox"]) & page.rect)
    return covered / area >= 0.1


def page_record(page: pymupdf.Page, links: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    crop = page.cropbox
    words = page_words(page)
    try:
        label = _clean_text(page.get_label(), 64)
    except Exception:
        label = None
    return {
        "number": page.number + 1,
        "width": round(crop.width, 2),
        "height": round(crop.height, 2),
        "rotation": page.rotation,
        "label": label,
        "words": words,
        "links": links or [],
        "needs_ocr": not words and _needs_ocr(page),
    }


def page_payload(record: dict[str, Any]) -> dict[str, Any]:
    """A page record ready to store: words as JSON text, the text they make, packed boxes.

    Done here, in the worker, so the server only copies strings: `text` is the words
    joined by single spaces (a space inside a word becomes a no-break space, so word n is
    the n-th piece), `boxes` the words' x0 y0 x1 y1 as little-endian float32, base64.
    """
    words = record.pop("words")
    record["words_json"] = json.dumps(words, ensure_ascii=False, separators=(",", ":"))
    record["text"] = " ".join(w[4].replace(" ", "\u00a0") for w in words)
    flat = [v for w in words for v in w[:4]]
    record["boxes"] = base64.b64encode(struct.pack(f"<{len(flat)}f", *flat)).decode()
    record["has_words"] = bool(words)
    return record


@dataclass(frozen=True)
class Thumbnails:
    """Where processing writes each page's thumbnail.

    `directory` may hold {sha} and {sha2} (the sanitised file's hash and its first two
    characters), `pattern` holds {page}.
    """

    directory: str
    pattern: str
    width: int
    fmt: str


def process(
    original: Path,
    pdf_dir: Path,
    limits: Limits,
    emit: Emit,
    thumbnails: Thumbnails | None = None,
) -> dict[str, Any]:
    """Sanitise, then extract every page; emits {"type": "start"|"page", ...} as it goes.

    Returns the sanitised file's SHA-256 (it is stored as pdf_dir/aa/<sha>.pdf) with the
    outline, metadata, warnings and the pages that need OCR.
    """
    src = open_pdf(original)
    try:
        emit({"type": "start", "total": src.page_count})
        repaired = bool(src.is_repaired)
        data, kept = sanitise(src)
    finally:
        src.close()
    sha = hashlib.sha256(data).hexdigest()
    # The document's row will name this file: on disk, name and all, before the answer.
    write_atomic(sanitised_path(pdf_dir, sha), data, durable=True)

    doc = pymupdf.open("pdf", data)
    needs_ocr: list[int] = []
    try:
        emit({"type": "start", "total": doc.page_count})
        for index in range(doc.page_count):
            page = doc.load_page(index)
            record = page_record(page, kept["links"][index])
            if record["needs_ocr"]:
                needs_ocr.append(index + 1)
            if thumbnails is not None:
                folder = Path(thumbnails.directory.format(sha=sha, sha2=sha[:2]))
                target = folder / thumbnails.pattern.format(page=index + 1)
                if not target.exists():
                    image = _render(page, thumbnails.width, thumbnails.fmt, limits)
                    write_atomic(target, image, durable=False)
            emit({"type": "page", "page": page_payload(record)})
        page_count = doc.page_count
    finally:
        doc.close()
    warnings = kept["warnings"] + (["document_repaired"] if repaired else [])
    return {
        "pdf_sha256": sha,
        "pdf_size": len(data),
        "page_count": page_count,
        "outline": kept["outline"],
        "metadata": kept["metadata"],
        "skipped_pages": kept["skipped_pages"],
        "warnings": warnings,
        "needs_ocr": needs_ocr,
    }


def thumbnails(pdf: Path, spec: Thumbnails, limits: Limits) -> dict[str, Any]:
    """Render every page's thumbnail that is not there yet."""
    made = 0
    doc = pymupdf.open(str(pdf), filetype="pdf")
    try:
        for index in range(doc.page_count):
            target = Path(spec.directory) / spec.pattern.format(page=index + 1)
            if not target.exists():
                image = _render(doc.load_page(index), spec.width, spec.fmt, limits)
                # Rendered pages are a cache no row names: made again if lost.
                write_atomic(target, image, durable=False)
                made += 1
    finally:
        doc.close()
    return {"rendered": made}


# --- Rendering -----------------------------------------------------------------------

_open_docs: OrderedDict[str, pymupdf.Document] = OrderedDict()
OPEN_DOCS = 8


def _cached_doc(path: Path) -> pymupdf.Document:
    key = str(path)
    doc = _open_docs.pop(key, None)
    if doc is None:
        doc = pymupdf.open(key, filetype="pdf")
    _open_docs[key] = doc
    while len(_open_docs) > OPEN_DOCS:
        _, old = _open_docs.popitem(last=False)
        old.close()
    return doc


#: Grey levels kept for black-and-white pages (text antialiasing needs no more).
GREY_LEVELS = 16
_GREY_INDEX = [min(GREY_LEVELS - 1, (v * (GREY_LEVELS - 1) + 127) // 255) for v in range(256)]
_GREY_PALETTE = [round(i * 255 / (GREY_LEVELS - 1)) for i in range(GREY_LEVELS) for _ in range(3)]


#: A colour page that is drawn (text, tables, a seal, a chart), not photographed, has few
#: colours: at most this many on its 4x4 reduction. Measured: drawn pages of the corpus and
#: of the demo up to about 560; a text page with a 3x4 cm portrait about 3,600 (which a
#: 256-colour palette would band), a page-wide photograph over 20,000.
DRAWN_MAX_COLOURS = 1024


def _grey_png(image: Any) -> bytes:
    """A black-and-white page as a 16-level, 4-bit PNG: less than half WebP's size, and
    faster to make."""
    index = image.getchannel(0).point(_GREY_INDEX)
    index.putpalette(_GREY_PALETTE)  # an L image with a palette becomes P, without a copy
    out = io.BytesIO()
    index.save(out, format="PNG", bits=4, compress_level=2)
    return out.getvalue()


def _palette_png(image: Any) -> bytes:
    """A drawn colour page as a 256-colour PNG, without dithering (which would speckle text
    edges): about 60% of WebP's size, made in a fraction of its time. The palette is chosen
    from every fourth pixel each way (real colours, not block averages, so a red seal stays
    its red), a quarter of the cost of choosing it from them all; 999 pixels in 1,000 end
    within 13 levels of the original, as with a palette chosen from every pixel."""
    from PIL import Image

    size = (max(1, image.width // 4), max(1, image.height // 4))
    sample = image.resize(size, Image.Resampling.NEAREST)
    palette = sample.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    index = image.quantize(palette=palette, dither=Image.Dither.NONE)
    out = io.BytesIO()
    index.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _encode(pix: pymupdf.Pixmap, fmt: str, photo: bool = False) -> bytes:
    """The page image. A photograph (a scan, or a page holding a photo) as asked, WebP or
    PNG. Otherwise a PNG whatever was asked (every client accepts PNG), smaller and faster
    to make than WebP: a black-and-white page in 16 greys, a drawn colour page in 256
    colours."""
    from PIL import Image

    image = Image.frombuffer("RGB", (pix.width, pix.height), pix.samples_mv, "raw", "RGB", 0, 1)
    if not photo:
        # Checked on 4x4 block averages, at a sixteenth of the cost: a coloured pixel keeps
        # its block's average coloured, and a photograph's blocks stay many colours.
        colours = image.reduce(4).getcolors(DRAWN_MAX_COLOURS)
        if colours is not None:
            # RGB colours are (r, g, b) tuples.
            if all(isinstance(c, tuple) and c[0] == c[1] == c[2] for _, c in colours):
                return _grey_png(image)
            return _palette_png(image)
    out = io.BytesIO()
    if fmt == "png":
        # zlib's fastest level: in less time than MuPDF's own PNG writer, and smaller.
        image.save(out, format="PNG", compress_level=1)
    else:
        # method 0 is libwebp's fastest; quality 80 keeps small text crisp at these widths.
        image.save(out, format="WEBP", quality=80, method=0)
    return out.getvalue()


def image_format(data: bytes) -> str:
    """ "webp" or "png", from the bytes."""
    return "webp" if data[8:12] == b"WEBP" else "png"


def _zoom(page: pymupdf.Page, width_px: int, limits: Limits) -> float:
    rect = page.rect
    zoom = float(width_px / rect.width)
    pixels = rect.width * zoom * rect.height * zoom
    if pixels > limits.max_render_pixels:
        zoom *= (limits.max_render_pixels / pixels) ** 0.5
    return max(zoom, 0.01)


def _render(
    page: pymupdf.Page, width_px: int, fmt: str, limits: Limits, photo: bool = False
) -> bytes:
    zoom = _zoom(page, width_px, limits)
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False, annots=False)
    return _encode(pix, fmt, photo)


def _stamp(page: pymupdf.Page, text: str) -> None:
    """Write `text` lightly across the page, diagonally, a few times (the viewer's name)."""
    font = pymupdf.Font("notos")
    visible = page.rect
    size = max(10.0, min(visible.width, visible.height) / 22)
    length = font.text_length(text, fontsize=size) or 1.0
    writer = pymupdf.TextWriter(page.rect, opacity=0.13, color=(0.45, 0.05, 0.05))
    # Place lines in the page as seen (turned), then bring them back to unrotated space.
    derotate = page.derotation_matrix
    angle = -30 if visible.width < visible.height else -20
    rows = 4
    for row in range(rows):
        y = visible.height * (row + 0.6) / rows
        x = (visible.width - length * 0.87) / 2
        writer.append(pymupdf.Point(x, y), text, font=font, fontsize=size)
    pivot = pymupdf.Point(visible.width / 2, visible.height / 2)
    morph = (pivot * derotate, pymupdf.Matrix(angle - page.rotation))
    writer.write_text(page, morph=morph)


def render(
    pdf: Path,
    page_number: int,
    width_px: int,
    fmt: str,
    out: Path,
    limits: Limits,
    watermark: str | None = None,
    photo: bool = False,
) -> dict[str, Any]:
    """Render one page (from 1) at `width_px` into `out` (written atomically).

    `photo` (a scanned page): never the 16-level grey PNG, which would band a photograph.
    """
    if watermark:
        # A fresh copy: the stamp must never reach the cached document.
        doc = pymupdf.open(str(pdf), filetype="pdf")
        try:
            page = doc.load_page(page_number - 1)
            _stamp(page, watermark)
            data = _render(page, width_px, fmt, limits, photo)
        finally:
            doc.close()
    else:
        page = _cached_doc(pdf).load_page(page_number - 1)
        data = _render(page, width_px, fmt, limits, photo)
    write_atomic(out, data, durable=False)
    return {"bytes": len(data), "format": image_format(data)}


# --- OCR -----------------------------------------------------------------------------


def ocr(
    pdf: Path, page_number: int, tessdata: str, language: str, dpi: int, timeout: float
) -> dict[str, Any]:
    """Recognise the text of one page with the Tesseract program; words as `page_words` gives.

    The page is rendered in grey at `dpi` (turned as displayed); Tesseract's word boxes
    in pixels are brought back to points on the unrotated page.
    """
    doc = pymupdf.open(str(pdf), filetype="pdf")
    try:
        page = doc.load_page(page_number - 1)
        zoom = dpi / 72
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
        back = pymupdf.Matrix(1 / zoom, 1 / zoom) * page.derotation_matrix
        with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
            image = Path(tmp) / "page.png"
            pix.save(str(image))
            env = {**os.environ, "OMP_THREAD_LIMIT": "1", "TESSDATA_PREFIX": tessdata}
            try:
                done = subprocess.run(
                    ["tesseract", str(image), "stdout", "-l", language, "--psm", "3", "tsv"],
                    capture_output=True,
                    timeout=timeout,
                    env=env,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise PdfProblem("document_ocr_timeout", page=page_number) from exc
        if done.returncode != 0:
            raise PdfProblem("document_ocr_failed", page=page_number)
        words = _tsv_words(done.stdout.decode("utf-8", "replace"), back)
        return page_payload({"words": words})
    finally:
        doc.close()


def _tsv_words(tsv: str, back: pymupdf.Matrix) -> list[list[Any]]:
    words: list[list[Any]] = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) != 12 or cols[0] != "5":
            continue
        text = _CONTROL.sub("", unicodedata.normalize("NFC", cols[11])).strip()
        try:
            confidence = float(cols[10])
            left, top, width, height = (int(v) for v in cols[6:10])
        except ValueError:
            continue
        if not text or confidence < 0:
            continue
        rect = pymupdf.Rect(left, top, left + width, top + height) * back
        rect.normalize()
        words.append(
            [round(rect.x0, 2), round(rect.y0, 2), round(rect.x1, 2), round(rect.y1, 2), text]
        )
    return words
