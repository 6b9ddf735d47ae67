"""`flask signatures trust add|list|remove` and `flask signatures verify`, run through Flask's
CLI runner on an app built by create_app (SQLite in a temporary directory)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pymupdf
import pytest
from asn1crypto import pem
from flask import Flask
from flask.testing import FlaskCliRunner

from server.signatures.cli import signatures_cli
from server.signatures.sign import Pkcs12Signer, sign_pdf
from tests.conftest import build_app
from tests.signatures_pki import PASSPHRASE, Pki, running_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with running_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return build_app(
        f"sqlite:///{tmp_path / 'cli.db'}",
        tmp_path / "storage",
        SIGNATURE_TRUST_DIR=str(tmp_path / "trust"),
    )


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def run(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(signatures_cli, list(args))
    return result.exit_code, result.output


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def signed_pdf(pki: Pki, label: str = "signer") -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Nghi quyet ve du toan ngan sach")
    return sign_pdf(
        doc.tobytes(),
        Pkcs12Signer(pki.pkcs12(label), PASSPHRASE),
        appearance=None,
        timestamp_url=pki.tsa_url,
        field_name="ChuKy",
        embed_revocation=False,
    )


def install(runner: FlaskCliRunner, pki: Pki, tmp_path: Path, *, crls: bool) -> Path:
    """The test root installed through the command, and the CRLs copied where an operator
    puts them."""
    code, _ = run(
        runner,
        "trust",
        "add",
        write(tmp_path, "root.pem", pem.armor("CERTIFICATE", pki.cert("root").dump())),
    )
    assert code == 0
    trust = tmp_path / "trust"
    if crls:
        (trust / "crl").mkdir()
        (trust / "crl" / "root.crl").write_bytes(pki.crl("root").dump())
        (trust / "crl" / "interm.crl").write_bytes(pki.crl("interm").dump())
    return trust


# --- trust ------------------------------------------------------------------------------------


def test_trust_add_list_remove(runner: FlaskCliRunner, pki: Pki, tmp_path: Path) -> None:
    root = pki.cert("root")
    code, out = run(runner, "trust", "add", write(tmp_path, "goc.cer", root.dump()))
    assert code == 0
    assert "Đã cài chứng thư gốc: " in out
    assert root.sha256.hex() in out
    assert (tmp_path / "trust" / f"{root.sha256.hex()}.pem").is_file()

    code, out = run(runner, "trust", "list")
    assert code == 0
    assert "CA Gốc Thử Nghiệm" in out
    assert f"Dấu vân tay SHA-256: {root.sha256.hex()}" in out
    # Validity in Vietnam time, ISO 8601.
    assert "Hiệu lực: 2020-01-01T07:00:00+07:00 đến 2100-01-01T07:00:00+07:00" in out

    code, out = run(runner, "trust", "remove", root.sha256.hex())
    assert code == 0
    assert "Đã gỡ chứng thư gốc" in out
    code, out = run(runner, "trust", "list", "--lang", "en")
    assert out.strip() == "No root is installed."


def test_trust_add_refuses_a_certificate_that_is_not_a_ca(
    runner: FlaskCliRunner, pki: Pki, tmp_path: Path
) -> None:
    path = write(tmp_path, "nguoi-ky.pem", pem.armor("CERTIFICATE", pki.cert("signer").dump()))
    code, out = run(runner, "trust", "add", path)
    assert code == 1
    assert "không phải của tổ chức chứng thực" in out
    assert "Nguyễn Văn An" in out
    code, out = run(runner, "trust", "add", path, "--lang", "en")
    assert code == 1
    assert "is not a certification authority's" in out
    assert not (tmp_path / "trust").exists() or not list((tmp_path / "trust").iterdir())


def test_trust_add_refuses_a_private_key(runner: FlaskCliRunner, pki: Pki, tmp_path: Path) -> None:
    key = (pki.workdir / "keys" / "root.key.pem").read_bytes()
    code, out = run(runner, "trust", "add", write(tmp_path, "khoa.pem", key))
    assert code == 1
    assert "khóa bí mật" in out


def test_trust_remove_of_an_unknown_fingerprint_fails(runner: FlaskCliRunner) -> None:
    code, out = run(runner, "trust", "remove", "ab" * 32)
    assert code == 1
    assert "Không có chứng thư gốc nào có dấu vân tay" in out


def test_default_trust_directory_is_in_the_instance(pki: Pki, tmp_path: Path) -> None:
    app = build_app(f"sqlite:///{tmp_path / 'cli.db'}", tmp_path / "storage")
    app.instance_path = str(tmp_path / "instance")
    root = write(tmp_path, "root.der", pki.cert("root").dump())
    result = app.test_cli_runner().invoke(signatures_cli, ["trust", "add", root])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "trust" / f"{pki.cert('root').sha256.hex()}.pem").is_file()


# --- verify -----------------------------------------------------------------------------------


def test_verify_says_signed_in_vietnamese_and_english(
    runner: FlaskCliRunner, pki: Pki, tmp_path: Path
) -> None:
    install(runner, pki, tmp_path, crls=True)
    path = write(tmp_path, "nghi-quyet.pdf", signed_pdf(pki))
    code, out = run(runner, "verify", path)
    assert code == 0, out
    assert "Chữ ký 1: Đã ký số" in out
    assert "Người ký: Nguyễn Văn An" in out
    assert "Cơ quan, tổ chức: Văn phòng HĐND tỉnh Đắk Lắk" in out
    assert "Dấu thời gian: có, của tổ chức được tin cậy" in out
    assert "Định dạng PAdES: B-T" in out
    code, out = run(runner, "verify", path, "--lang", "en")
    assert code == 0
    assert "Signature 1: Digitally signed" in out
    assert "Signer: Nguyễn Văn An" in out


def test_verify_prints_the_signing_time_in_vietnam_time(
    runner: FlaskCliRunner, pki: Pki, tmp_path: Path
) -> None:
    install(runner, pki, tmp_path, crls=True)
    code, out = run(runner, "verify", write(tmp_path, "a.pdf", signed_pdf(pki)))
    assert code == 0
    # The trusted timestamp's time (certomancer answers at midnight UTC), at UTC+7.
    vietnam = pki.moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert vietnam.isoformat().endswith("T07:00:00+07:00")
    assert f"Thời điểm ký: {vietnam.isoformat()}" in out


def test_verify_without_crls_says_not_checked(
    runner: FlaskCliRunner, pki: Pki, tmp_path: Path
) -> None:
    install(runner, pki, tmp_path, crls=False)
    code, out = run(runner, "verify", write(tmp_path, "a.pdf", signed_pdf(pki)))
    assert code == 1
    assert "Chữ ký 1: Chưa kiểm tra được tình trạng thu hồi chứng thư số" in out
    assert "Chưa có danh sách thu hồi (CRL)" in out


def test_verify_without_the_root_says_unknown_authority(
    runner: FlaskCliRunner, pki: Pki, tmp_path: Path
) -> None:
    code, out = run(runner, "verify", write(tmp_path, "a.pdf", signed_pdf(pki)))
    assert code == 1
    assert "Chữ ký 1: Không xác định được tổ chức chứng thực gốc" in out
    code, out = run(runner, "verify", write(tmp_path, "a.pdf", signed_pdf(pki)), "--lang", "en")
    assert "Signature 1: Certification authority not recognised" in out


def test_verify_a_revoked_signer(runner: FlaskCliRunner, pki: Pki, tmp_path: Path) -> None:
    install(runner, pki, tmp_path, crls=True)
    code, out = run(runner, "verify", write(tmp_path, "a.pdf", signed_pdf(pki, "revoked")))
    assert code == 1
    assert "Chữ ký 1: Chứng thư số đã bị thu hồi" in out


def test_verify_an_unsigned_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page()
    code, out = run(runner, "verify", write(tmp_path, "a.pdf", doc.tobytes()))
    assert code == 1
    assert out.strip() == "Tệp không có chữ ký số."


def test_verify_a_missing_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    code, out = run(runner, "verify", str(tmp_path / "khong-co.pdf"), "--lang", "en")
    assert code == 1
    assert "Cannot read the file" in out
