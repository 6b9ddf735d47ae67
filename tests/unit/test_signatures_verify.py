"""verify_pdf against a real certomancer PKI: each status, the precedence, damaged input.

Documents are signed by server.signatures.sign (PKCS#12 key, certomancer's timestamp
authority on loopback) and then changed the way an attacker, a careless editor or a second
signer would. No part of pyHanko is mocked.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pymupdf
import pytest
from asn1crypto import cms, ocsp
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp as crypto_ocsp
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext

from server.signatures.sign import Pkcs12Signer, sign_pdf
from server.signatures.trust import TrustStore
from server.signatures.verify import (
    PRECEDENCE,
    REASON_STATUS,
    SignatureReport,
    status_for,
    verify_pdf,
)
from tests.signatures_pki import PASSPHRASE, Pki, running_pki

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "pdf-corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/pdf-corpus")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with running_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


def make_pdf(pages: int = 2, *, form_field: bool = False) -> bytes:
    """A small Vietnamese document, uncompressed so tests can find and alter its bytes."""
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page()
        page.insert_text((72, 72), f"Bien ban kiem phieu - trang {number}", fontsize=14)
    if form_field:
        widget = pymupdf.Widget()
        widget.field_name = "ghi_chu"
        widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
        widget.rect = pymupdf.Rect(72, 120, 300, 150)
        widget.field_value = ""
        doc[0].add_widget(widget)
    doc.set_metadata({"title": "Bien ban kiem phieu so 07"})
    data: bytes = doc.tobytes(deflate=False)
    return data


def sign(
    pki: Pki,
    data: bytes,
    label: str = "signer",
    *,
    field: str = "ChuKy1",
    timestamp: bool = True,
    embed_revocation: bool = False,
    trust: TrustStore | None = None,
) -> bytes:
    return sign_pdf(
        data,
        Pkcs12Signer(pki.pkcs12(label), PASSPHRASE),
        appearance=None,
        timestamp_url=pki.tsa_url if timestamp else None,
        field_name=field,
        embed_revocation=embed_revocation,
        trust=trust,
    )


def only(reports: list[SignatureReport]) -> SignatureReport:
    assert len(reports) == 1, reports
    return reports[0]


def flip_hex(data: bytes, value: bytes) -> bytes:
    """`data` with one hex digit changed in the hex-encoded occurrence of `value`."""
    for encoded in (value.hex().encode(), value.hex().upper().encode()):
        at = data.find(encoded)
        if at >= 0:
            middle = at + len(encoded) // 2
            digit = data[middle : middle + 1]
            replacement = b"0" if digit != b"0" else b"1"
            return data[:middle] + replacement + data[middle + 1 :]
    raise AssertionError("value not found in the file")


def signer_info(data: bytes) -> cms.SignerInfo:
    reader = PdfFileReader(io.BytesIO(data))
    return reader.embedded_signatures[0].signer_info


def incremental(data: bytes, tmp_path: Path, change: str) -> bytes:
    """The signed file with an incremental update made by PyMuPDF, as an editor would."""
    path = tmp_path / "edited.pdf"
    path.write_bytes(data)
    doc = pymupdf.open(path)
    if change == "page":
        doc.new_page().insert_text((72, 72), "Trang them sau khi ky")
    elif change == "content":
        doc[0].insert_text((72, 200), "So phieu tan thanh: 45")
    elif change == "annotation":
        doc[0].add_text_annot((100, 300), "Ghi chu them sau khi ky")
    doc.saveIncr()
    doc.close()
    return path.read_bytes()


# --- Valid ---------------------------------------------------------------------------------


def test_good_timestamped_signature_under_a_trusted_root_is_valid(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf()), pki.trust(), now=pki.now))
    assert report.status == "valid"
    assert report.reasons == ()
    assert report.signer == "Nguyễn Văn An"
    assert report.organisation == "Văn phòng HĐND tỉnh Đắk Lắk"
    assert report.serial == f"{pki.cert('signer').serial_number:X}"
    assert report.field_name == "ChuKy1"
    # The trusted timestamp is the signing time, and the time certificates are judged at.
    assert report.timestamped
    assert report.timestamp_trusted
    assert report.timestamp_time == pki.moment
    assert report.signed_at == pki.moment
    assert report.validated_at == pki.moment
    assert report.timestamp_authority == "Dịch vụ cấp dấu thời gian thử nghiệm"
    assert report.pades_level == "B-T"
    assert report.modification_level == "none"
    assert report.covers_whole_file
    assert report.revocation == "good"
    assert report.key == "RSA 2048"
    assert report.trusted_root is not None
    assert "CA Gốc Thử Nghiệm" in report.trusted_root


def test_report_json_has_the_api_fields_with_iso_times(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf()), pki.trust(), now=pki.now))
    data = report.to_json()
    assert {"status", "signer", "organisation", "signed_at", "timestamped"} <= set(data)
    assert data["status"] == "valid"
    assert data["signer"] == "Nguyễn Văn An"
    assert data["timestamped"] is True
    assert datetime.fromisoformat(data["signed_at"]) == pki.moment
    assert data["reasons"] == []


def test_signature_without_timestamp_is_b_b_and_dated_by_the_signer(pki: Pki) -> None:
    before = datetime.now(pki.moment.tzinfo) - timedelta(seconds=2)
    report = only(verify_pdf(sign(pki, make_pdf(), timestamp=False), pki.trust(), now=pki.now))
    assert report.status == "valid"
    assert not report.timestamped
    assert not report.timestamp_trusted
    assert report.pades_level == "B-B"
    assert report.reasons == ("no_timestamp",)
    # Without a timestamp the claimed time is all there is, and certificates are judged now.
    assert report.signed_at == report.signing_time_claimed
    assert report.signed_at is not None
    assert report.signed_at >= before
    assert report.validated_at == pki.now


def test_ecdsa_p256_signer_meets_the_minimum_key_size(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf(), "signer-ec"), pki.trust(), now=pki.now))
    assert report.status == "valid"
    assert report.key == "EC 256"


def test_ocsp_answer_in_the_trust_store_checks_revocation(pki: Pki) -> None:
    signed = sign(pki, make_pdf())
    request = (
        crypto_ocsp.OCSPRequestBuilder()
        .add_certificate(
            crypto_x509.load_der_x509_certificate(pki.cert("signer").dump()),
            crypto_x509.load_der_x509_certificate(pki.cert("interm").dump()),
            hashes.SHA256(),
        )
        .build()
    )
    responder = pki.arch.service_registry.summon_responder("interm", pki.moment)
    ocsp_answer = responder.build_ocsp_response(
        ocsp.OCSPRequest.load(request.public_bytes(serialization.Encoding.DER))
    )
    # Only the root's CRL: the signer's status must come from the OCSP answer.
    trust = TrustStore(roots=(pki.cert("root"),), crls=(pki.crl("root"),), ocsps=(ocsp_answer,))
    report = only(verify_pdf(signed, trust, now=pki.now))
    assert report.status == "valid"
    assert report.revocation == "good"


def test_revocation_data_embedded_at_signing_makes_b_lt_valid_offline(pki: Pki) -> None:
    # Signing fetches the CRLs and OCSP answers from certomancer and stores them in the DSS.
    signed = sign(pki, make_pdf(), embed_revocation=True, trust=pki.trust(crls=False))
    report = only(verify_pdf(signed, pki.trust(crls=False), now=pki.now))
    assert report.status == "valid"
    assert report.pades_level == "B-LT"
    assert report.revocation == "good"


def pyhanko_signed(pki: Pki, data: bytes, **meta: object) -> bytes:
    """Signed by pyHanko directly, for the kinds sign_pdf does not make (adbe.pkcs7, B-LTA)."""
    key = signers.SimpleSigner.load_pkcs12_data(
        pki.pkcs12("signer").read_bytes(), [], passphrase=PASSPHRASE.encode()
    )
    context = ValidationContext(
        trust_roots=[pki.cert("root")], crls=[pki.crl("root"), pki.crl("interm")]
    )
    signature_meta = signers.PdfSignatureMetadata(
        field_name="ChuKy1",
        embed_validation_info=True,
        validation_context=context,
        **meta,
    )
    out = signers.PdfSigner(
        signature_meta, signer=key, timestamper=HTTPTimeStamper(pki.tsa_url)
    ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)))
    signed: bytes = out.getvalue()
    return signed


def test_adobe_style_revocation_data_in_the_signature_is_used(pki: Pki) -> None:
    signed = pyhanko_signed(pki, make_pdf(), subfilter=SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    report = only(verify_pdf(signed, pki.trust(crls=False), now=pki.now))
    assert report.status == "valid"
    assert report.revocation == "good"
    # adbe.pkcs7.detached is not PAdES: no level to tell.
    assert report.pades_level is None


def test_document_timestamp_after_the_dss_is_b_lta_and_not_a_signature(pki: Pki) -> None:
    signed = pyhanko_signed(pki, make_pdf(), subfilter=SigSeedSubFilter.PADES, use_pades_lta=True)
    report = only(verify_pdf(signed, pki.trust(crls=False), now=pki.now))
    assert report.status == "valid"
    assert report.pades_level == "B-LTA"
    assert report.modification_level == "lta_updates"


def test_timestamp_keeps_a_signature_valid_after_the_certificate_expires(pki: Pki) -> None:
    # In 2091 the signer's certificate (valid to 2090) has expired; the timestamp proves the
    # signature was made in 2026, when it was valid. Without a timestamp nothing proves it.
    later = datetime(2091, 6, 1, tzinfo=pki.moment.tzinfo)
    timestamped = only(verify_pdf(sign(pki, make_pdf()), pki.trust(), now=later))
    assert timestamped.status == "valid"
    assert timestamped.validated_at == pki.moment
    bare = only(verify_pdf(sign(pki, make_pdf(), timestamp=False), pki.trust(), now=later))
    assert bare.status == "expired"
    assert "certificate_expired" in bare.reasons


# --- Trust -----------------------------------------------------------------------------------


def test_signer_under_an_unknown_root_is_untrusted(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf(), "other-signer"), pki.trust(), now=pki.now))
    assert report.status == "untrusted_root"
    assert "unknown_root" in report.reasons
    assert report.signer == "Đỗ Văn Giang"
    assert report.trusted_root is None
    assert report.revocation == "not_checked"
    # The timestamp authority is still trusted: it belongs to the installed root.
    assert report.timestamp_trusted


def test_no_installed_root_leaves_signature_and_timestamp_untrusted(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf()), TrustStore(), now=pki.now))
    assert report.status == "untrusted_root"
    assert report.reasons[0] == "unknown_root"
    assert "timestamp_untrusted" in report.reasons
    assert report.timestamped
    assert not report.timestamp_trusted
    # An untrusted timestamp proves nothing: the claimed time is shown instead.
    assert report.signed_at == report.signing_time_claimed


def test_expired_signer_is_expired(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf(), "expired"), pki.trust(), now=pki.now))
    assert report.status == "expired"
    assert "certificate_expired" in report.reasons
    assert report.signer == "Trần Thị Bình"


def test_expired_signer_under_an_unknown_root_is_expired_first(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf(), "expired"), TrustStore(), now=pki.now))
    assert report.status == "expired"
    assert report.reasons[:2] == ("certificate_expired", "unknown_root")


def test_revoked_signer_with_the_crl_at_hand_is_revoked(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf(), "revoked"), pki.trust(), now=pki.now))
    assert report.status == "revoked"
    assert "certificate_revoked" in report.reasons
    assert report.revocation == "revoked"


def test_revoked_signer_without_revocation_data_is_not_checked(pki: Pki) -> None:
    # Offline, nothing says the certificate was revoked, and nothing says it was not.
    signed = sign(pki, make_pdf(), "revoked")
    report = only(verify_pdf(signed, pki.trust(crls=False), now=pki.now))
    assert report.status == "not_checked"
    assert report.reasons == ("revocation_not_checked",)
    assert report.revocation == "not_checked"


def test_good_signer_without_revocation_data_is_not_checked_never_valid(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf()), pki.trust(crls=False), now=pki.now))
    assert report.status == "not_checked"


def test_out_of_date_crls_give_not_checked_not_untrusted(pki: Pki) -> None:
    # CRLs of three periods ago: their nextUpdate has passed. A stale CRL says nothing about
    # today, and it must not make a good chain look untrusted either.
    old = pki.moment - timedelta(days=90)
    stale = tuple(
        pki.arch.service_registry.get_crl(label, at_time=old) for label in ("root", "interm")
    )
    trust = TrustStore(roots=(pki.cert("root"),), crls=stale)
    for timestamp in (True, False):
        report = only(verify_pdf(sign(pki, make_pdf(), timestamp=timestamp), trust, now=pki.now))
        assert report.status == "not_checked"
        assert "revocation_not_checked" in report.reasons


def test_crl_of_the_intermediate_alone_is_not_enough(pki: Pki) -> None:
    # The policy wants revocation data for every CA below the root, not only the signer's.
    trust = TrustStore(roots=(pki.cert("root"),), crls=(pki.crl("interm"),))
    report = only(verify_pdf(sign(pki, make_pdf()), trust, now=pki.now))
    assert report.status == "not_checked"


# --- Modified --------------------------------------------------------------------------------


def test_bytes_changed_inside_the_signed_range_is_modified(pki: Pki) -> None:
    signed = sign(pki, make_pdf())
    assert b"kiem phieu so 07" in signed
    tampered = signed.replace(b"kiem phieu so 07", b"kiem phieu so 08", 1)
    report = only(verify_pdf(tampered, pki.trust(), now=pki.now))
    assert report.status == "modified"
    assert "content_changed" in report.reasons


@pytest.mark.parametrize("change", ["page", "content", "annotation"])
def test_incremental_update_after_signing_is_modified(
    pki: Pki, tmp_path: Path, change: str
) -> None:
    edited = incremental(sign(pki, make_pdf()), tmp_path, change)
    report = only(verify_pdf(edited, pki.trust(), now=pki.now))
    assert report.status == "modified"
    assert "changed_after_signing" in report.reasons
    assert report.modification_level == "other"
    assert not report.covers_whole_file


def test_form_field_filled_after_signing_is_modified(pki: Pki) -> None:
    signed = sign(pki, make_pdf(form_field=True))
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/FT") == "/Tx":
            field["/V"] = generic.TextStringObject("Đã sửa sau khi ký")
            writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    report = only(verify_pdf(out.getvalue(), pki.trust(), now=pki.now))
    # pyHanko accepts form filling (FORM_FILLING); the reading copy would show the new value.
    assert report.modification_level == "form_filling"
    assert report.status == "modified"
    assert "form_fields_changed" in report.reasons


def test_second_signature_keeps_the_first_valid_and_both_are_reported(pki: Pki) -> None:
    once = sign(pki, make_pdf())
    twice = sign(pki, once, "signer-ec", field="ChuKy2")
    first, second = verify_pdf(twice, pki.trust(), now=pki.now)
    assert (first.field_name, first.signer) == ("ChuKy1", "Nguyễn Văn An")
    assert (second.field_name, second.signer) == ("ChuKy2", "Hoàng Thị Em")
    assert first.status == "valid"
    assert second.status == "valid"
    # A later signature is an accepted update: the first no longer covers the file.
    assert not first.covers_whole_file
    assert first.modification_level == "form_filling"
    assert second.covers_whole_file


def test_document_changed_between_two_signatures(pki: Pki, tmp_path: Path) -> None:
    edited = incremental(sign(pki, make_pdf()), tmp_path, "content")
    twice = sign(pki, edited, "signer-ec", field="ChuKy2")
    first, second = verify_pdf(twice, pki.trust(), now=pki.now)
    assert first.status == "modified"
    # The second signer signed the document as it then was: that signature is fine.
    assert second.status == "valid"


# --- Broken ----------------------------------------------------------------------------------


def test_tampered_signature_value_is_broken(pki: Pki) -> None:
    signed = sign(pki, make_pdf())
    tampered = flip_hex(signed, signer_info(signed)["signature"].native)
    report = only(verify_pdf(tampered, pki.trust(), now=pki.now))
    assert report.status == "broken"
    assert "signature_invalid" in report.reasons


def test_altered_message_digest_attribute_is_broken(pki: Pki) -> None:
    signed = sign(pki, make_pdf())
    attrs = signer_info(signed)["signed_attrs"]
    digest = next(a for a in attrs if a["type"].native == "message_digest")["values"][0]
    tampered = flip_hex(signed, digest.native)
    report = only(verify_pdf(tampered, pki.trust(), now=pki.now))
    assert report.status == "broken"
    assert "signature_invalid" in report.reasons


def test_unreadable_signature_container_is_broken(pki: Pki) -> None:
    signed = sign(pki, make_pdf())
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    end = signed.index(b">", start)
    garbage = signed[:start] + b"0" * (end - start) + signed[end:]
    report = only(verify_pdf(garbage, pki.trust(), now=pki.now))
    assert report.status == "broken"
    assert report.reasons == ("signature_unreadable",)
    assert report.signer is None


def test_damaged_timestamp_token_is_broken(pki: Pki) -> None:
    signed = sign(pki, make_pdf())
    token = next(
        a
        for a in signer_info(signed)["unsigned_attrs"]
        if a["type"].native == "signature_time_stamp_token"
    )["values"][0]
    tsa_signature = token["content"]["signer_infos"][0]["signature"].native
    report = only(verify_pdf(flip_hex(signed, tsa_signature), pki.trust(), now=pki.now))
    assert report.status == "broken"
    assert "timestamp_invalid" in report.reasons
    assert not report.timestamped


def test_rsa_1024_signer_is_broken_by_circular_15(pki: Pki) -> None:
    report = only(verify_pdf(sign(pki, make_pdf(), "weak"), pki.trust(), now=pki.now))
    assert report.status == "broken"
    assert report.reasons[0] == "weak_key"
    assert report.key == "RSA 1024"


# --- No signature, damaged files ---------------------------------------------------------------


def test_unsigned_pdf_has_no_signatures(pki: Pki) -> None:
    assert verify_pdf(make_pdf(), pki.trust(), now=pki.now) == []


def test_bytes_that_are_not_a_pdf_have_no_signatures(pki: Pki) -> None:
    assert verify_pdf(b"", pki.trust()) == []
    assert verify_pdf(b"%PDF-1.7\n garbage", pki.trust()) == []
    assert verify_pdf(b"\x00" * 4096, pki.trust()) == []


def test_truncated_signed_files_never_raise(pki: Pki) -> None:
    signed = sign(pki, make_pdf())
    for cut in range(0, len(signed), max(1, len(signed) // 40)):
        reports = verify_pdf(signed[:cut], pki.trust(), now=pki.now)
        assert all(isinstance(r, SignatureReport) for r in reports)
        assert all(r.status in PRECEDENCE for r in reports)


def test_every_file_of_the_shared_corpus_goes_through(pki: Pki) -> None:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared PDF corpus is missing: {CORPUS}")
    files = sorted(CORPUS.glob("*.pdf"))
    assert len(files) >= 60
    for path in files:
        reports = verify_pdf(path.read_bytes(), pki.trust(), now=pki.now)
        assert isinstance(reports, list), path.name
        # None of the corpus files is signed (pdf.js test files): a report would be a bug.
        assert reports == [], path.name


def test_signed_corpus_file_is_verified(pki: Pki, tmp_path: Path) -> None:
    # A real-world file from the corpus, signed: the reader copes with its structure.
    source = CORPUS / "tracemonkey.pdf"
    if not source.exists():
        pytest.fail(f"corpus file missing: {source}")
    shutil.copy(source, tmp_path / "t.pdf")
    report = only(
        verify_pdf(sign(pki, (tmp_path / "t.pdf").read_bytes()), pki.trust(), now=pki.now)
    )
    assert report.status == "valid"


def test_the_library_imports_neither_flask_nor_the_database() -> None:
    code = (
        "import sys\n"
        "import server.signatures.verify, server.signatures.sign\n"
        "import server.signatures.trust, server.signatures.messages\n"
        "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules, "
        "sorted(m for m in sys.modules if m.startswith(('flask', 'sqlalchemy')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


# --- The precedence rule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reasons", "status"),
    [
        ([], "valid"),
        (["no_timestamp", "timestamp_untrusted"], "valid"),
        (["revocation_not_checked"], "not_checked"),
        (["revocation_not_checked", "unknown_root"], "untrusted_root"),
        (["unknown_root", "certificate_expired"], "expired"),
        (["certificate_expired", "certificate_revoked"], "revoked"),
        (["certificate_revoked", "changed_after_signing"], "modified"),
        (["content_changed", "weak_key"], "broken"),
        (["signature_invalid", "content_changed", "certificate_revoked"], "broken"),
    ],
)
def test_status_follows_the_precedence(reasons: list[str], status: str) -> None:
    assert status_for(reasons) == status


def test_every_status_is_reachable_from_some_reason() -> None:
    forced = {status for status in REASON_STATUS.values() if status is not None}
    assert forced | {"valid"} == set(PRECEDENCE)


def test_signs_and_verifies_from_a_thread_that_runs_an_event_loop(pki: Pki) -> None:
    """A caller inside a running asyncio loop (a browser-driving test, an async server)
    still gets its answer: asyncio.run alone would refuse."""

    async def inside_a_loop() -> SignatureReport:
        return only(verify_pdf(sign(pki, make_pdf()), pki.trust(), now=pki.now))

    assert asyncio.run(inside_a_loop()).status == "valid"
