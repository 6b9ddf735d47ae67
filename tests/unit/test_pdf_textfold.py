"""Folding Vietnamese for search, snippets and highlights (server.documents.textfold)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.documents.textfold import (
    fold,
    page_text,
    query_terms,
    query_tokens,
    snippet,
    words_at,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ngân sách", "ngan sach"),
        ("ĐẮK LẮK", "dak lak"),
        ("đường Đinh Tiên Hoàng", "duong dinh tien hoang"),
        ("Hội đồng nhân dân", "hoi dong nhan dan"),
        ("Ưu tiên; ỨNG Ử Ữ ự ỳ ỹ", "uu tien; ung u u u y y"),
        ("H'Nga Niê Kđăm", "h'nga nie kdam"),
        ("12.345 tỷ đồng", "12.345 ty dong"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@given(st.text())
def test_fold_keeps_every_offset(text):
    folded = fold(text)
    assert len(folded) == len(text)
    assert fold(folded) == folded


def test_decomposed_input_folds_like_composed():
    decomposed = "Ngu\u031bo\u031b\u0300i"  # "Người" typed with combining marks
    assert query_tokens(decomposed) == query_tokens("Người") == ["nguoi"]


def test_query_tokens():
    assert query_tokens("  Ngân-sách, năm 2027!! ngân ") == ["ngan", "sach", "nam", "2027"]
    assert query_tokens("đ") == ["d"]
    assert query_tokens("… !!") == []
    assert query_terms("giải phong") == [("giai", "giải"), ("phong", None)]


def words_of(text):
    return text.split(" ")


def highlighted(cut):
    return [cut.text[s:e] for s, e in cut.highlights]


def test_snippet_highlights_the_original_spelling():
    page = page_text(words_of("Dự toán thu ngân sách nhà nước năm 2027 trên địa bàn tỉnh Đắk Lắk"))
    cut = snippet(page, query_tokens("ngan sach"))
    assert highlighted(cut) == ["ngân", "sách"]
    cut = snippet(page, query_tokens("dak"))
    assert highlighted(cut) == ["Đắk"]


def test_last_token_is_a_prefix_and_others_whole_words():
    page = page_text(words_of("ngân sách nhà nước; ngang hàng"))
    assert highlighted(snippet(page, query_tokens("nga"))) == ["ngân", "ngang"]
    assert highlighted(snippet(page, query_tokens("nga sach"))) == ["sách"]
    assert highlighted(snippet(page, query_tokens("ngan sa"))) == ["ngân", "sách"]


def test_typed_diacritics_win_over_other_tones():
    page = page_text(words_of("Văn phòng Ủy ban ... công tác giải phóng mặt bằng"))
    terms = query_terms("giải phóng")
    cut = snippet(page, [t for t, _ in terms], terms=terms)
    assert highlighted(cut) == ["giải", "phóng"]
    # Without diacritics both spellings are found.
    assert highlighted(snippet(page, query_tokens("phong"))) == ["phòng", "phóng"]


def test_snippet_window_and_ellipsis():
    words = ["mở", "đầu"] * 100 + ["kế", "hoạch", "đầu", "tư", "công"] + ["kết", "thúc"] * 100
    page = page_text(words)
    cut = snippet(page, query_tokens("dau tu cong"), width=80)
    assert cut.text.startswith("…")
    assert cut.text.endswith("…")
    assert len(cut.text) < 140
    assert "đầu tư công" in cut.text
    assert "tư" in highlighted(cut)
    for start, end in cut.highlights:
        assert cut.text[start:end].strip() == cut.text[start:end]


def test_words_at_gives_the_boxes_to_highlight():
    words = ["Tổng", "thu", "ngân", "sách", "nhà", "nước"]
    page = page_text(words)
    cut = snippet(page, query_tokens("ngân sách"))
    assert [words[i] for i in words_at(page.text, cut.matches)] == ["ngân", "sách"]


def test_page_without_match_gives_its_beginning():
    page = page_text(words_of("Báo cáo thẩm tra của Ban Kinh tế - Ngân sách"))
    cut = snippet(page, ["khong", "co"])
    assert cut.highlights == ()
    assert cut.text.startswith("Báo cáo")
