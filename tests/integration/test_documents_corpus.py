"""All 61 PDFs of the shared corpus through the real API and worker pool, on both databases.

Refused files get a clear 4xx at once; accepted ones are processed, every page renders,
and what a reader downloads holds no JavaScript, action or embedded file.
"""

from __future__ import annotations

import io

import pymupdf
import pytest

from server.pdf import safety
from tests.integration.documents_helpers import item_ids, settle, upload, wait_for
from tests.unit.test_pdf_corpus import CORPUS, REFUSED, ROWS

WEBP = {"Accept": "image/webp"}


@pytest.fixture(autouse=True)
def _settle(app):
    yield
    settle()


def test_every_corpus_file_through_the_api(login, demo_meeting_id):
    if not ROWS:
        pytest.fail(f"the PDF corpus is missing: {CORPUS}")
    secretary = login("secretary")
    item = item_ids(secretary, demo_meeting_id)[1]
    accepted: dict[str, dict] = {}
    for row in ROWS:
        data = (CORPUS / row["file"]).read_bytes()
        response = upload(secretary, item, data, filename=row["file"], title=row["file"])
        if row["category"] in REFUSED:
            assert response.status_code in (415, 422), (row, response.json)
            assert response.json["error"]["code"] in REFUSED[row["category"]], row
            assert response.json["error"]["message"]
            continue
        assert response.status_code == 202, (row, response.json)
        accepted[row["file"]] = {"id": response.json["id"], "row": row}
    assert len(accepted) == 61 - 9

    for name, entry in accepted.items():
        doc = wait_for(secretary, entry["id"], timeout=300)
        row = entry["row"]
        if row["category"] == "ok,unreadable":
            assert "document_pages_skipped" in [w["code"] for w in doc["warnings"]], name
        else:
            assert doc["page_count"] == int(row["pages"]), name
        for page in range(1, doc["page_count"] + 1):
            image = secretary.get(
                f"/api/documents/{doc['id']}/pages/{page}/image?width=480", headers=WEBP
            )
            assert image.status_code == 200, (name, page)
            kind = "image/webp" if image.data[8:12] == b"WEBP" else "image/png"
            assert image.mimetype == kind
            assert image.data[:4] in (b"RIFF", b"\x89PNG")
            text = secretary.get(f"/api/documents/{doc['id']}/pages/{page}/text")
            assert text.status_code == 200
        download = secretary.get(f"/api/documents/{doc['id']}/download", buffered=True)
        assert download.status_code == 200
        with pymupdf.open(stream=io.BytesIO(download.data), filetype="pdf") as pdf:
            assert safety.scan(pdf) == {}, name
            assert pdf.embfile_count() == 0, name
