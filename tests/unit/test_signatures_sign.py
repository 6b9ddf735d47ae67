"""sign_pdf with each kind of key: a PKCS#12 file, a SoftHSM token over PKCS#11, a remote
signer over the CSC API (certomancer-csc-dummy); the visible appearance in Vietnamese.

Every signed file must be judged intact, trusted and timestamped both by verify_pdf and by
pyHanko's own validation, with the test PKI's root as the only trust anchor.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import socket
import subprocess
import unicodedata
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pymupdf
import pytest
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from server.signatures import messages
from server.signatures.sign import (
    Appearance,
    CscSigner,
    Pkcs11Signer,
    Pkcs12Signer,
    SignatureError,
    Signer,
    appearance_text,
    sign_pdf,
)
from server.signatures.verify import SignatureReport, verify_pdf
from tests.conftest import service_missing
from tests.signatures_pki import (
    PASSPHRASE,
    SOFTHSM_MODULE,
    TOKEN_PIN,
    Pki,
    running_csc_dummy,
    running_pki,
    softhsm_available,
    softhsm_token,
)

#: Where the visible signature goes in the tests: the lower right of an A4 page.
RECT = (320.0, 690.0, 570.0, 790.0)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with running_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture(scope="module")
def token(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    missing = softhsm_available()
    if missing:
        service_missing(missing)
    with softhsm_token(pki, tmp_path_factory.mktemp("softhsm"), "signer") as label:
        yield label


@pytest.fixture(scope="module")
def csc_url(pki: Pki) -> Iterator[str]:
    with running_csc_dummy(pki) as url:
        yield url


def result_sheet() -> bytes:
    """A two-page result sheet (biên bản kiểm phiếu) in Vietnamese, A4, as the server lays out."""
    doc = pymupdf.open()
    font = pymupdf.Font("notos")
    for number in (1, 2):
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="notos", fontbuffer=font.buffer)
        page.insert_text(
            (72, 90),
            f"BIÊN BẢN KIỂM PHIẾU - trang {number}\nNghị quyết về dự toán ngân sách năm 2027",
            fontname="notos",
            fontsize=13,
        )
    data: bytes = doc.tobytes(garbage=3, deflate=True)
    return data


def signature_png() -> bytes:
    """A handwritten-looking signature in blue on a transparent background."""
    image = Image.new("RGBA", (240, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line(
        [(20, 80), (60, 30), (90, 90), (130, 35), (170, 85), (220, 40)],
        fill=(20, 40, 160, 255),
        width=6,
    )
    draw.line([(30, 100), (210, 95)], fill=(20, 40, 160, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def refused(caught: pytest.ExceptionInfo[SignatureError], code: str) -> None:
    """The refusal has the expected code, and words for it in both languages."""
    assert caught.value.code == code
    assert messages.text(code, "vi") != code
    assert messages.text(code, "en") != code


def pixels(image: Image.Image) -> list[tuple[int, int, int]]:
    raw = image.convert("RGB").tobytes()
    return [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]


def sign_with(
    pki: Pki,
    signer: Signer,
    data: bytes | None = None,
    *,
    appearance: Appearance | None = None,
    timestamp: bool = True,
) -> bytes:
    return sign_pdf(
        data if data is not None else result_sheet(),
        signer,
        appearance=appearance,
        timestamp_url=pki.tsa_url if timestamp else None,
        field_name="ChuKyChuToa",
        embed_revocation=False,
        trust=pki.trust(),
    )


def assert_valid_everywhere(pki: Pki, signed: bytes, signer: str = "Nguyễn Văn An") -> None:
    """verify_pdf and pyHanko's own validation both find it intact, trusted, timestamped."""
    reports = verify_pdf(signed, pki.trust(), now=pki.now)
    assert len(reports) == 1
    report: SignatureReport = reports[0]
    assert report.status == "valid", report.reasons
    assert report.signer == signer
    assert report.timestamped
    assert report.timestamp_trusted
    assert report.pades_level == "B-T"

    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    context = ValidationContext(
        trust_roots=[pki.cert("root")],
        crls=[pki.crl("root"), pki.crl("interm")],
        moment=pki.now,
    )
    status = validate_pdf_signature(embedded, context)
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.modification_level == ModificationLevel.NONE
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.trusted
    assert status.timestamp_validity.timestamp == pki.moment


# --- The three kinds of key ------------------------------------------------------------------


def test_pkcs12_signature_is_intact_trusted_and_timestamped(pki: Pki) -> None:
    original = result_sheet()
    signed = sign_with(pki, Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE), original)
    # An incremental update: the unsigned document is still there, byte for byte.
    assert signed.startswith(original)
    assert_valid_everywhere(pki, signed)


def test_pkcs11_token_signature_is_intact_trusted_and_timestamped(pki: Pki, token: str) -> None:
    signer = Pkcs11Signer(
        module=SOFTHSM_MODULE, token_label=token, key_label="signer", pin=TOKEN_PIN
    )
    assert_valid_everywhere(pki, sign_with(pki, signer))


def test_csc_remote_signature_is_intact_trusted_and_timestamped(pki: Pki, csc_url: str) -> None:
    signer = CscSigner(base_url=csc_url, credential_id="council/signer", access_token="token")
    assert_valid_everywhere(pki, sign_with(pki, signer))


def test_csc_authorisation_callback_gets_the_hash_and_supplies_the_sad(
    pki: Pki, csc_url: str
) -> None:
    asked: list[tuple[str, ...]] = []

    def authorize(hashes: tuple[str, ...]) -> str:
        # As a phone app would, after its user confirms: the SAD for exactly these hashes.
        asked.append(hashes)
        request = urllib.request.Request(  # noqa: S310 (a loopback http URL)
            f"{csc_url}/csc/v1/credentials/authorize",
            data=json.dumps(
                {"credentialID": "council/signer", "numSignatures": 1, "hash": list(hashes)}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            sad: str = json.load(answer)["SAD"]
        return sad

    signer = CscSigner(base_url=csc_url, credential_id="council/signer", authorize=authorize)
    assert_valid_everywhere(pki, sign_with(pki, signer))
    assert len(asked) == 1
    assert len(asked[0]) == 1
    assert len(base64.b64decode(asked[0][0])) == 32  # one SHA-256 hash


# --- The appearance ------------------------------------------------------------------------


def test_visible_signature_shows_signer_organisation_and_time_in_vietnamese(pki: Pki) -> None:
    signed = sign_with(
        pki,
        Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE),
        appearance=Appearance(page=-1, rect=RECT, image=signature_png()),
    )
    assert_valid_everywhere(pki, signed)
    doc = pymupdf.open("pdf", signed)
    last = doc[-1]
    words = last.get_text("text", clip=pymupdf.Rect(*RECT))
    # The embedded font's Unicode map is right: the words come back with their diacritics.
    assert "Ký bởi: Nguyễn Văn An" in words
    assert "Cơ quan: Văn phòng HĐND tỉnh Đắk Lắk" in words
    assert "Thời gian ký: " in words
    assert "+07:00" in words
    assert doc[0].get_text("text", clip=pymupdf.Rect(*RECT)).strip() == ""


def test_visible_signature_renders_inside_its_rectangle(pki: Pki, tmp_path: Path) -> None:
    """The first page, rendered by poppler (pdftoppm -png -r 80) as a reader would, not by the
    library that wrote it."""
    if shutil.which("pdftoppm") is None:
        service_missing("pdftoppm (Debian package poppler-utils) not installed")
    signed = sign_with(
        pki,
        Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE),
        appearance=Appearance(page=1, rect=RECT, image=signature_png()),
    )
    (tmp_path / "signed.pdf").write_bytes(signed)
    command = ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1"]
    subprocess.run(
        [*command, str(tmp_path / "signed.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("RGB")
    scale = 80 / 72
    x0, y0, x1, y1 = (round(v * scale) for v in RECT)
    inside = pixels(image.crop((x0 + 3, y0 + 3, x1 - 3, y1 - 3)))
    dark = sum(1 for r, g, b in inside if r + g + b < 300)
    blue = sum(1 for r, g, b in inside if b > 120 and r < 90 and g < 110)
    # Text (dark) and the blue signature image are drawn in the rectangle...
    assert dark > 150
    assert blue > 150
    # ...and nothing of the signature spills below it.
    below = pixels(image.crop((x0, y1 + 4, x1, image.height)))
    assert sum(1 for r, g, b in below if r + g + b < 300) == 0


def test_appearance_text_is_nfc_in_vietnam_time(pki: Pki) -> None:
    text = appearance_text(pki.cert("signer"), datetime(2026, 11, 30, 23, 30, 5, tzinfo=UTC))
    assert text.splitlines() == [
        "Ký bởi: Nguyễn Văn An",
        "Cơ quan: Văn phòng HĐND tỉnh Đắk Lắk",
        # 23:30 UTC on 30 November is 06:30 on 1 December in Vietnam.
        "Thời gian ký: 2026-12-01T06:30:05+07:00",
    ]
    assert unicodedata.is_normalized("NFC", text)


def test_invisible_signature_has_no_appearance(pki: Pki) -> None:
    signed = sign_with(pki, Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE), appearance=None)
    doc = pymupdf.open("pdf", signed)
    assert all("Ký bởi" not in page.get_text() for page in doc)
    assert verify_pdf(signed, pki.trust(), now=pki.now)[0].status == "valid"


# --- Refusals --------------------------------------------------------------------------------


def test_wrong_pkcs12_passphrase_is_refused(pki: Pki) -> None:
    with pytest.raises(SignatureError) as caught:
        sign_with(pki, Pkcs12Signer(pki.pkcs12("signer"), "sai mật khẩu"))
    refused(caught, "signer_pkcs12_refused")


def test_wrong_token_pin_is_refused(pki: Pki, token: str) -> None:
    signer = Pkcs11Signer(
        module=SOFTHSM_MODULE, token_label=token, key_label="signer", pin="000000"
    )
    with pytest.raises(SignatureError) as caught:
        sign_with(pki, signer)
    refused(caught, "signer_token_refused")


@pytest.mark.parametrize("label", ["expired", "revoked", "other-signer"])
def test_a_certificate_that_would_not_verify_is_refused_before_signing(
    pki: Pki, label: str
) -> None:
    with pytest.raises(SignatureError) as caught:
        sign_with(pki, Pkcs12Signer(pki.pkcs12(label), PASSPHRASE))
    refused(caught, "signer_certificate_invalid")


def test_unreachable_timestamp_authority_is_refused(pki: Pki) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/tsa"
    with pytest.raises(SignatureError) as caught:
        sign_pdf(
            result_sheet(),
            Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE),
            appearance=None,
            timestamp_url=closed,
            field_name="ChuKy",
            embed_revocation=False,
        )
    refused(caught, "signature_timestamp_unavailable")


@pytest.mark.parametrize(
    ("appearance", "code"),
    [
        (Appearance(page=3, rect=RECT), "signature_page_missing"),
        (Appearance(page=0, rect=RECT), "signature_page_missing"),
        (Appearance(page=1, rect=(500.0, 700.0, 700.0, 800.0)), "signature_rect_outside"),
        (Appearance(page=1, rect=RECT, image=b"GIF89a not a png"), "signature_image_unreadable"),
    ],
)
def test_bad_appearance_is_refused(pki: Pki, appearance: Appearance, code: str) -> None:
    with pytest.raises(SignatureError) as caught:
        sign_with(pki, Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE), appearance=appearance)
    refused(caught, code)


def test_embedding_without_revocation_data_at_hand_still_signs_b_t(pki: Pki) -> None:
    # The unrelated root's certificates name no CRL or OCSP service: nothing can be fetched.
    trust = pki.trust(crls=False, roots=("other-root",))
    signed = sign_pdf(
        result_sheet(),
        Pkcs12Signer(pki.pkcs12("other-signer"), PASSPHRASE),
        appearance=None,
        timestamp_url=pki.tsa_url,
        field_name="ChuKy",
        embed_revocation=True,
        trust=trust,
    )
    (report,) = verify_pdf(signed, trust, now=pki.now)
    assert report.pades_level == "B-T"
    assert report.status == "not_checked"


def test_embedding_revocation_needs_a_trust_store(pki: Pki) -> None:
    with pytest.raises(ValueError, match="trust store"):
        sign_pdf(
            result_sheet(),
            Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE),
            appearance=None,
            timestamp_url=None,
            field_name="ChuKy",
            embed_revocation=True,
        )
