"""Messages of the documents feature, in words a secretary understands."""

from server.i18n import register

register(
    {
        "document_not_found": ("Không tìm thấy tài liệu.", "Document not found."),
        "document_page_not_found": (
            "Tài liệu không có trang này.",
            "The document has no such page.",
        ),
        "document_file_required": (
            "Vui lòng chọn tệp PDF để tải lên.",
            "Please choose a PDF file to upload.",
        ),
        "document_url_required": (
            "Liên kết cần có địa chỉ web (bắt đầu bằng http:// hoặc https://).",
            "A link needs a web address (starting with http:// or https://).",
        ),
        "document_link_has_file": (
            "Liên kết ngoài không kèm tệp. Hãy chọn loại tài liệu chính hoặc tham khảo để "
            "tải tệp lên.",
            "An external link carries no file. Choose a main or reference document to upload "
            "a file.",
        ),
        "document_filename_invalid": (
            "Tên tệp không hợp lệ: tên tệp không được chứa đường dẫn hay ký tự đặc biệt "
            "(/, \\, ký tự điều khiển). Hãy đổi tên tệp rồi tải lên lại.",
            "The file name is not valid: it must not contain a path or special characters "
            "(/, \\, control characters). Rename the file and upload it again.",
        ),
        "document_empty": (
            "Tệp tải lên không có nội dung (0 byte). Hãy kiểm tra lại tệp.",
            "The uploaded file is empty (0 bytes). Please check the file.",
        ),
        "document_not_pdf": (
            "Tệp này không phải là tệp PDF. Hệ thống chỉ nhận tài liệu định dạng PDF.",
            "This file is not a PDF. Only PDF documents are accepted.",
        ),
        "document_office_file": (
            "Đây là tệp Word, Excel hoặc PowerPoint, không phải PDF. Hãy mở tệp và chọn "
            "“Lưu thành PDF” (Save as PDF) rồi tải lên tệp PDF.",
            "This is a Word, Excel or PowerPoint file, not a PDF. Open it, choose “Save as "
            "PDF”, then upload the PDF.",
        ),
        "document_encrypted": (
            "Tệp PDF này được đặt mật khẩu nên không mở được. Hãy gỡ mật khẩu (hoặc xin bản "
            "không mật khẩu từ cơ quan gửi) rồi tải lên lại.",
            "This PDF is protected by a password and cannot be opened. Remove the password "
            "(or ask the sender for an unprotected copy) and upload it again.",
        ),
        "document_no_pages": (
            "Tệp PDF này không có trang nào.",
            "This PDF has no pages.",
        ),
        "document_unreadable": (
            "Tệp PDF bị hỏng, không đọc được. Hãy xuất lại tệp PDF từ bản gốc rồi tải lên lại.",
            "The PDF is damaged and cannot be read. Export the PDF again from the original "
            "and upload it again.",
        ),
        "document_page_size": (
            "Trang {page} của tệp có kích thước bất thường ({width} × {height} điểm), không "
            "hiển thị được. Hãy kiểm tra lại tệp.",
            "Page {page} has an abnormal size ({width} × {height} points) and cannot be "
            "shown. Please check the file.",
        ),
        "document_image_too_large": (
            "Trang {page} chứa hình ảnh quá lớn, không hiển thị an toàn được. Hãy giảm độ "
            "phân giải khi quét hoặc xuất PDF rồi tải lên lại.",
            "Page {page} holds an image too large to show safely. Scan or export at a lower "
            "resolution and upload it again.",
        ),
        "document_too_many_pages": (
            "Tài liệu có {pages} trang, vượt quá giới hạn {limit} trang. Hãy tách thành nhiều "
            "tài liệu.",
            "The document has {pages} pages, more than the limit of {limit}. Split it into "
            "several documents.",
        ),
        "document_too_complex": (
            "Tài liệu quá phức tạp hoặc quá nặng để xử lý. Hãy xuất lại PDF với độ phân giải "
            "thấp hơn hoặc tách nhỏ tài liệu.",
            "The document is too complex or too heavy to process. Export it at a lower "
            "resolution or split it.",
        ),
        "document_unsafe": (
            "Không làm sạch được nội dung nguy hiểm (mã lệnh, tệp đính kèm) trong tệp PDF này. "
            "Hãy in ra PDF mới (Print to PDF) rồi tải lên lại.",
            "Active content (scripts, attachments) could not be removed from this PDF. Print "
            "it to a new PDF and upload that.",
        ),
        "document_processing_failed": (
            "Xử lý tài liệu không thành công. Hãy thử tải lên lại; nếu vẫn lỗi, hãy xuất lại "
            "tệp PDF.",
            "Processing the document failed. Try uploading again; if it fails again, export "
            "the PDF again.",
        ),
        "document_processing_interrupted": (
            "Việc xử lý tài liệu bị gián đoạn nhiều lần. Hãy tải lên lại tài liệu.",
            "Processing was interrupted several times. Please upload the document again.",
        ),
        "document_ocr_timeout": (
            "Nhận dạng chữ trang {page} mất quá nhiều thời gian.",
            "Recognising the text of page {page} took too long.",
        ),
        "document_ocr_failed": (
            "Không nhận dạng được chữ ở trang {page}.",
            "The text of page {page} could not be recognised.",
        ),
        "document_repaired": (
            "Tệp PDF bị lỗi nhẹ và đã được tự động sửa. Hãy xem lại các trang trước khi phát hành.",
            "The PDF had minor damage and was repaired. Check its pages before publishing.",
        ),
        "document_pages_skipped": (
            "Một số trang bị hỏng và đã được bỏ qua: {pages}. Hãy kiểm tra lại tệp gốc.",
            "Some damaged pages were left out: {pages}. Please check the original file.",
        ),
        "document_annotations_dropped": (
            "Không giữ được các ghi chú có sẵn trong tệp PDF.",
            "The PDF's own annotations could not be kept.",
        ),
        "document_labels_dropped": (
            "Không giữ được cách đánh số trang riêng của tệp PDF.",
            "The PDF's own page numbering could not be kept.",
        ),
        "document_not_searchable": (
            "Một số trang là ảnh quét chưa nhận dạng được chữ, nên không tìm kiếm được trong "
            "các trang đó.",
            "Some pages are scanned images without recognised text and cannot be searched.",
        ),
        "document_not_ready": (
            "Tài liệu đang được xử lý hoặc xử lý không thành công, chưa xem được.",
            "The document is still being processed, or processing failed.",
        ),
        "document_published": (
            "Tài liệu đã phát hành cho đại biểu, không xóa được. Hãy tải lên phiên bản mới "
            "nếu cần thay thế.",
            "The document has been published and cannot be deleted. Upload a new version to "
            "replace it.",
        ),
        "document_already_published": (
            "Tài liệu đã được phát hành.",
            "The document is already published.",
        ),
        "document_confidential": (
            "Tài liệu mật chỉ được xem trên hệ thống (trang có in tên người xem): không được "
            "tải về, lấy văn bản hay tìm kiếm nội dung.",
            "A confidential document can only be viewed here, as pages stamped with your "
            "name: it cannot be downloaded, nor its text taken or searched.",
        ),
        "document_is_link": (
            "Đây là liên kết ngoài, không có tệp để xem hoặc tải về.",
            "This is an external link; it has no file to view or download.",
        ),
        "document_link_version": (
            "Liên kết ngoài không có phiên bản. Hãy sửa địa chỉ của liên kết.",
            "An external link has no versions. Edit its address instead.",
        ),
        "document_not_latest": (
            "Đã có phiên bản mới hơn của tài liệu này; hãy tải phiên bản mới dựa trên phiên "
            "bản mới nhất.",
            "There is a newer version of this document; add new versions to the latest one.",
        ),
        "document_not_published": (
            "Tài liệu chưa được phát hành cho kỳ họp.",
            "The document has not been published to the session.",
        ),
        "published_late": (
            "Tài liệu được phát hành muộn: quy định gửi tài liệu cho đại biểu ít nhất {days} "
            "ngày trước kỳ họp (kỳ họp bắt đầu {starts}).",
            "Published late: documents should reach delegates at least {days} days before "
            "the session (which starts {starts}).",
        ),
        "renderer_busy": (
            "Hệ thống đang bận xử lý tài liệu. Vui lòng thử lại sau giây lát.",
            "The server is busy with documents. Please try again in a moment.",
        ),
        "page_render_failed": (
            "Không hiển thị được trang này: trang quá phức tạp.",
            "This page could not be shown: it is too complex.",
        ),
        "search_query_empty": (
            "Hãy nhập từ cần tìm (chữ hoặc số).",
            "Type something to search for (letters or digits).",
        ),
        "read_page_out_of_range": (
            "Số trang không hợp lệ cho tài liệu này.",
            "The page number is not valid for this document.",
        ),
    }
)
