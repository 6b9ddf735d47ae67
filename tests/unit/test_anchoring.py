"""Quotes: the words under a highlight, and finding them again on another version."""

from __future__ import annotations

from server.annotations.anchoring import (
    Corpus,
    anchor,
    carry,
    line_rects,
    locate,
    norm,
    parse_words,
    quote_under,
    tokens,
)


def page(*lines: str, top: float = 100.0, x: float = 72.0) -> list[list[object]]:
    """Word boxes of some lines of text (10 points per character, 20 per line)."""
    words: list[list[object]] = []
    for n, line in enumerate(lines):
        left = x
        y = top + 20 * n
        for word in line.split():
            words.append([left, y, left + 10 * len(word), y + 14, word])
            left += 10 * len(word) + 5
    return words


def test_norm_folds_case_and_trims_punctuation_but_keeps_diacritics():
    assert norm("Ngân,") == "ngân"
    assert norm("“Đắk") == "đắk"
    assert norm("(12.345)") == "12.345"
    assert norm("NGÂN") == norm("ngân")
    assert norm("ngan") != norm("ngân")
    assert norm("Vie\u0323\u0302t") == norm("Việt")
    assert tokens("  Dự toán  thu, ngân sách. ") == ["dự", "toán", "thu", "ngân", "sách"]
    assert tokens("— …") == []


def test_parse_words_skips_what_is_malformed():
    raw = [[1, 2, 3, 4, "a"], [1, 2, 3, "x", "b"], "junk", [1, 2, 3, 4], [True, 2, 3, 4, "c"]]
    assert [w.text for w in parse_words(raw)] == ["a"]


def test_parse_words_reads_the_stored_json_text():
    assert [w.text for w in parse_words('[[1, 2, 3, 4, "ngân"], [5, 2, 8, 4, "sách"]]')] == [
        "ngân",
        "sách",
    ]
    assert parse_words("") == parse_words("{}") == parse_words("not json") == []


def test_quote_under_a_highlight_with_context():
    words = page("Điều 1. Phê duyệt dự toán thu ngân sách", "năm 2027 là 12.345 tỷ đồng.")
    # A highlight over "dự toán thu" (words 4..6) and a sliver of the next word.
    rects = [(words[4][0], 100, words[6][2] + 3, 114)]
    found = quote_under(rects, words)
    assert found is not None
    assert found.quote == "dự toán thu"
    assert found.prefix == "Điều 1. Phê duyệt"
    assert found.suffix.startswith("ngân sách năm")
    assert found.box == (words[4][0], 100, words[6][2], 114)
    assert quote_under([(0, 0, 5, 5)], words) is None


def test_line_rects_merge_words_of_a_line():
    words = parse_words(page("một hai ba", "bốn năm"))
    rects = line_rects(words)
    assert len(rects) == 2
    assert rects[0][0] == 72.0
    assert rects[1][1] == 120.0


def test_locate_prefers_context_then_page_then_position():
    first = page("kết luận của đoàn giám sát", "đề nghị bổ sung kinh phí", top=100)
    second = page("ý kiến khác", "đề nghị bổ sung kinh phí", top=300)
    corpus = Corpus([(1, first), (2, second)])
    # The same words on two pages: nearest the original page wins...
    near_two = locate(corpus, "đề nghị bổ sung", near_page=2)
    assert near_two is not None
    assert near_two.page == 2
    assert near_two.exact
    # ...unless the stored context says otherwise.
    by_context = locate(corpus, "đề nghị bổ sung", prefix="của đoàn giám sát", near_page=2)
    assert by_context is not None
    assert by_context.page == 1
    assert locate(corpus, "không có ở đây") is None
    assert locate(corpus, "  ,  ") is None


def test_locate_approximately_when_words_in_between_changed():
    old = "Phê duyệt tổng thu ngân sách 12.345 tỷ đồng"
    corpus = Corpus([(3, page("Phê duyệt tổng thu ngân sách 12.400 tỷ đồng năm 2027"))])
    found = locate(corpus, old)
    assert found is not None
    assert not found.exact
    assert found.page == 3
    # Short quotes are never matched approximately.
    assert locate(corpus, "tổng chi") is None


def test_carry_reports_each_outcome():
    corpus = Corpus(
        [
            (1, page("Mở đầu")),
            (2, page("Điều 2. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện.", top=400)),
        ]
    )
    moved = carry(
        corpus,
        quote="Giao Ủy ban nhân dân tỉnh",
        prefix="Điều 2.",
        suffix="tổ chức",
        page=1,
        box=(100.0, 120.0, 300.0, 134.0),
    )
    assert moved.status == "found"
    assert moved.page == 2
    assert moved.rects
    assert moved.offset is not None
    assert moved.offset[1] == 280.0
    gone = carry(corpus, quote="Điều 9 hiệu lực", prefix="", suffix="", page=1, box=None)
    assert (gone.status, gone.page, gone.rects) == ("not_found", None, [])
    none = carry(corpus, quote=None, prefix="", suffix="", page=2, box=None)
    assert (none.status, none.page) == ("no_quote", 2)
    beyond = carry(corpus, quote="", prefix="", suffix="", page=7, box=None)
    assert (beyond.status, beyond.page) == ("no_quote", None)


def test_anchor_of_a_new_annotation():
    words = page("Dự toán thu ngân sách nhà nước", "trên địa bàn tỉnh Đắk Lắk")
    # A highlight without quote: the words under it.
    rects = [(words[0][0], 100.0, words[1][2], 114.0)]
    made = anchor(True, None, rects, rects[0], 1, words)
    assert made is not None
    assert made.quote == "Dự toán"
    # A note with a quote found on its page: context and box.
    note = anchor(False, "địa bàn tỉnh", [], (300.0, 120.0, 300.0, 120.0), 1, words)
    assert note is not None
    assert note.box is not None
    assert note.prefix.endswith("trên")
    # A quote that is not on the page is kept as given.
    other = anchor(False, "lời trích khác", [], None, 1, words)
    assert other is not None
    assert (other.quote, other.box) == ("lời trích khác", None)
    assert anchor(False, None, [], None, 1, words) is None
