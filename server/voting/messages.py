"""Messages of the voting feature."""

from server.i18n import register

register(
    {
        "motion_not_found": ("Không tìm thấy nội dung biểu quyết.", "Motion not found."),
        "motion_title": (
            "Hãy nhập tên nội dung biểu quyết.",
            "Give the motion a title.",
        ),
        "motion_must_be_secret": (
            "Lấy phiếu tín nhiệm và bầu cử luôn là bỏ phiếu kín.",
            "Confidence votes and elections are always secret.",
        ),
        "motion_options_needed": (
            "Hãy nhập danh sách người được lấy phiếu hoặc người ứng cử.",
            "List the office holders or candidates on the ballot.",
        ),
        "motion_options_not_allowed": (
            "Biểu quyết nghị quyết (tán thành / không tán thành) không có danh sách người.",
            "A resolution vote (yes / no / abstain) has no list of people.",
        ),
        "motion_option_label": (
            "Mỗi người trong danh sách cần có họ tên.",
            "Every person on the ballot needs a name.",
        ),
        "motion_option_duplicate": (
            "Danh sách có tên bị lặp.",
            "A name appears twice on the ballot.",
        ),
        "motion_option_user": (
            "Không tìm thấy tài khoản của người trong danh sách.",
            "The account given for a person on the ballot does not exist.",
        ),
        "motion_max_choices": (
            "Số người được bầu phải từ 1 đến {options} (số người ứng cử).",
            "The number of seats must be between 1 and {options} (the number of candidates).",
        ),
        "motion_max_choices_not_allowed": (
            "Chỉ cuộc bầu cử mới có số người được bầu.",
            "Only an election has a number of seats.",
        ),
        "motion_duration": (
            "Thời gian biểu quyết phải từ 10 giây đến 24 giờ.",
            "The voting time must be between 10 seconds and 24 hours.",
        ),
        "motion_not_draft": (
            "Chỉ sửa được nội dung biểu quyết chưa mở.",
            "Only a motion that has not been put to the vote can be changed.",
        ),
        "motion_cancelled": (
            "Nội dung biểu quyết này đã bị hủy.",
            "This motion was cancelled.",
        ),
        "chair_only": (
            "Chỉ chủ tọa kỳ họp mới thực hiện được thao tác này.",
            "Only the chair of the session can do this.",
        ),
        "another_vote_open": (
            "Đang có một nội dung khác đang biểu quyết. Hãy kết thúc biểu quyết đó trước.",
            "Another vote of this session is open. Close it first.",
        ),
        "no_quorum": (
            "Chưa đủ số đại biểu có mặt để biểu quyết ({present}/{required}). Chủ tọa có "
            "thể quyết định vẫn mở biểu quyết; việc này được ghi vào nhật ký.",
            "Not enough members are present to vote ({present}/{required}). The chair may "
            "open the vote anyway; that is recorded in the log.",
        ),
        "vote_already_open": (
            "Nội dung này đang được biểu quyết.",
            "This vote is already open.",
        ),
        "vote_already_closed": (
            "Biểu quyết về nội dung này đã kết thúc.",
            "This vote has already closed.",
        ),
        "vote_not_open": (
            "Nội dung này chưa mở biểu quyết.",
            "This vote is not open.",
        ),
        "ballot_key_missing": (
            "Khóa niêm phong phiếu của cuộc bỏ phiếu kín này không còn trên máy chủ, nên không "
            "thể ghi hay kiểm phiếu. Chủ tọa hãy hủy cuộc bỏ phiếu và mở lại; báo quản trị hệ "
            "thống.",
            "The sealing key of this secret vote is no longer on the server, so ballots can be "
            "neither recorded nor counted. The chair should cancel the vote and open it again; "
            "tell the system administrator.",
        ),
        "sealed_ballot_broken": (
            "Một phiếu kín trong cơ sở dữ liệu đã bị thay đổi nên không mở được; không thể kiểm "
            "phiếu. Chủ tọa hãy hủy cuộc bỏ phiếu và báo quản trị hệ thống.",
            "A secret ballot was changed in the database and no longer opens; the vote cannot "
            "be counted. The chair should cancel the vote and tell the system administrator.",
        ),
        "vote_closed": (
            "Biểu quyết đã kết thúc; phiếu không được ghi nhận.",
            "The vote has closed; the ballot was not recorded.",
        ),
        "not_checked_in": (
            "Đại biểu cần điểm danh có mặt trước khi biểu quyết.",
            "Check in as present before voting.",
        ),
        "ballot_already_cast": (
            "Đại biểu đã biểu quyết; nội dung này không cho phép thay đổi lựa chọn.",
            "You have already voted, and this vote does not allow changing the ballot.",
        ),
        "ballot_needs_choice": (
            "Hãy chọn tán thành, không tán thành hoặc không biểu quyết.",
            "Choose yes, no or abstain.",
        ),
        "ballot_unknown_choice": (
            "Lựa chọn không hợp lệ.",
            "That choice does not exist.",
        ),
        "ballot_needs_ratings": (
            "Phiếu tín nhiệm cần đánh giá cho từng người.",
            "A confidence ballot rates each person on it.",
        ),
        "ballot_rate_everyone": (
            "Hãy đánh giá đủ tất cả những người có tên trong phiếu.",
            "Rate every person on the ballot.",
        ),
        "ballot_unknown_rating": (
            "Mức đánh giá không hợp lệ (tín nhiệm cao, tín nhiệm, tín nhiệm thấp).",
            "Unknown rating (high, medium or low confidence).",
        ),
        "ballot_unknown_option": (
            "Phiếu có tên người không thuộc danh sách.",
            "The ballot names someone who is not on it.",
        ),
        "ballot_needs_choices": (
            "Phiếu bầu cần danh sách người được chọn.",
            "An election ballot lists the chosen candidates.",
        ),
        "ballot_duplicate_choice": (
            "Mỗi người chỉ được chọn một lần.",
            "Each candidate can be chosen once.",
        ),
        "ballot_too_many_choices": (
            "Số người được chọn vượt quá số người được bầu.",
            "More candidates chosen than there are seats.",
        ),
        "result_not_ready": (
            "Chưa có kết quả: biểu quyết chưa kết thúc.",
            "There is no result yet: the vote has not closed.",
        ),
        "non_voters_only_while_open": (
            "Danh sách chưa biểu quyết chỉ có khi đang biểu quyết.",
            "The list of members who have not voted exists only while the vote is open.",
        ),
        "result_sheet_failed": (
            "Không tạo được biên bản kiểm phiếu. Vui lòng thử lại sau.",
            "The result sheet could not be made. Please try again later.",
        ),
    }
)
