"""Messages of the meetings feature."""

from server.i18n import register

register(
    {
        "council_not_found": ("Không tìm thấy Hội đồng nhân dân.", "Council not found."),
        "meeting_not_found": ("Không tìm thấy kỳ họp.", "Meeting not found."),
        "meeting_dates": (
            "Thời gian kết thúc phải sau thời gian bắt đầu kỳ họp.",
            "The session must end after it starts.",
        ),
        "meeting_closed": (
            "Kỳ họp đã kết thúc, không thể thay đổi.",
            "The session is closed and cannot be changed.",
        ),
        "agenda_item_not_found": (
            "Không tìm thấy nội dung chương trình.",
            "Agenda item not found.",
        ),
        "agenda_item_other_meeting": (
            "Nội dung chương trình này thuộc kỳ họp khác.",
            "This agenda item belongs to another session.",
        ),
        "agenda_order_duplicate": (
            "Thứ tự chương trình có nội dung bị lặp.",
            "The new order lists an item twice.",
        ),
        "agenda_order_incomplete": (
            "Thứ tự mới phải liệt kê đủ mọi nội dung của chương trình. "
            "Có thể chương trình vừa được người khác thay đổi: hãy tải lại.",
            "The new order must list every agenda item. Someone may have just changed "
            "the agenda: reload it.",
        ),
        "agenda_order_unknown_parent": (
            "Phần chứa nội dung không có trong chương trình.",
            "An item is placed under a section that is not on the agenda.",
        ),
        "agenda_order_cycle": (
            "Không thể đặt một phần vào bên trong chính nó.",
            "A section cannot be placed inside itself.",
        ),
        "agenda_too_deep": (
            "Chương trình chỉ cho phép tối đa 3 cấp.",
            "The agenda allows at most three levels.",
        ),
        "not_a_member": (
            "Chỉ đại biểu Hội đồng nhân dân mới thực hiện được thao tác này.",
            "Only members of the council can do this.",
        ),
        "not_a_member_user": (
            "Người này không phải đại biểu của Hội đồng nhân dân.",
            "This person is not a member of the council.",
        ),
        "online_not_allowed": (
            "Hội đồng không cho phép tham dự trực tuyến.",
            "This council does not allow attending online.",
        ),
        "hall_code_required": (
            "Hãy quét mã QR trên màn hình hội trường để điểm danh có mặt.",
            "Scan the QR code on the hall display to check in as present.",
        ),
        "hall_code_invalid": (
            "Mã điểm danh không đúng hoặc đã hết hạn. Hãy quét lại mã trên màn hình hội trường.",
            "The check-in code is wrong or expired. Scan the code on the hall display again.",
        ),
        "reason_required": (
            "Vui lòng ghi lý do vắng mặt.",
            "Please give the reason for the absence.",
        ),
        "no_current_item": (
            "Chưa có nội dung nào đang được thảo luận.",
            "No agenda item is under discussion.",
        ),
        "speaker_not_found": (
            "Không tìm thấy lượt đăng ký phát biểu.",
            "Speech request not found.",
        ),
        "already_requested": (
            "Bạn đã đăng ký phát biểu cho nội dung này.",
            "You have already asked to speak on this item.",
        ),
        "addressee_required": (
            "Hãy ghi rõ người được chất vấn.",
            "Say whom the question is addressed to.",
        ),
        "speaker_state": (
            "Lượt phát biểu này không ở trạng thái phù hợp ({status}).",
            "This speech request is not in a state that allows this ({status}).",
        ),
        "speaker_order_incomplete": (
            "Danh sách sắp xếp phải gồm đúng các đại biểu đang chờ phát biểu.",
            "The new order must list exactly the speakers who are waiting.",
        ),
        "document_not_in_meeting": (
            "Tài liệu không thuộc kỳ họp này.",
            "The document does not belong to this session.",
        ),
        "member_exists": (
            "Người này đã thuộc Hội đồng.",
            "This person already belongs to the council.",
        ),
    }
)
