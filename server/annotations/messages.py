"""Messages of annotations and comments, in plain words."""

from server.i18n import register

register(
    {
        # --- Annotations ---
        "annotation_not_found": ("Không tìm thấy ghi chú.", "Annotation not found."),
        "annotation_id_taken": (
            "Mã ghi chú này đã được dùng cho một ghi chú khác. Ứng dụng sẽ tạo mã mới; "
            "hãy thử lại.",
            "This annotation id is already used by another annotation. The app will make a "
            "new one; please try again.",
        ),
        "annotation_version_conflict": (
            "Ghi chú đã được sửa trên một thiết bị khác. Hãy xem bản mới nhất rồi sửa lại.",
            "The annotation was changed on another device. Look at the latest version and "
            "make your change again.",
        ),
        "annotation_deleted": (
            "Ghi chú này đã bị xóa trên một thiết bị khác.",
            "This annotation was deleted on another device.",
        ),
        "annotation_kind_unknown": (
            "Loại ghi chú không hợp lệ.",
            "Unknown kind of annotation.",
        ),
        "annotation_geometry_invalid": (
            "Vị trí của ghi chú trên trang không hợp lệ.",
            "The position of the annotation on the page is not valid.",
        ),
        "annotation_outside_page": (
            "Ghi chú nằm ngoài trang tài liệu.",
            "The annotation lies outside the page.",
        ),
        "annotation_box_too_small": (
            "Vùng ghi chú quá nhỏ.",
            "The annotated area is too small.",
        ),
        "annotation_too_many_rects": (
            "Đoạn tô sáng quá dài (tối đa {limit} dòng). Hãy chia thành nhiều đoạn.",
            "The highlighted passage is too long (at most {limit} lines). Split it.",
        ),
        "annotation_too_many_strokes": (
            "Nét vẽ tay có quá nhiều nét (tối đa {limit}). Hãy chia thành nhiều hình vẽ.",
            "The drawing has too many strokes (at most {limit}). Split it into several.",
        ),
        "annotation_too_many_points": (
            "Nét vẽ tay quá dài (tối đa {limit} điểm). Hãy chia thành nhiều hình vẽ.",
            "The drawing is too long (at most {limit} points). Split it into several.",
        ),
        "annotation_pen_width": (
            "Độ dày nét bút phải từ {min} đến {max} điểm.",
            "The pen width must be between {min} and {max} points.",
        ),
        "annotation_color_invalid": (
            "Màu không hợp lệ (dạng #rrggbb).",
            "The colour is not valid (use #rrggbb).",
        ),
        "annotation_text_too_long": (
            "Nội dung ghi chú quá dài (tối đa {limit} ký tự).",
            "The note is too long (at most {limit} characters).",
        ),
        "annotation_quote_too_long": (
            "Đoạn trích quá dài (tối đa {limit} ký tự).",
            "The quoted passage is too long (at most {limit} characters).",
        ),
        "annotations_per_document_limit": (
            "Đã đạt số ghi chú tối đa trên một tài liệu ({limit}). Hãy xóa bớt ghi chú cũ.",
            "You have reached the most annotations one document may hold ({limit}). "
            "Delete some old ones.",
        ),
        "annotation_ink_budget": (
            "Các hình vẽ tay trên tài liệu này đã quá nhiều (tối đa {limit} điểm). "
            "Hãy xóa bớt hình vẽ cũ.",
            "There is too much drawing on this document (at most {limit} points). "
            "Delete some old drawings.",
        ),
        "annotations_export_confidential": (
            "Tài liệu mật không được xuất ra ngoài, kể cả bản có ghi chú.",
            "A confidential document is never exported, not even with your annotations.",
        ),
        "annotations_export_failed": (
            "Không tạo được bản tài liệu kèm ghi chú. Vui lòng thử lại sau.",
            "The annotated copy could not be made. Please try again later.",
        ),
        # --- Comments ---
        "comment_not_found": ("Không tìm thấy ý kiến góp ý.", "Comment not found."),
        "comment_client_id_taken": (
            "Mã ý kiến này đã được dùng cho một ý kiến khác. Hãy thử gửi lại.",
            "This comment id is already used by another comment. Please send it again.",
        ),
        "comment_text_required": (
            "Vui lòng nhập nội dung góp ý.",
            "Please write the comment.",
        ),
        "comment_text_too_long": (
            "Nội dung quá dài (tối đa {limit} ký tự).",
            "The text is too long (at most {limit} characters).",
        ),
        "comment_quote_too_long": (
            "Đoạn trích quá dài (tối đa {limit} ký tự).",
            "The quoted passage is too long (at most {limit} characters).",
        ),
        "comment_page_out_of_range": (
            "Tài liệu không có trang này.",
            "The document has no such page.",
        ),
        "comments_not_visible": (
            "Ý kiến góp ý chỉ dành cho đại biểu, chủ tọa và Văn phòng.",
            "Comments are for delegates, the chair and the secretariat only.",
        ),
        "comments_export_failed": (
            "Không tạo được bản tổng hợp góp ý. Vui lòng thử lại sau.",
            "The summary of comments could not be made. Please try again later.",
        ),
    }
)
