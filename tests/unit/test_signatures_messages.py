"""Every status, reason and error code of the signature library has its words, in Vietnamese
(with its diacritics) and in English."""

from __future__ import annotations

import inspect
import re
from types import ModuleType

import pytest
from pyhanko.sign.diff_analysis import ModificationLevel

from server.i18n import is_defined
from server.signatures import messages, sign, trust
from server.signatures.verify import PRECEDENCE, REASON_STATUS

VIETNAMESE_LETTERS = re.compile(
    r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]"
)


def raised_codes(module: ModuleType, error: str) -> set[str]:
    """The codes a module raises its error with: `Error("code", ...)` in its source."""
    return set(re.findall(rf'{error}\(\s*"([a-z_]+)"', inspect.getsource(module)))


def assert_both_languages(vi: str, en: str) -> None:
    assert vi
    assert en
    assert vi != en
    assert VIETNAMESE_LETTERS.search(vi.lower()), vi
    assert en.isascii() or "“" in en, en


@pytest.mark.parametrize("status", PRECEDENCE)
def test_every_status_has_a_badge_and_an_explanation(status: str) -> None:
    assert_both_languages(messages.status_label(status, "vi"), messages.status_label(status, "en"))
    assert_both_languages(
        messages.status_detail(status, "vi"), messages.status_detail(status, "en")
    )


def test_the_valid_badge_is_da_ky_so() -> None:
    assert messages.status_label("valid", "vi") == "Đã ký số"
    assert (
        messages.status_label("untrusted_root", "vi")
        == "Không xác định được tổ chức chứng thực gốc"
    )


@pytest.mark.parametrize("reason", sorted(REASON_STATUS))
def test_every_reason_has_words(reason: str) -> None:
    assert_both_languages(messages.reason_text(reason, "vi"), messages.reason_text(reason, "en"))


@pytest.mark.parametrize("level", [level.name.lower() for level in ModificationLevel])
def test_every_modification_level_has_words(level: str) -> None:
    vi, en = messages.modification_text(level, "vi"), messages.modification_text(level, "en")
    assert vi
    assert en
    assert vi != en


def test_every_error_the_library_raises_has_words() -> None:
    codes = raised_codes(trust, "TrustError") | raised_codes(sign, "SignatureError")
    assert len(codes) >= 12
    missing = sorted(code for code in codes if not is_defined(code))
    assert missing == []


def test_words_take_their_parameters() -> None:
    assert (
        messages.text("trust_root_added", "vi", subject="CA Gốc") == "Đã cài chứng thư gốc: CA Gốc"
    )
    assert messages.text("trust_several_certificates", "en", count="3").startswith(
        "The file holds 3 certificates"
    )
