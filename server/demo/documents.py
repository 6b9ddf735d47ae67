"""The demo session's documents: generated Vietnamese PDFs for every agenda item.

Reports (báo cáo), submissions (tờ trình), draft resolutions (dự thảo nghị quyết) and
review reports (báo cáo thẩm tra) with tables of figures, written by
server.pdf.compose in Noto Sans (in a PDF worker), processed at once (the seed runs in the CLI
or the test set-up, never in a server) and published; one confidential document and one
external link among them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING

from server.db import utcnow
from server.demo.session import DemoSession
from server.documents import services
from server.rendering import compose_pdf

if TYPE_CHECKING:
    from server.meetings.models import AgendaItem

PROVINCE = "ĐẮK LẮK"
UBND = "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
HDND = "HỘI ĐỒNG NHÂN DÂN TỈNH ĐẮK LẮK"
BAN_KTNS = "BAN KINH TẾ - NGÂN SÁCH"

LAW_LINK = (
    "Luật Tổ chức chính quyền địa phương số 72/2025/QH15",
    "https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=179400",
)

EXTRA_CSS = """
table.head td { border: none; text-align: center; font-size: 10.5pt; padding: 0; }
table.sign td { border: none; text-align: center; padding: 0; }
.upper { text-transform: uppercase; }
.motto { font-weight: bold; }
"""


@dataclass(frozen=True)
class DemoDocument:
    title: str
    kind: str
    html: str
    confidential: bool = False


def _header(agency: str, number: str, day: str, parent: str = "") -> str:
    left = (f"{escape(parent)}<br/>" if parent else "") + f"<b>{escape(agency)}</b>"
    return (
        '<table class="head"><tr>'
        f"<td>{left}<br/>Số: {escape(number)}</td>"
        "<td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br/>"
        '<span class="motto">Độc lập - Tự do - Hạnh phúc</span><br/>'
        f"<i>{PROVINCE.title()}, ngày {escape(day)}</i></td>"
        "</tr></table>"
    )


def _sign(role: str, title: str, name: str) -> str:
    return (
        '<table class="sign"><tr><td></td>'
        f"<td><b>{escape(role)}</b><br/><b>{escape(title)}</b><br/><br/><br/>"
        f"<b>{escape(name)}</b></td></tr></table>"
    )


def _table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    cells = "".join(
        f'<th class="{"num" if i >= numeric_from else ""}">{escape(h)}</th>'
        for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if i >= numeric_from else ""}">{escape(c)}</td>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{cells}</tr>{body}</table>"


def _vn(value: float, digits: int = 0) -> str:
    """A number the Vietnamese way: 12.345,6."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "§").replace(".", ",").replace("§", ".")


def _p(*sentences: str) -> str:
    return "<p>" + " ".join(escape(s) for s in sentences) + "</p>"


#: Paragraphs of the kind every report and submission carries, to give them body.
PARAGRAPHS = [
    "Công tác chỉ đạo, điều hành của Ủy ban nhân dân tỉnh bám sát nghị quyết của Hội đồng nhân "
    "dân tỉnh; các sở, ngành và Ủy ban nhân dân các xã, phường đã cụ thể hóa thành kế hoạch, "
    "phân công rõ người, rõ việc, rõ thời hạn hoàn thành.",
    "Việc sắp xếp tổ chức bộ máy theo mô hình chính quyền địa phương hai cấp cơ bản hoàn thành; "
    "các xã, phường mới đi vào hoạt động ổn định, bảo đảm giải quyết thủ tục hành chính cho "
    "người dân, doanh nghiệp không bị gián đoạn.",
    "Tuy nhiên, một số chỉ tiêu đạt thấp so với kế hoạch; giải ngân vốn đầu tư công còn chậm ở "
    "một số chủ đầu tư; công tác bồi thường, giải phóng mặt bằng tại một số dự án trọng điểm "
    "còn vướng mắc kéo dài.",
    "Nguyên nhân chủ yếu là thủ tục đầu tư còn phức tạp, giá vật liệu xây dựng biến động; năng "
    "lực của một số chủ đầu tư, đơn vị tư vấn chưa đáp ứng yêu cầu; sự phối hợp giữa các cơ "
    "quan có lúc chưa chặt chẽ.",
    "Nguồn thu từ tiền sử dụng đất phụ thuộc lớn vào tiến độ đấu giá quyền sử dụng đất; trong "
    "điều kiện thị trường bất động sản chưa phục hồi, cần thận trọng khi xây dựng dự toán và "
    "bố trí chi đầu tư từ nguồn này.",
    "Đề nghị tiếp tục rà soát, cắt giảm các khoản chi thường xuyên chưa thật sự cần thiết; dành "
    "nguồn cho an sinh xã hội, giáo dục, y tế và các công trình cấp nước sinh hoạt cho vùng khó "
    "khăn, vùng đồng bào dân tộc thiểu số.",
    "Việc phân bổ dự toán bảo đảm đúng nguyên tắc, tiêu chí, định mức theo Nghị quyết của Hội "
    "đồng nhân dân tỉnh; ưu tiên bố trí vốn đối ứng cho các dự án ODA, các dự án chuyển tiếp "
    "có khả năng hoàn thành trong năm.",
    "Các chỉ tiêu về môi trường tiếp tục được quan tâm: tỷ lệ che phủ rừng đạt 38,7%; tỷ lệ chất "
    "thải rắn sinh hoạt đô thị được thu gom, xử lý đạt 95%; công tác phòng cháy, chữa cháy rừng "
    "mùa khô được triển khai chủ động.",
    "Chuyển đổi số được đẩy mạnh: 100% văn bản trao đổi giữa các cơ quan hành chính được thực "
    "hiện trên môi trường điện tử (trừ văn bản mật); tỷ lệ hồ sơ trực tuyến toàn trình đạt 62%.",
    "Công tác tiếp công dân, giải quyết khiếu nại, tố cáo được thực hiện nghiêm túc; các vụ việc "
    "phức tạp, kéo dài được rà soát, xử lý dứt điểm, không để phát sinh điểm nóng.",
]


def _discussion(rng: random.Random, count: int) -> str:
    return "".join(_p(text) for text in rng.sample(PARAGRAPHS, count))


def _budget_rows(rng: random.Random) -> list[list[str]]:
    lines = [
        "Thu nội địa",
        "Thu từ doanh nghiệp nhà nước",
        "Thu từ khu vực ngoài quốc doanh",
        "Thuế thu nhập cá nhân",
        "Lệ phí trước bạ",
        "Thu tiền sử dụng đất",
        "Thu xổ số kiến thiết",
        "Thu từ hoạt động xuất nhập khẩu",
    ]
    rows = []
    for line in lines:
        plan = rng.randint(120, 4200) * 1000
        done = plan * rng.uniform(0.86, 1.18)
        nxt = done * rng.uniform(1.02, 1.12)
        rows.append([line, _vn(plan), _vn(done), _vn(done / plan * 100, 1), _vn(nxt)])
    return rows


def _economy(rng: random.Random) -> str:
    growth = rng.uniform(6.2, 7.4)
    rows = [
        ["Tốc độ tăng trưởng GRDP (%)", "7,0", _vn(growth, 2), "7,5 - 8,0"],
        ["GRDP bình quân đầu người (triệu đồng)", "72,5", _vn(rng.uniform(72, 76), 1), "80,0"],
        [
            "Tổng vốn đầu tư toàn xã hội (tỷ đồng)",
            "62.000",
            _vn(rng.randint(60, 66) * 1000),
            "70.000",
        ],
        ["Kim ngạch xuất khẩu (triệu USD)", "2.100", _vn(rng.randint(2050, 2400)), "2.500"],
        ["Tỷ lệ hộ nghèo giảm (%)", "1,5", _vn(rng.uniform(1.4, 1.9), 2), "1,5"],
        ["Tỷ lệ dân số nông thôn dùng nước sạch (%)", "92,0", _vn(rng.uniform(91, 94), 1), "94,0"],
    ]
    return _table(["Chỉ tiêu", "Kế hoạch 2026", "Ước thực hiện 2026", "Kế hoạch 2027"], rows)


def _report(item: AgendaItem, rng: random.Random) -> DemoDocument:
    body = _header(UBND, "312/BC-UBND", "18 tháng 11 năm 2026")
    body += (
        "<h1>BÁO CÁO</h1><p class='center'><b>Tình hình thực hiện kế hoạch phát triển kinh tế "
        "- xã hội năm 2026; mục tiêu, nhiệm vụ và giải pháp năm 2027</b></p>"
    )
    body += "<h2>I. TÌNH HÌNH THỰC HIỆN KẾ HOẠCH NĂM 2026</h2><h3>1. Tăng trưởng kinh tế</h3>"
    body += _p(
        "Năm 2026 là năm đầu tiên thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVIII và "
        "vận hành chính quyền địa phương hai cấp theo Luật Tổ chức chính quyền địa phương năm "
        "2025.",
        "Trong bối cảnh giá cà phê, hồ tiêu biến động mạnh và thời tiết diễn biến bất thường, "
        "Ủy ban nhân dân tỉnh đã tập trung chỉ đạo quyết liệt, đồng bộ các nhiệm vụ, giải pháp "
        "nên kinh tế - xã hội tiếp tục phục hồi và phát triển.",
    )
    body += _economy(rng)
    body += _p(
        "Khu vực nông, lâm nghiệp và thủy sản tăng trưởng ổn định; sản lượng cà phê nhân ước "
        f"đạt {_vn(rng.randint(560, 620) * 1000)} tấn, sầu riêng đạt "
        f"{_vn(rng.randint(250, 310) * 1000)} tấn, tiếp tục là cây trồng chủ lực của tỉnh.",
        "Công nghiệp chế biến, năng lượng tái tạo duy trì đà tăng; các dự án điện gió, điện mặt "
        "trời đã hòa lưới hoạt động ổn định.",
    )
    body += "<h3>2. Thu, chi ngân sách nhà nước</h3>"
    body += _p(
        "Tổng thu ngân sách nhà nước trên địa bàn ước đạt "
        f"{_vn(rng.randint(11800, 13200))} tỷ đồng, vượt dự toán Hội đồng nhân dân tỉnh giao.",
        "Chi ngân sách địa phương bảo đảm các nhiệm vụ chi thường xuyên, an sinh xã hội, quốc "
        "phòng, an ninh; giải ngân vốn đầu tư công đến ngày 31 tháng 10 năm 2026 đạt "
        f"{_vn(rng.uniform(58, 72), 1)}% kế hoạch.",
    )
    body += _table(
        [
            "Nội dung (triệu đồng)",
            "Dự toán 2026",
            "Ước thực hiện",
            "So dự toán (%)",
            "Dự kiến 2027",
        ],
        _budget_rows(rng),
    )
    body += "<h3>3. Văn hóa - xã hội</h3>" + _discussion(rng, 3)
    for topic in (
        "Giáo dục và đào tạo: tỷ lệ học sinh tốt nghiệp trung học phổ thông đạt 97,8%; hoàn thành "
        "sắp xếp mạng lưới trường lớp ở các xã vùng sâu, vùng xa.",
        "Y tế: tỷ lệ bao phủ bảo hiểm y tế đạt 94,1%; Bệnh viện Đa khoa vùng Tây Nguyên triển "
        "khai thêm các kỹ thuật cao về tim mạch và ung bướu.",
        "Chính sách dân tộc: hỗ trợ đất ở, nhà ở, nước sinh hoạt cho đồng bào dân tộc thiểu số "
        "Ê Đê, M'nông, J'rai theo Chương trình mục tiêu quốc gia.",
    ):
        body += _p(topic)
    body += "<h3>4. Hạn chế, yếu kém và nguyên nhân</h3>" + _discussion(rng, 4)
    body += "<h2>II. MỤC TIÊU, NHIỆM VỤ VÀ GIẢI PHÁP NĂM 2027</h2>" + _discussion(rng, 2)
    for n, task in enumerate(
        [
            "Đẩy mạnh giải ngân vốn đầu tư công, nhất là các dự án giao thông trọng điểm: "
            "cao tốc Khánh Hòa - Buôn Ma Thuột, đường vành đai phía Tây thành phố.",
            "Tập trung tháo gỡ vướng mắc trong bồi thường, giải phóng mặt bằng; công khai, minh "
            "bạch phương án bồi thường, hỗ trợ, tái định cư.",
            "Bảo đảm nước sinh hoạt và nước tưới mùa khô cho các xã Ea Súp, Buôn Đôn, Cư M'gar.",
            "Nâng cao chất lượng dịch vụ công trực tuyến, chuyển đổi số trong cơ quan nhà nước.",
            "Giữ vững quốc phòng, an ninh, trật tự an toàn xã hội trên địa bàn.",
        ],
        start=1,
    ):
        body += _p(f"{n}. {task}")
    body += _p("Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, quyết nghị./.")
    body += _sign("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Phạm Văn Thành")
    return DemoDocument(
        title="Báo cáo tình hình kinh tế - xã hội năm 2026, kế hoạch năm 2027",
        kind="main",
        html=body,
    )


def _security(item: AgendaItem, rng: random.Random) -> DemoDocument:
    body = _header(UBND, "315/BC-UBND", "19 tháng 11 năm 2026")
    body += "<p class='center'><b>MẬT</b></p>"
    body += (
        "<h1>BÁO CÁO</h1><p class='center'><b>Tình hình an ninh chính trị, trật tự an toàn xã "
        "hội năm 2026 (tài liệu phục vụ kỳ họp, không phổ biến)</b></p>"
    )
    body += _p(
        "Tình hình an ninh chính trị trên địa bàn tỉnh cơ bản ổn định; không để xảy ra điểm "
        "nóng, tụ tập đông người phức tạp.",
        f"Tội phạm về trật tự xã hội giảm {_vn(rng.uniform(4, 9), 1)}% so với cùng kỳ; tỷ lệ "
        f"điều tra, khám phá án đạt {_vn(rng.uniform(86, 93), 1)}%.",
    )
    body += _table(
        ["Lĩnh vực", "Năm 2025", "Năm 2026", "Tăng, giảm (%)"],
        [
            [name, _vn(a), _vn(b), _vn((b - a) / a * 100, 1)]
            for name, a, b in [
                ("Phạm pháp hình sự (vụ)", 812, 761),
                ("Ma túy (vụ)", 455, 489),
                ("Tai nạn giao thông (vụ)", 402, 371),
                ("Cháy, nổ (vụ)", 61, 54),
            ]
        ],
    )
    body += _discussion(rng, 5)
    body += _sign("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Phạm Văn Thành")
    return DemoDocument(
        title="Báo cáo tình hình an ninh chính trị, trật tự an toàn xã hội năm 2026 (mật)",
        kind="reference",
        html=body,
        confidential=True,
    )


def _review(item: AgendaItem, rng: random.Random) -> DemoDocument:
    body = _header(BAN_KTNS, "87/BC-KTNS", "25 tháng 11 năm 2026", parent=HDND)
    body += f"<h1>BÁO CÁO THẨM TRA</h1><p class='center'><b>{escape(item.title)}</b></p>"
    body += _p(
        "Thực hiện sự phân công của Thường trực Hội đồng nhân dân tỉnh, Ban Kinh tế - Ngân sách "
        "đã tổ chức họp thẩm tra, khảo sát thực tế tại một số sở, ngành và các xã, phường.",
        "Ban thống nhất với nhiều nội dung đánh giá của Ủy ban nhân dân tỉnh; đồng thời đề nghị "
        "làm rõ thêm một số vấn đề sau.",
    )
    body += "<h2>1. Về thu ngân sách nhà nước</h2>"
    body += _p(
        "Thu tiền sử dụng đất đạt thấp so với dự toán do thị trường bất động sản trầm lắng; đề "
        "nghị Ủy ban nhân dân tỉnh có giải pháp khai thác quỹ đất hiệu quả, tránh thất thu.",
    )
    body += "<h2>2. Về giải ngân vốn đầu tư công</h2>"
    body += _p(
        f"Đến hết tháng 10 năm 2026 mới giải ngân {_vn(rng.uniform(58, 66), 1)}% kế hoạch vốn; "
        "nguyên nhân chủ yếu là vướng mắc giải phóng mặt bằng và năng lực một số chủ đầu tư "
        "còn hạn chế.",
    )
    body += _table(
        ["Chủ đầu tư", "Kế hoạch vốn (tỷ đồng)", "Đã giải ngân", "Tỷ lệ (%)"],
        [
            [name, _vn(plan), _vn(plan * ratio), _vn(ratio * 100, 1)]
            for name, plan, ratio in [
                ("Ban Quản lý dự án giao thông", 2150, rng.uniform(0.45, 0.6)),
                ("Ban Quản lý dự án dân dụng", 860, rng.uniform(0.6, 0.8)),
                ("Sở Nông nghiệp và Môi trường", 540, rng.uniform(0.55, 0.75)),
                ("Các xã, phường", 1320, rng.uniform(0.65, 0.85)),
            ]
        ],
    )
    body += "<h2>3. Ý kiến khác của Ban</h2>" + _discussion(rng, 5)
    body += _p("Ban Kinh tế - Ngân sách kính trình Hội đồng nhân dân tỉnh xem xét./.")
    body += _sign("TM. BAN KINH TẾ - NGÂN SÁCH", "TRƯỞNG BAN", "Nguyễn Thị Hồng Nhung")
    return DemoDocument(title=f"Báo cáo thẩm tra: {item.title}"[:300], kind="main", html=body)


def _submission(item: AgendaItem, rng: random.Random, number: int) -> DemoDocument:
    subject = item.title.removeprefix("Nghị quyết ")
    body = _header(UBND, f"{number}/TTr-UBND", "15 tháng 11 năm 2026")
    body += f"<h1>TỜ TRÌNH</h1><p class='center'><b>Dự thảo Nghị quyết {escape(subject)}</b></p>"
    body += "<p class='center'>Kính gửi: Hội đồng nhân dân tỉnh khóa XI, kỳ họp thứ Ba.</p>"
    body += "<h2>I. SỰ CẦN THIẾT BAN HÀNH NGHỊ QUYẾT</h2>"
    body += _p(
        "Căn cứ Luật Tổ chức chính quyền địa phương năm 2025; Luật Ngân sách nhà nước; Luật Ban "
        "hành văn bản quy phạm pháp luật năm 2025;",
        "Để có cơ sở pháp lý triển khai thực hiện trong năm 2027, việc Hội đồng nhân dân tỉnh "
        "ban hành Nghị quyết là cần thiết và đúng thẩm quyền.",
    )
    body += "<h2>II. QUÁ TRÌNH XÂY DỰNG DỰ THẢO</h2>" + _discussion(rng, 3)
    body += "<h2>III. NỘI DUNG CHÍNH CỦA DỰ THẢO NGHỊ QUYẾT</h2>" + _discussion(rng, 2)
    body += _table(
        [
            "Nội dung (triệu đồng)",
            "Dự toán 2026",
            "Ước thực hiện",
            "So dự toán (%)",
            "Dự kiến 2027",
        ],
        _budget_rows(rng)[: rng.randint(4, 8)],
    )
    body += _p(
        "Dự thảo đã được gửi lấy ý kiến các sở, ngành, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và "
        "được Sở Tư pháp thẩm định; các ý kiến đã được tiếp thu, giải trình đầy đủ.",
    )
    body += _p("Ủy ban nhân dân tỉnh kính trình Hội đồng nhân dân tỉnh xem xét, quyết định./.")
    body += _sign("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH", "Võ Văn Cảnh")
    return DemoDocument(
        title=f"Tờ trình về dự thảo Nghị quyết {subject}"[:300], kind="main", html=body
    )


def _draft_resolution(item: AgendaItem, rng: random.Random, number: int) -> DemoDocument:
    subject = item.title.removeprefix("Nghị quyết ")
    body = _header(HDND, "    /2026/NQ-HĐND", "    tháng 12 năm 2026")
    body += "<p class='center'><b>DỰ THẢO</b></p>"
    body += f"<h1>NGHỊ QUYẾT</h1><p class='center'><b>{escape(subject.capitalize())}</b></p>"
    body += "<p class='center'><b>HỘI ĐỒNG NHÂN DÂN TỈNH ĐẮK LẮK<br/>KHÓA XI, KỲ HỌP THỨ BA</b></p>"
    body += _p(
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;",
        f"Xét Tờ trình số {number}/TTr-UBND của Ủy ban nhân dân tỉnh; Báo cáo thẩm tra của Ban "
        "Kinh tế - Ngân sách; ý kiến thảo luận của đại biểu Hội đồng nhân dân tỉnh tại kỳ họp.",
    )
    body += "<p class='center'><b>QUYẾT NGHỊ:</b></p>"
    for n, text in enumerate(
        [
            f"Thông qua {subject} với các nội dung tại Phụ lục kèm theo Nghị quyết này.",
            "Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết; định kỳ báo cáo Hội đồng "
            "nhân dân tỉnh tại các kỳ họp thường lệ.",
            "Giao Thường trực Hội đồng nhân dân, các Ban, các Tổ đại biểu và đại biểu Hội đồng "
            "nhân dân tỉnh giám sát việc thực hiện Nghị quyết.",
            "Nghị quyết này có hiệu lực từ ngày 01 tháng 01 năm 2027.",
        ],
        start=1,
    ):
        body += _p(f"Điều {n}. {text}")
    body += "<h2>PHỤ LỤC</h2>"
    body += _table(
        ["STT", "Đơn vị", "Dự toán 2027 (triệu đồng)", "Trong đó: chi đầu tư"],
        [
            [str(i), unit, _vn(total), _vn(total * rng.uniform(0.2, 0.45))]
            for i, (unit, total) in enumerate(
                [
                    (u, rng.randint(40, 900) * 1000)
                    for u in (
                        "Sở Tài chính",
                        "Sở Giáo dục và Đào tạo",
                        "Sở Y tế",
                        "Sở Nông nghiệp và Môi trường",
                        "Sở Xây dựng",
                        "Sở Văn hóa, Thể thao và Du lịch",
                        "Xã Ea Kar",
                        "Phường Buôn Hồ",
                        "Xã Krông Búk",
                        "Phường Buôn Ma Thuột",
                        "Xã Ea Súp",
                        "Xã Buôn Đôn",
                        "Xã Cư M'gar",
                        "Xã Lắk",
                        "Xã Krông Pắc",
                        "Phường Tân Lập",
                        "Xã Ea H'leo",
                        "Xã M'Drắk",
                        "Xã Krông Năng",
                        "Xã Cư Kuin",
                    )
                ],
                start=1,
            )
        ],
        numeric_from=2,
    )
    body += _sign("", "CHỦ TỊCH", "Trần Quốc Khánh")
    return DemoDocument(title=f"Dự thảo Nghị quyết {subject}"[:300], kind="main", html=body)


def _programme(items: list[AgendaItem]) -> DemoDocument:
    body = _header(HDND, "245/CTr-HĐND", "10 tháng 11 năm 2026")
    body += (
        "<h1>CHƯƠNG TRÌNH</h1>"
        "<p class='center'><b>Kỳ họp thứ Ba, Hội đồng nhân dân tỉnh khóa XI</b></p>"
    )
    rows = [
        [str(n), item.title, item.presenter or ""]
        for n, item in enumerate((i for i in items if i.parent_id is not None), start=1)
    ]
    body += "<h2>I. THỜI GIAN, ĐỊA ĐIỂM</h2>"
    body += _p(
        "Kỳ họp diễn ra trong 02 ngày tại Hội trường Trung tâm Hội nghị tỉnh, số 9 Lê Duẩn, "
        "phường Buôn Ma Thuột; khai mạc lúc 08 giờ 00 ngày thứ nhất.",
        "Đại biểu có mặt trước 30 phút để điểm danh bằng máy tính bảng hoặc quét mã tại cửa "
        "hội trường.",
    )
    body += "<h2>II. THÀNH PHẦN THAM DỰ</h2>"
    body += _p(
        "Đại biểu Hội đồng nhân dân tỉnh khóa XI; đại biểu Quốc hội đơn vị tỉnh; lãnh đạo Ủy "
        "ban nhân dân tỉnh, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh; Thủ trưởng các sở, ban, "
        "ngành; Chủ tịch Hội đồng nhân dân, Ủy ban nhân dân các xã, phường (dự trực tuyến).",
    )
    body += "<h2>III. NỘI DUNG VÀ TRÌNH TỰ</h2>"
    body += _table(["STT", "Nội dung", "Người trình bày"], rows, numeric_from=9)
    body += "<h2>IV. TỔ CHỨC THỰC HIỆN</h2>"
    for text in (
        "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh phát hành tài liệu kỳ họp "
        "trên hệ thống phòng họp không giấy chậm nhất 05 ngày trước ngày khai mạc; tài liệu mật "
        "chỉ được xem trên hệ thống, không tải về.",
        "Các Tổ đại biểu tổ chức nghiên cứu tài liệu, thảo luận trước tại Tổ; gửi góp ý bằng văn "
        "bản hoặc trên hệ thống trước phiên thảo luận ở hội trường.",
        "Đại biểu đăng ký phát biểu, chất vấn trên máy tính bảng; chủ tọa điều hành theo thứ tự "
        "đăng ký và thời gian phát biểu không quá 05 phút mỗi lượt.",
        "Việc biểu quyết thông qua các nghị quyết được thực hiện bằng hệ thống biểu quyết điện "
        "tử; kết quả được công bố ngay trên màn hình hội trường.",
        "Báo Đắk Lắk, Đài Phát thanh và Truyền hình tỉnh tường thuật trực tiếp phiên khai mạc, "
        "phiên chất vấn và phiên bế mạc.",
    ):
        body += _p(text)
    body += _discussion(random.Random(7), 3)
    body += _sign("TM. THƯỜNG TRỰC HĐND", "CHỦ TỊCH", "Trần Quốc Khánh")
    return DemoDocument(title="Chương trình kỳ họp thứ Ba", kind="main", html=body)


def _answers(item: AgendaItem, rng: random.Random) -> DemoDocument:
    body = _header(UBND, "330/BC-UBND", "24 tháng 11 năm 2026")
    body += (
        "<h1>BÁO CÁO</h1><p class='center'><b>Giải trình, làm rõ các vấn đề đại biểu quan tâm "
        "trước phiên chất vấn</b></p>"
    )
    for topic, answer in [
        (
            "Tiến độ giải phóng mặt bằng dự án cao tốc Khánh Hòa - Buôn Ma Thuột",
            f"Đã bàn giao {_vn(rng.uniform(92, 98), 1)}% diện tích; còn 41 hộ chưa nhận tiền bồi "
            "thường do vướng mắc xác định nguồn gốc đất.",
        ),
        (
            "Cấp nước sinh hoạt mùa khô tại các xã phía Tây",
            "Triển khai 12 công trình cấp nước tập trung; hỗ trợ bồn chứa nước cho hộ nghèo, "
            "hộ đồng bào dân tộc thiểu số.",
        ),
    ]:
        body += f"<h2>{escape(topic)}</h2>" + _p(answer) + _discussion(rng, 3)
    body += _sign("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Phạm Văn Thành")
    return DemoDocument(
        title="Báo cáo giải trình các vấn đề đại biểu quan tâm trước phiên chất vấn",
        kind="reference",
        html=body,
    )


def _closing(items: list[AgendaItem], rng: random.Random) -> DemoDocument:
    body = _header(HDND, "252/TB-HĐND", "    tháng 12 năm 2026")
    body += "<p class='center'><b>DỰ THẢO</b></p>"
    body += (
        "<h1>THÔNG BÁO</h1><p class='center'><b>Kết quả Kỳ họp thứ Ba, Hội đồng nhân dân tỉnh "
        "khóa XI</b></p>"
    )
    body += _p(
        "Sau 02 ngày làm việc khẩn trương, dân chủ và trách nhiệm, Kỳ họp thứ Ba Hội đồng nhân "
        "dân tỉnh khóa XI đã hoàn thành toàn bộ nội dung, chương trình đề ra.",
        "Hội đồng nhân dân tỉnh đã xem xét các báo cáo, tờ trình của Ủy ban nhân dân tỉnh, báo "
        "cáo thẩm tra của các Ban và thông qua các nghị quyết sau:",
    )
    rows = [
        [str(n), item.title, "Tán thành", _vn(rng.uniform(88, 100), 2)]
        for n, item in enumerate((i for i in items if i.kind == "resolution"), start=1)
    ]
    body += _table(["STT", "Nghị quyết", "Kết quả", "Tỷ lệ tán thành (%)"], rows, numeric_from=3)
    body += "<h2>Phiên chất vấn</h2>" + _discussion(rng, 3)
    body += "<h2>Nhiệm vụ sau kỳ họp</h2>" + _discussion(rng, 4)
    body += _sign("TM. THƯỜNG TRỰC HĐND", "CHỦ TỊCH", "Trần Quốc Khánh")
    return DemoDocument(title="Dự thảo Thông báo kết quả Kỳ họp thứ Ba", kind="main", html=body)


def documents_for(demo: DemoSession) -> list[tuple[AgendaItem, DemoDocument]]:
    """The documents of the demo session, by agenda item."""
    rng = random.Random(2027)
    out: list[tuple[AgendaItem, DemoDocument]] = []
    number = 401
    for item in demo.items:
        if item.kind == "procedure" and item.position == 0 and item.parent_id == demo.items[0].id:
            out.append((item, _programme(demo.items)))
        elif item.kind == "procedure":
            out.append((item, _closing(demo.items, rng)))
        elif item.kind == "report":
            out.append((item, _report(item, rng)))
            out.append((item, _security(item, rng)))
        elif item.kind == "review":
            out.append((item, _review(item, rng)))
        elif item.kind == "resolution":
            out.append((item, _submission(item, rng, number)))
            out.append((item, _draft_resolution(item, rng, number)))
            number += 1
        elif item.kind == "question":
            out.append((item, _answers(item, rng)))
    return out


def seed_documents(demo: DemoSession) -> None:
    """Write, process and publish the demo session's documents, and one external link."""
    now = utcnow()
    for item, spec in documents_for(demo):
        pdf = compose_pdf(
            {
                "html": spec.html,
                "title": spec.title,
                "author": "Văn phòng Đoàn ĐBQH và HĐND tỉnh Đắk Lắk",
                "css": EXTRA_CSS,
                "footer": "Trang {page}/{pages}",
            },
            failed="document_processing_failed",
        )
        doc = services.add_now(
            demo.secretary,
            item.id,
            pdf,
            title=spec.title,
            kind=spec.kind,
            confidential=spec.confidential,
            created_at=now - timedelta(days=1),
        )
        services.publish_document(demo.secretary, doc.id, now=now)

    report = next((item for item in demo.items if item.kind == "report"), demo.items[0])
    link = services.upload_document(
        demo.secretary,
        report.id,
        title=LAW_LINK[0],
        kind="link",
        confidential=False,
        url=LAW_LINK[1],
        upload=None,
    )
    services.publish_document(demo.secretary, link.id, now=now)
