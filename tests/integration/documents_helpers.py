"""Helpers shared by the documents tests: PDFs to upload, upload and wait."""

from __future__ import annotations

import io
import time
from typing import Any

import pymupdf
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from server.documents import processing
from server.pdf.compose import PageFooter, html_to_pdf

SENTENCE = (
    "Dự toán thu ngân sách nhà nước trên địa bàn tỉnh Đắk Lắk năm 2027 là 12.345 tỷ đồng; "
    "chi ngân sách địa phương ưu tiên giáo dục, y tế và cấp nước sinh hoạt mùa khô."
)


def vietnamese_pdf(pages: int = 3, marker: str = "Kế hoạch đầu tư công") -> bytes:
    """A PDF of about `pages` A4 pages with headings (an outline) and a table."""
    parts = []
    for n in range(1, pages + 1):
        parts.append(f"<h1>Chương {n}. {marker}</h1>")
        parts.append("".join(f"<p>{SENTENCE} Đoạn {n}.{k}.</p>" for k in range(14)))
        parts.append(
            "<table><tr><th>Khoản</th><th class='num'>Số tiền</th></tr>"
            + "".join(f"<tr><td>Khoản {k}</td><td class='num'>{k * 1234}</td></tr>" for k in (1, 2))
            + "</table>"
        )
    pdf = html_to_pdf("".join(parts), title=marker, footer=PageFooter())
    doc = pymupdf.open("pdf", pdf)
    doc.set_toc([[1, f"Chương {n}. {marker}", n] for n in range(1, min(pages, doc.page_count) + 1)])
    data: bytes = doc.tobytes()
    doc.close()
    return data


def upload(
    api: Any,
    item_id: int,
    data: bytes | None,
    *,
    filename: str = "to-trinh.pdf",
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> Any:
    """POST a multipart upload, encoded in memory (Werkzeug's test client would spool a large
    body into a temporary file it leaves to the garbage collector)."""
    form: dict[str, Any] = {
        k: str(v).lower() if isinstance(v, bool) else v for k, v in fields.items()
    }
    if data is not None:
        form["file"] = FileStorage(io.BytesIO(data), filename, content_type="application/pdf")
    boundary, body = encode_multipart(form)
    return api.post(
        f"/api/agenda/{item_id}/documents",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers or {},
    )


def wait_for(api: Any, document_id: int, status: str = "ready", timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    doc: dict = {}
    while time.monotonic() < deadline:
        doc = api.get(f"/api/documents/{document_id}").json
        if doc.get("status") == status:
            return doc
        if doc.get("status") in ("ready", "failed") and doc["status"] != status:
            raise AssertionError(f"document {document_id} is {doc['status']}: {doc.get('error')}")
        time.sleep(0.05)
    raise AssertionError(f"document {document_id} still {doc.get('status')} after {timeout} s")


def settle() -> None:
    assert processing.wait_idle(120), "background processing did not finish"


def item_ids(api: Any, meeting_id: int) -> list[int]:
    agenda = api.get(f"/api/meetings/{meeting_id}").json["agenda"]
    return [i["id"] for i in agenda if not i["has_children"]]


def scanned_pdf(text_pdf: bytes, dpi: int = 150) -> bytes:
    """Every page replaced by a grey picture of itself (a scan without a text layer)."""
    src = pymupdf.open("pdf", text_pdf)
    out = pymupdf.open()
    for page in src:
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, pixmap=pix)
    data: bytes = out.tobytes(deflate=True)
    return data
