"""The PDF pipeline without a server: checks, sanitising, extraction, rendering, OCR."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageChops

from server.documents.textfold import unpack_box
from server.pdf import pipeline, safety
from server.pdf.compose import html_to_pdf, long_report
from server.pdf.spec import Limits, find_tessdata, sanitised_path, snap_dpr, snap_width, sniff
from tests.conftest import service_missing
from tests.factories import photo_pdf, photo_png

LIMITS = Limits()
TEXT = "Nghị quyết về dự toán ngân sách nhà nước năm 2027 của tỉnh Đắk Lắk"


def image(path: Path) -> Image.Image:
    with Image.open(path) as opened:
        opened.load()
        return opened.copy()


def format_of(path: Path) -> str | None:
    with Image.open(path) as opened:
        return opened.format


def write(tmp_path: Path, data: bytes, name: str = "in.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def processed(tmp_path: Path, data: bytes) -> Path:
    """`data` through the pipeline: the sanitised PDF's path."""
    result = pipeline.process(write(tmp_path, data), tmp_path / "out", LIMITS, lambda m: None)
    return sanitised_path(tmp_path / "out", result["pdf_sha256"])


def simple_pdf(pages: int = 2) -> pymupdf.Document:
    """A4 pages with a line of Vietnamese each."""
    doc = pymupdf.open()
    font = pymupdf.Font("notos")
    for n in range(1, pages + 1):
        page = doc.new_page(width=595, height=842)
        writer = pymupdf.TextWriter(page.rect)
        writer.append((72, 100), f"Trang {n}. {TEXT}", font=font, fontsize=11)
        writer.write_text(page)
    return doc


def hostile_pdf() -> bytes:
    """Every kind of active content we know of, in the places it hides."""
    doc = pymupdf.open()
    for n in range(2):
        page = doc.new_page()
        page.insert_text((72, 100), f"Trang {n + 1}", fontsize=14)
    cat = doc.pdf_catalog()
    js = doc.get_new_xref()
    doc.update_object(js, "<</S/JavaScript/JS(app.alert('mo tep'))>>")
    doc.xref_set_key(cat, "OpenAction", f"{js} 0 R")
    doc.xref_set_key(cat, "AA", "<</WC<</S/JavaScript/JS(app.alert(1))>>>>")
    doc.xref_set_key(
        cat, "Names", "<</JavaScript<</Names[(a) <</S/JavaScript/JS(app.alert(2))>>]>>>>"
    )
    first, second = doc[0], doc[1]
    doc.xref_set_key(first.xref, "AA", "<</O<</S/Launch/F(cmd.exe)>>>>")
    # Hidden where a rebuild copies it: an unknown key of the page dictionary.
    doc.xref_set_key(
        first.xref, "PieceInfo", "<</X<</Private<</AA<</O<</S/JavaScript/JS(3)>>>>>>>>>>"
    )
    first.insert_link(
        {"kind": pymupdf.LINK_LAUNCH, "from": pymupdf.Rect(72, 200, 200, 220), "file": "calc.exe"}
    )
    first.insert_link(
        {
            "kind": pymupdf.LINK_GOTOR,
            "from": pymupdf.Rect(72, 230, 200, 250),
            "file": "khac.pdf",
            "page": 0,
        }
    )
    first.insert_link(
        {
            "kind": pymupdf.LINK_URI,
            "from": pymupdf.Rect(72, 260, 200, 280),
            "uri": "https://hdnd.daklak.gov.vn/",
        }
    )
    first.insert_link(
        {
            "kind": pymupdf.LINK_URI,
            "from": pymupdf.Rect(72, 290, 200, 310),
            "uri": "javascript:alert(1)",
        }
    )
    first.insert_link(
        {"kind": pymupdf.LINK_GOTO, "from": pymupdf.Rect(72, 320, 200, 340), "page": 1}
    )
    doc.embfile_add("virus.exe", b"MZ\x90\x00 not really", filename="virus.exe")
    second.add_file_annot(pymupdf.Point(300, 300), b"tep dinh kem", "ghi-chu.txt")
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "ho_ten"
    widget.rect = pymupdf.Rect(72, 400, 300, 420)
    widget.field_value = "Nguyễn Văn A"
    widget.script = "app.alert('widget')"
    second.add_widget(widget)
    doc.set_toc([[1, "Mở đầu", 1], [2, "Chi tiết", 2]])
    data: bytes = doc.tobytes()
    return data


def test_sniff():
    assert sniff(b"") == "document_empty"
    assert sniff(b"%PDF-1.7\n...") is None
    assert sniff(b"\xef\xbb\xbf junk before %PDF-1.4") is None
    assert sniff(b"PK\x03\x04....") == "document_office_file"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...") == "document_office_file"
    assert sniff(b"<html>") == "document_not_pdf"


def test_buckets():
    assert snap_width(100) == 160
    assert snap_width(161) == 480
    assert snap_width(1536) == 1536
    assert snap_width(5000) == 2048
    assert snap_dpr(1.3) == 1.5
    assert snap_dpr(2.6) == 3.0
    assert snap_dpr(0.5) == 1.0


def test_sanitising_leaves_nothing_active(tmp_path):
    data = hostile_pdf()
    with pymupdf.open("pdf", data) as original:
        before = set().union(*safety.scan(original).values())
    assert {
        "JS",
        "JavaScript",
        "Launch",
        "AA",
        "OpenAction",
        "GoToR",
        "EmbeddedFiles",
        "URI",
    } <= before

    messages: list[dict] = []
    result = pipeline.process(write(tmp_path, data), tmp_path / "out", LIMITS, messages.append)
    clean = sanitised_path(tmp_path / "out", result["pdf_sha256"])
    with pymupdf.open(clean) as doc:
        assert safety.scan(doc) == {}
        assert doc.embfile_count() == 0
        assert not doc.is_form_pdf
        assert doc.page_count == 2
        links = doc[0].get_links()
        # Only the jump inside the document is a live link.
        assert [(link["kind"], link.get("page")) for link in links] == [(pymupdf.LINK_GOTO, 1)]
        assert "Nguyễn Văn A" in doc[1].get_text()  # the form field's look is kept
        assert doc.get_toc() == [[1, "Mở đầu", 1], [2, "Chi tiết", 2]]
    raw = clean.read_bytes()
    for needle in (b"app.alert", b"calc.exe", b"cmd.exe", b"virus.exe", b"javascript:"):
        assert needle not in raw

    pages = [m["page"] for m in messages if m["type"] == "page"]
    assert {"rect": [72.0, 260.0, 200.0, 280.0], "url": "https://hdnd.daklak.gov.vn/"} in pages[0][
        "links"
    ]
    assert {"rect": [72.0, 320.0, 200.0, 340.0], "page": 2} in pages[0]["links"]
    assert all("javascript" not in str(link) for link in pages[0]["links"])
    assert result["outline"] == [
        {"level": 1, "title": "Mở đầu", "page": 1},
        {"level": 2, "title": "Chi tiết", "page": 2},
    ]


def test_strip_removes_what_a_rebuild_would_copy():
    doc = pymupdf.open()
    page = doc.new_page()
    doc.xref_set_key(page.xref, "PieceInfo", "<</X<</AA<</O<</S/Launch/F(cmd)>>>>>>>>")
    found = safety.scan(doc)
    assert found
    safety.strip(doc, found)
    assert safety.scan(doc) == {}


def test_names_are_matched_whole():
    assert safety.names_in("<</JSFoo 1/AAA 2/URIx 3>>") == set()
    assert safety.names_in("<</S/JavaScript/JS(x)>>") == {"JavaScript", "JS"}
    assert safety.names_in("<</AA<<>>/OpenAction[3 0 R]>>") == {"AA", "OpenAction"}


def test_probe_reports_problems(tmp_path):
    good = write(tmp_path, simple_pdf().tobytes(), "good.pdf")
    facts = pipeline.probe(good, LIMITS)
    assert facts["page_count"] == 2
    assert len(facts["sha256"]) == 64
    assert facts["broken_pages"] == []
    for data, code in [
        (b"", "document_empty"),
        (b"hello", "document_not_pdf"),
        (b"%PDF-1.4 nothing else", "document_unreadable"),
    ]:
        with pytest.raises(pipeline.PdfProblem) as problem:
            pipeline.probe(write(tmp_path, data, "bad.pdf"), LIMITS)
        assert problem.value.code == code
    with pytest.raises(pipeline.PdfProblem) as problem:
        pipeline.probe(good, Limits(max_pages=1))
    assert problem.value.code == "document_too_many_pages"
    assert problem.value.params == {"pages": 2, "limit": 1}


def test_coordinates_are_on_the_unrotated_crop_box(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    page.insert_text((100, 100), "Ngân sách", fontsize=20)
    expected = [w[:4] for w in page.get_text("words")]
    page.set_cropbox(pymupdf.Rect(50, 50, 550, 700))
    page.set_rotation(90)
    messages: list[dict] = []
    pipeline.process(write(tmp_path, doc.tobytes()), tmp_path / "out", LIMITS, messages.append)
    record = next(m["page"] for m in messages if m["type"] == "page")
    assert record["rotation"] == 90
    assert (record["width"], record["height"]) == (500.0, 650.0)
    words = json.loads(record["words_json"])
    assert [w[4] for w in words] == ["Ngân", "sách"]
    assert record["text"] == "Ngân sách"
    packed = base64.b64decode(record["boxes"])
    assert [unpack_box(packed, i) for i in (0, 1)] == [w[:4] for w in words]
    x0, y0, _, _ = words[0][:4]
    # Relative to the crop box's top-left corner, before turning the page.
    assert x0 == pytest.approx(expected[0][0] - 50, abs=0.5)
    assert y0 == pytest.approx(expected[0][1] - 50, abs=0.5)


def test_page_labels_are_kept(tmp_path):
    doc = simple_pdf(3)
    doc.set_page_labels(
        [
            {"startpage": 0, "prefix": "", "style": "r", "firstpagenum": 1},
            {"startpage": 1, "prefix": "", "style": "D", "firstpagenum": 1},
        ]
    )
    messages: list[dict] = []
    pipeline.process(write(tmp_path, doc.tobytes()), tmp_path / "out", LIMITS, messages.append)
    labels = [m["page"]["label"] for m in messages if m["type"] == "page"]
    assert labels[:2] == ["i", "1"]


def test_render_sizes_formats_and_stamp(tmp_path):
    pdf = processed(tmp_path, photo_pdf())
    # A page holding a photograph comes as asked: WebP, or PNG in full colour.
    webp = tmp_path / "p1.webp"
    assert pipeline.render(pdf, 1, 960, "webp", webp, LIMITS)["format"] == "webp"
    assert format_of(webp) == "WEBP"
    picture = image(webp)
    assert picture.width == 960
    assert abs(picture.height - 960 * 842 / 595) < 2
    png = tmp_path / "p1.png"
    assert pipeline.render(pdf, 1, 480, "png", png, LIMITS)["format"] == "png"
    assert format_of(png) == "PNG"
    assert image(png).mode == "RGB"
    stamped = tmp_path / "s1.png"
    pipeline.render(pdf, 1, 480, "png", stamped, LIMITS, watermark="Nguyễn Văn A · delegate01")
    plain = image(png).convert("RGB")
    marked = image(stamped).convert("RGB")
    assert plain.size == marked.size
    diff = ImageChops.difference(plain, marked).convert("L").point(lambda v: 255 if v else 0)
    changed = diff.histogram()[255]
    assert changed > plain.width * plain.height * 0.01
    # The stamp never reaches the cached document the next render uses.
    again = tmp_path / "p1-again.png"
    pipeline.render(pdf, 1, 480, "png", again, LIMITS)
    assert again.read_bytes() == png.read_bytes()


def test_black_and_white_pages_are_small_grey_pngs(tmp_path):
    pdf = processed(tmp_path, long_report(1))
    grey = tmp_path / "grey.webp"
    assert pipeline.render(pdf, 1, 1536, "webp", grey, LIMITS)["format"] == "png"
    picture = image(grey)
    assert picture.mode == "P"
    assert len(picture.getcolors()) <= pipeline.GREY_LEVELS
    colour = tmp_path / "photo.webp"
    # A scan is a photograph: never reduced to 16 grey levels.
    assert pipeline.render(pdf, 1, 1536, "webp", colour, LIMITS, photo=True)["format"] == "webp"
    assert grey.stat().st_size < colour.stat().st_size


def test_drawn_colour_pages_are_256_colour_pngs(tmp_path):
    pdf = processed(tmp_path, long_report(2, seal=True))
    drawn = tmp_path / "seal.webp"
    assert pipeline.render(pdf, 1, 1536, "webp", drawn, LIMITS)["format"] == "png"
    picture = image(drawn)
    assert picture.mode == "P"
    colours = picture.convert("RGB").getcolors(256)
    assert colours is not None
    # The red seal stays red, the text black.
    assert any(r > 150 and g < 110 and b < 110 for _, (r, g, b) in colours)
    assert any(r < 60 and g < 60 and b < 60 for _, (r, g, b) in colours)
    as_photo = tmp_path / "seal-photo.webp"
    assert pipeline.render(pdf, 1, 1536, "webp", as_photo, LIMITS, photo=True)["format"] == "webp"
    assert drawn.stat().st_size < as_photo.stat().st_size
    # Against the full-colour rendering, no pixel is far off.
    full = tmp_path / "seal-full.png"
    pipeline.render(pdf, 1, 1536, "png", full, LIMITS, photo=True)
    error = ImageChops.difference(picture.convert("RGB"), image(full).convert("RGB"))
    assert max(high for _, high in error.getextrema()) < 64


def test_a_page_with_a_small_portrait_is_not_reduced_to_a_palette(tmp_path):
    """A 3x4 cm photograph on a text page (a candidate's profile) would band in 256 colours."""
    doc = pymupdf.open("pdf", long_report(1, seal=True))
    doc[0].insert_image(pymupdf.Rect(400, 60, 485, 173), stream=photo_png((300, 400), 8))
    pdf = processed(tmp_path, doc.tobytes())
    assert pipeline.render(pdf, 1, 1536, "webp", tmp_path / "p.webp", LIMITS)["format"] == "webp"
    png = tmp_path / "p.png"
    assert pipeline.render(pdf, 1, 1536, "png", png, LIMITS)["format"] == "png"
    assert image(png).mode == "RGB"


def test_render_of_an_extreme_page_is_scaled_down(tmp_path):
    doc = pymupdf.open()
    doc.new_page(width=100, height=14000)
    path = write(tmp_path, doc.tobytes())
    out = tmp_path / "tall.png"
    pipeline.render(path, 1, 2048, "png", out, Limits(max_render_pixels=4_000_000))
    picture = image(out)
    assert picture.width * picture.height <= 4_000_000 * 1.01


def test_thumbnails(tmp_path):
    pdf = processed(tmp_path, simple_pdf(2).tobytes())
    spec = pipeline.Thumbnails(str(tmp_path / "thumbs"), "{page}.webp", 160, "webp")
    assert pipeline.thumbnails(pdf, spec, LIMITS) == {"rendered": 2}
    assert pipeline.thumbnails(pdf, spec, LIMITS) == {"rendered": 0}
    assert image(tmp_path / "thumbs" / "2.webp").width == 160


def scanned(text_pdf: bytes, rotate: int = 0) -> bytes:
    """Each page replaced by a picture of itself: no text layer left."""
    src = pymupdf.open("pdf", text_pdf)
    out = pymupdf.open()
    for page in src:
        pix = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, pixmap=pix)
        if rotate:
            new.set_rotation(rotate)
    data: bytes = out.tobytes(deflate=True)
    return data


@pytest.mark.parametrize("rotate", [0, 90])
def test_ocr_reads_vietnamese_and_places_words(tmp_path, rotate):
    tessdata = find_tessdata("vie")
    if tessdata is None:
        service_missing("Tesseract with the Vietnamese model (tesseract-ocr-vie) not installed")
    text_pdf = html_to_pdf(f"<h1>Báo cáo</h1><p>{TEXT}. {TEXT}.</p>", title="x")
    with pymupdf.open("pdf", text_pdf) as doc:
        truth = next(w[:4] for w in doc[0].get_text("words") if w[4] == "ngân")
    messages: list[dict] = []
    result = pipeline.process(
        write(tmp_path, scanned(text_pdf, rotate)), tmp_path / "out", LIMITS, messages.append
    )
    assert result["needs_ocr"] == [1]
    record = next(m["page"] for m in messages if m["type"] == "page")
    assert record["words_json"] == "[]"
    assert record["needs_ocr"] is True
    pdf = sanitised_path(tmp_path / "out", result["pdf_sha256"])
    words = json.loads(pipeline.ocr(pdf, 1, tessdata, "vie", 200, 120)["words_json"])
    found = " ".join(w[4] for w in words)
    assert "ngân sách nhà nước" in found
    assert "Đắk Lắk" in found
    box = next(w for w in words if w[4] == "ngân")
    assert box[0] == pytest.approx(truth[0], abs=4)
    assert box[1] == pytest.approx(truth[1], abs=4)


def test_a_page_without_text_or_image_does_not_need_ocr(tmp_path):
    doc = pymupdf.open()
    doc.new_page()
    messages: list[dict] = []
    result = pipeline.process(
        write(tmp_path, doc.tobytes()), tmp_path / "out", LIMITS, messages.append
    )
    assert result["needs_ocr"] == []


def test_encrypted_with_an_empty_user_password_opens(tmp_path):
    doc = simple_pdf(1)
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_128, owner_pw="chu", user_pw="")
    facts = pipeline.probe(write(tmp_path, data), LIMITS)
    assert facts["page_count"] == 1
    result = pipeline.process(write(tmp_path, data), tmp_path / "out", LIMITS, lambda m: None)
    with pymupdf.open(sanitised_path(tmp_path / "out", result["pdf_sha256"])) as clean:
        assert not clean.is_encrypted
