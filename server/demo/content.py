"""The demo council's people and programme, in Vietnamese. Data only."""

from __future__ import annotations

COUNCIL_NAME = "Hội đồng nhân dân tỉnh Đắk Lắk"
COUNCIL_TERM = "Khóa XI, nhiệm kỳ 2026 - 2031"
MEETING_TITLE = "Kỳ họp thứ Ba - Hội đồng nhân dân tỉnh khóa XI (kỳ họp thường lệ cuối năm 2026)"
MEETING_LOCATION = "Hội trường Trung tâm Hội nghị tỉnh, số 9 Lê Duẩn, phường Buôn Ma Thuột"

MEMBER_COUNT = 50

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Đinh",
    "Lương",
    "Mai",
]
MIDDLE_NAMES_MALE = ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Xuân", "Ngọc", "Anh"]
MIDDLE_NAMES_FEMALE = ["Thị", "Thị Thu", "Ngọc", "Thanh", "Thị Kim", "Minh", "Thị Hồng", "Mỹ"]
GIVEN_NAMES_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Thắng",
    "Thành",
    "Toàn",
    "Trung",
    "Tuấn",
    "Vinh",
]
GIVEN_NAMES_FEMALE = [
    "Anh",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hương",
    "Lan",
    "Liên",
    "Loan",
    "Mai",
    "Nga",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Thủy",
    "Trang",
    "Vân",
    "Yến",
]
#: Delegates of the Ê Đê and M'nông peoples, as on the province's real lists.
HIGHLAND_NAMES = [
    "H'Nga Niê",
    "Y Khoa Niê Kdăm",
    "H'Yim Kđoh",
    "Y Biêr Niê",
    "H'Xuân Mlô",
    "Y Thanh Hà Niê Kđăm",
    "H'Luân Byă",
    "Y Ngọc Êban",
]

POSITIONS = [
    "Phó Chủ tịch Hội đồng nhân dân tỉnh",
    "Chủ tịch Ủy ban nhân dân tỉnh",
    "Trưởng Ban Kinh tế - Ngân sách",
    "Phó Trưởng Ban Kinh tế - Ngân sách",
    "Trưởng Ban Văn hóa - Xã hội",
    "Trưởng Ban Pháp chế",
    "Trưởng Ban Dân tộc",
    "Giám đốc Sở Tài chính",
    "Giám đốc Sở Giáo dục và Đào tạo",
    "Giám đốc Sở Y tế",
    "Giám đốc Sở Nông nghiệp và Môi trường",
    "Chủ tịch Ủy ban nhân dân xã Ea Kar",
    "Chủ tịch Ủy ban nhân dân phường Buôn Hồ",
    "Bí thư Đảng ủy xã Krông Búk",
    "Hiệu trưởng Trường THPT Chuyên Nguyễn Du",
    "Giám đốc Bệnh viện Đa khoa vùng Tây Nguyên",
    "Chủ tịch Hội Nông dân tỉnh",
    "Chủ tịch Liên đoàn Lao động tỉnh",
    "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh",
    "Bí thư Tỉnh đoàn",
    "Giám đốc Công ty Cà phê Buôn Ma Thuột",
]

GROUPS = [f"Tổ đại biểu số {n}" for n in range(1, 11)]

#: The programme: (kind, title, presenter, children). Sections hold items.
AGENDA: list[tuple[str, str, str | None, list[tuple[str, str, str | None]]]] = [
    (
        "section",
        "Phiên khai mạc",
        None,
        [
            (
                "procedure",
                "Khai mạc kỳ họp; thông qua chương trình kỳ họp",
                "Chủ tịch Hội đồng nhân dân tỉnh",
            ),
            (
                "report",
                "Báo cáo tình hình kinh tế - xã hội năm 2026 và kế hoạch năm 2027",
                "Chủ tịch Ủy ban nhân dân tỉnh",
            ),
            (
                "review",
                "Báo cáo thẩm tra của Ban Kinh tế - Ngân sách về tình hình kinh tế - xã hội",
                "Trưởng Ban Kinh tế - Ngân sách",
            ),
        ],
    ),
    (
        "section",
        "Xem xét các tờ trình và dự thảo nghị quyết",
        None,
        [
            (
                "resolution",
                "Nghị quyết về dự toán thu ngân sách nhà nước trên địa bàn, chi ngân sách "
                "địa phương năm 2027",
                "Giám đốc Sở Tài chính",
            ),
            (
                "resolution",
                "Nghị quyết về phân bổ dự toán ngân sách cấp tỉnh năm 2027",
                "Giám đốc Sở Tài chính",
            ),
            ("resolution", "Nghị quyết về kế hoạch đầu tư công năm 2027", "Giám đốc Sở Tài chính"),
            (
                "resolution",
                "Nghị quyết quy định mức hỗ trợ học phí cho học sinh, sinh viên "
                "trên địa bàn tỉnh năm học 2026 - 2027",
                "Giám đốc Sở Giáo dục và Đào tạo",
            ),
            (
                "resolution",
                "Nghị quyết về kế hoạch tổ chức các kỳ họp thường lệ năm 2027",
                "Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh",
            ),
        ],
    ),
    (
        "section",
        "Chất vấn và trả lời chất vấn",
        None,
        [
            (
                "question",
                "Chất vấn về công tác giải phóng mặt bằng các dự án giao thông trọng điểm "
                "và cấp nước sinh hoạt mùa khô",
                "Chủ tọa kỳ họp",
            ),
        ],
    ),
    (
        "section",
        "Phiên bế mạc",
        None,
        [
            (
                "procedure",
                "Biểu quyết thông qua các nghị quyết; bế mạc kỳ họp",
                "Chủ tịch Hội đồng nhân dân tỉnh",
            ),
        ],
    ),
]
