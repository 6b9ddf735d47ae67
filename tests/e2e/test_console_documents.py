"""The secretariat's documents tab: upload with progress, processing, publish, tablets follow."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.pdf.compose import html_to_pdf
from tests.e2e.conftest import PORTRAIT, check_accessibility, login, screenshots
from tests.live import LiveServer, Tablet

pytestmark = pytest.mark.browser

CORPUS = Path("/work/shared/pdf-corpus")
#: A real 14-page PDF (a paper with figures), from the public test corpus.
REAL_PDF = CORPUS / "tracemonkey.pdf"


WATCH_PROGRESS = """() => {
    window.progressSeen = [];
    const note = (el) => window.progressSeen.push(
        [el.getAttribute('aria-label'), Number(el.getAttribute('aria-valuenow'))]);
    new MutationObserver((records) => {
        for (const r of records) {
            const el = r.target.nodeType === 1 ? r.target : null;
            if (el && el.matches('[role=progressbar]')) note(el);
            for (const n of r.addedNodes || []) {
                if (n.nodeType === 1) n.querySelectorAll('[role=progressbar]').forEach(note);
            }
        }
    }).observe(document.body, {subtree: true, childList: true, attributes: true,
                               attributeFilter: ['aria-valuenow']});
}"""


def open_documents_tab(page: Any) -> None:
    page.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    page.get_by_role("link", name="Tài liệu").click()
    expect(page.get_by_role("heading", name="Tài liệu của kỳ họp")).to_be_visible()


def item_select_label(page: Any, number: str) -> str:
    options = page.locator("#up-item option").all_inner_texts()
    return next(o for o in options if o.startswith(f"{number}. "))


@pytest.mark.skipif(not REAL_PDF.is_file(), reason="the PDF corpus is not on this machine")
def test_secretariat_uploads_processes_and_publishes_and_tablet_sees_it(
    open_page: Any, server: LiveServer, tmp_path: Path
):
    secretary = open_page("secretary", path="/secretariat")
    login(secretary, "secretary")
    open_documents_tab(secretary)
    # The demo documents are listed under their items, already published.
    expect(secretary.locator(".secdocs-doc").first).to_be_visible()
    expect(secretary.locator(".secdocs-doc", has_text="Đã phát hành").first).to_be_visible()
    screenshots(secretary, "secretariat-documents")
    check_accessibility(secretary, "secretariat documents tab")

    delegate = open_page("delegate", viewport=PORTRAIT)
    login(delegate, "delegate03")
    delegate.get_by_role("button", name=re.compile("^Mở kỳ họp")).first.click()
    expect(delegate.locator("#documents-title")).to_be_visible()

    # Upload a real PDF to item 1 with its own title; upload progress, then processing.
    secretary.get_by_role("button", name="Tải tài liệu lên", exact=True).click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label("Thuộc nội dung").select_option(label=item_select_label(secretary, "1"))
    dialog.get_by_label("Tham khảo").check()
    dialog.get_by_label(re.compile("^Tệp PDF")).set_input_files(str(REAL_PDF))
    dialog.get_by_label("Tên tài liệu").fill("Tài liệu tham khảo về trình biên dịch <JIT>")
    check_accessibility(secretary, "secretariat upload dialog")
    # Record every value the progress bars take (they may move faster than a poll).
    secretary.evaluate(WATCH_PROGRESS)
    dialog.get_by_role("button", name="Tải lên").click()
    upload = secretary.locator(".secdocs-upload", has_text="tracemonkey.pdf")
    expect(upload).to_be_visible()
    expect(upload).to_contain_text("Đã xử lý xong (14 trang)", timeout=60_000)
    seen = secretary.evaluate("window.progressSeen")
    sending = [v for label, v in seen if label.startswith("Tiến độ gửi tệp tracemonkey.pdf")]
    assert sending, seen
    assert sending[-1] == 100, seen
    processing = [v for label, v in seen if label.startswith("Tiến độ xử lý")]
    # The processing bar was shown and only moved forward (pages done / total).
    assert processing, seen
    assert processing == sorted(processing), seen
    row = secretary.locator(".secdocs-doc", has_text="trình biên dịch <JIT>")
    expect(row).to_contain_text("Tham khảo")
    expect(row).to_contain_text("Chưa phát hành")
    screenshots(secretary, "secretariat-documents-uploaded")

    # Not a PDF: refused in plain words, nothing created.
    not_pdf = tmp_path / "bao-cao.docx"
    not_pdf.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    secretary.watch.allow("POST", "/api/agenda/", 415)
    secretary.get_by_role("button", name="Tải tài liệu lên", exact=True).click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label(re.compile("^Tệp PDF")).set_input_files(str(not_pdf))
    dialog.get_by_role("button", name="Tải lên").click()
    refused = secretary.locator(".secdocs-upload", has_text="bao-cao.docx")
    expect(refused.get_by_role("alert")).to_contain_text("Không tải lên được")
    expect(refused.get_by_role("alert")).to_contain_text("PDF")
    screenshots(secretary, "secretariat-documents-refused")
    refused.get_by_role("button", name="Ẩn dòng của tệp bao-cao.docx").click()
    expect(refused).to_have_count(0)

    # The delegate does not see the unpublished document; after publishing, it appears live.
    tablet_docs = delegate.locator("#documents-title").locator("xpath=ancestor::section[1]")
    expect(tablet_docs).not_to_contain_text("trình biên dịch")
    applied_before = delegate.evaluate("window.councilSync.applied.length")
    row.get_by_role("button", name=re.compile("^Phát hành")).click()
    dialog = secretary.get_by_role("dialog")
    expect(dialog).to_contain_text("không thể thu hồi")
    dialog.get_by_role("button", name="Phát hành").click()
    expect(secretary.locator(".secdocs-notice")).to_contain_text("Đã phát hành")
    expect(row).to_contain_text("Đã phát hành")
    expect(tablet_docs).to_contain_text("Tài liệu tham khảo về trình biên dịch <JIT>")
    assert delegate.evaluate("window.councilSync.applied.length") > applied_before
    screenshots(delegate, "tablet-document-published")

    # Who read it: nobody yet; a demo document the delegate opens has a reader.
    row.get_by_role("button", name=re.compile("^Ai đã đọc")).click()
    dialog = secretary.get_by_role("dialog")
    expect(dialog).to_contain_text("Chưa đại biểu nào mở")
    dialog.get_by_role("button", name="Đóng").click()
    reader = Tablet(server.url, "delegate03")
    try:
        docs = reader.api("GET", "/api/meetings/1/documents").json()["documents"]
        agenda_doc = next(d for d in docs if d["title"] == "Chương trình kỳ họp thứ Ba")
        for page in (1, 2):
            read = reader.api(
                "POST", f"/api/documents/{agenda_doc['id']}/reads", json={"page": page}
            )
            assert read.json()["recorded"] is True
    finally:
        reader.close()
    demo_row = secretary.locator(".secdocs-doc", has_text="Chương trình kỳ họp thứ Ba")
    demo_row.get_by_role("button", name=re.compile("^Ai đã đọc")).click()
    dialog = secretary.get_by_role("dialog")
    expect(dialog).to_contain_text("1 trên 50 đại biểu đã mở")
    expect(dialog.get_by_role("row")).to_have_count(2)
    expect(dialog).to_contain_text("2/2 trang")
    check_accessibility(secretary, "secretariat reads dialog")
    screenshots(secretary, "secretariat-document-reads")
    dialog.get_by_role("button", name="Đóng").click()


def test_secretariat_edits_versions_and_deletes(open_page: Any, server: LiveServer, tmp_path: Path):
    pdf = tmp_path / "to-trinh.pdf"
    body = "<h1>TỜ TRÌNH</h1><p>Về việc điều chỉnh dự toán năm 2027.</p>"
    pdf.write_bytes(html_to_pdf(body, title="Tờ trình"))
    secretary = open_page("secretary", path="/secretariat")
    login(secretary, "secretary")
    open_documents_tab(secretary)

    # A link, added to item 2 with its own button.
    secretary.get_by_role("button", name="Thêm tài liệu vào mục 2", exact=True).click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label("Liên kết").check()
    dialog.get_by_label("Địa chỉ web").fill("https://thuvienphapluat.vn/van-ban/luat-ngan-sach")
    dialog.get_by_label("Tên tài liệu").fill("Luật Ngân sách nhà nước")
    dialog.get_by_role("button", name="Lưu liên kết").click()
    link = secretary.locator(".secdocs-doc", has_text="Luật Ngân sách nhà nước")
    expect(link).to_contain_text("thuvienphapluat.vn")

    # Rename it.
    link.get_by_role("button", name=re.compile("^Sửa")).click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label("Tên tài liệu").fill("Luật Ngân sách nhà nước 2025")
    dialog.get_by_role("button", name="Lưu").click()
    expect(
        secretary.locator(".secdocs-doc", has_text="Luật Ngân sách nhà nước 2025")
    ).to_be_visible()

    # Delete it, after a confirmation.
    link = secretary.locator(".secdocs-doc", has_text="Luật Ngân sách nhà nước 2025")
    link.get_by_role("button", name=re.compile("^Xóa")).click()
    dialog = secretary.get_by_role("dialog")
    expect(dialog).to_contain_text("Không thể hoàn tác")
    dialog.get_by_role("button", name="Xóa tài liệu").click()
    expect(link).to_have_count(0)

    # A PDF made here, then a new version of it.
    secretary.get_by_role("button", name="Thêm tài liệu vào mục 2", exact=True).click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label(re.compile("^Tệp PDF")).set_input_files(str(pdf))
    dialog.get_by_label("Tên tài liệu").fill("Tờ trình điều chỉnh dự toán")
    dialog.get_by_role("button", name="Tải lên").click()
    row = secretary.locator(".secdocs-doc", has_text="Tờ trình điều chỉnh dự toán")
    expect(row.get_by_role("button", name=re.compile("^Phát hành"))).to_be_visible(timeout=30_000)
    row.get_by_role("button", name=re.compile("^Tải phiên bản mới")).click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label("Tệp PDF").set_input_files(str(pdf))
    dialog.get_by_role("button", name="Tải lên").click()
    expect(row).to_contain_text("Bản 2", timeout=30_000)
    expect(row).to_contain_text("Các bản trước: Bản 1")
    expect(row.get_by_role("button", name=re.compile("^Phát hành"))).to_be_visible(timeout=30_000)

    # Two PDFs at once: one line and one document each, titled by their file names.
    first, second = tmp_path / "phu-luc-1.pdf", tmp_path / "phu-luc-2.pdf"
    first.write_bytes(html_to_pdf("<h1>PHỤ LỤC 1</h1><p>Biểu số liệu.</p>", title=""))
    second.write_bytes(html_to_pdf("<h1>PHỤ LỤC 2</h1><p>Danh mục dự án.</p>", title=""))
    secretary.get_by_role("button", name="Thêm tài liệu vào mục 2", exact=True).click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label("Tham khảo").check()
    dialog.get_by_label(re.compile("^Tệp PDF")).set_input_files([str(first), str(second)])
    expect(dialog).to_contain_text("Đã chọn 2 tệp")
    expect(dialog.get_by_label("Tên tài liệu")).to_have_count(0)
    dialog.get_by_role("button", name="Tải lên").click()
    for name in ("phu-luc-1.pdf", "phu-luc-2.pdf"):
        line = secretary.locator(".secdocs-upload", has_text=name)
        expect(line).to_contain_text("Đã xử lý xong (1 trang)", timeout=30_000)
        expect(secretary.locator(".secdocs-doc", has_text=name)).to_contain_text("Tham khảo")

    # The session now starts tomorrow: publishing is late, and the console says so.
    clerk = Tablet(server.url, "secretary")
    try:
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        moved = clerk.api(
            "PATCH",
            "/api/meetings/1",
            json={
                "starts_at": tomorrow.isoformat(),
                "ends_at": (tomorrow + timedelta(days=1)).isoformat(),
            },
        )
        assert moved.status_code == 200, moved.text
    finally:
        clerk.close()
    row.get_by_role("button", name=re.compile("^Phát hành")).click()
    secretary.get_by_role("dialog").get_by_role("button", name="Phát hành").click()
    notice = secretary.locator(".secdocs-notice")
    expect(notice).to_contain_text("Lưu ý: Tài liệu được phát hành muộn")
    expect(notice).to_contain_text("ít nhất 5 ngày")
    expect(row).to_contain_text("Đã phát hành")
    expect(row.get_by_role("button", name=re.compile("^Xóa"))).to_have_count(0)

    # In English, with the server's error in English.
    secretary.get_by_role("button", name="English").click()
    expect(secretary.get_by_role("heading", name="Session documents")).to_be_visible()
    expect(row).to_contain_text("Earlier versions: Version 1")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    secretary.watch.allow("POST", "/api/agenda/", 422)
    secretary.watch.allow("POST", "/api/agenda/", 400)
    secretary.get_by_role("button", name="Upload documents", exact=True).click()
    dialog = secretary.get_by_role("dialog")
    dialog.get_by_label(re.compile("^PDF files")).set_input_files(str(empty))
    dialog.get_by_role("button", name="Upload").click()
    refused = secretary.locator(".secdocs-upload", has_text="empty.pdf")
    expect(refused.get_by_role("alert")).to_contain_text(
        "Could not upload: The uploaded file is empty"
    )
    screenshots(secretary, "secretariat-documents-english")
