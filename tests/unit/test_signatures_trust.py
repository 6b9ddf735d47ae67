"""The trust directory: roots added only when they are CA certificates, named by fingerprint,
listed and removed; TrustStore.from_directory reading roots, CRLs and OCSP answers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asn1crypto import pem

from server.signatures.trust import (
    TrustError,
    TrustStore,
    add_root,
    fingerprint,
    list_roots,
    load_certificate,
    remove_root,
)
from tests.signatures_pki import Pki, running_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    with running_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


def pem_of(pki: Pki, label: str) -> bytes:
    armored: bytes = pem.armor("CERTIFICATE", pki.cert(label).dump())
    return armored


def test_a_root_is_stored_under_its_fingerprint_and_listed(pki: Pki, tmp_path: Path) -> None:
    root = pki.cert("root")
    info = add_root(tmp_path, pem_of(pki, "root"))
    assert info.fingerprint == root.sha256.hex()
    assert info.path == tmp_path / f"{root.sha256.hex()}.pem"
    assert load_certificate(info.path.read_bytes()).sha256 == root.sha256
    (listed,) = list_roots(tmp_path)
    assert listed.fingerprint == info.fingerprint
    assert "CA Gốc Thử Nghiệm" in listed.subject
    assert listed.not_before == datetime(2020, 1, 1, tzinfo=UTC)
    assert listed.not_after == datetime(2100, 1, 1, tzinfo=UTC)
    assert listed.self_signed


def test_der_and_repeated_adds_give_one_root(pki: Pki, tmp_path: Path) -> None:
    add_root(tmp_path, pki.cert("root").dump())
    add_root(tmp_path, pem_of(pki, "root"))
    assert [p.name for p in tmp_path.iterdir()] == [f"{fingerprint(pki.cert('root'))}.pem"]


def test_an_intermediate_ca_can_be_a_root_too(pki: Pki, tmp_path: Path) -> None:
    # Some offices trust one subordinate CA only; it is a CA, so it may anchor trust.
    info = add_root(tmp_path, pem_of(pki, "interm"))
    assert not info.self_signed


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (lambda pki: pem_of(pki, "signer"), "trust_not_ca"),
        (lambda pki: pem_of(pki, "tsa"), "trust_not_ca"),
        (lambda pki: pem_of(pki, "root") + pem_of(pki, "interm"), "trust_several_certificates"),
        (
            lambda pki: pem_of(pki, "root") + (pki.workdir / "keys" / "root.key.pem").read_bytes(),
            "trust_private_key",
        ),
        (
            lambda pki: (
                b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
            ),
            "trust_not_certificate",
        ),
        (lambda pki: b"not a certificate at all", "trust_not_certificate"),
        (lambda pki: pki.cert("root").dump()[:200], "trust_not_certificate"),
    ],
)
def test_anything_but_one_ca_certificate_is_refused(
    pki: Pki, tmp_path: Path, content: Callable[[Pki], bytes], code: str
) -> None:
    with pytest.raises(TrustError) as caught:
        add_root(tmp_path / "trust", content(pki))
    assert caught.value.code == code
    assert not (tmp_path / "trust").exists() or list((tmp_path / "trust").iterdir()) == []


def test_remove_by_fingerprint_in_any_spelling(pki: Pki, tmp_path: Path) -> None:
    info = add_root(tmp_path, pem_of(pki, "root"))
    add_root(tmp_path, pem_of(pki, "other-root"))
    spelled = ":".join(info.fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()
    removed = remove_root(tmp_path, spelled)
    assert removed.fingerprint == info.fingerprint
    assert [r.subject for r in list_roots(tmp_path)] == [
        pki.cert("other-root").subject.human_friendly
    ]
    with pytest.raises(TrustError) as caught:
        remove_root(tmp_path, info.fingerprint)
    assert caught.value.code == "trust_root_unknown"


def test_store_reads_roots_crls_and_ocsp_answers(pki: Pki, tmp_path: Path) -> None:
    add_root(tmp_path, pem_of(pki, "root"))
    # Files dropped in by hand count too, whatever their name.
    (tmp_path / "ca-trung-gian.crt").write_bytes(pki.cert("interm").dump())
    (tmp_path / "crl").mkdir()
    (tmp_path / "crl" / "root.crl").write_bytes(pki.crl("root").dump())
    (tmp_path / "crl" / "interm.pem").write_bytes(pem.armor("X509 CRL", pki.crl("interm").dump()))
    store = TrustStore.from_directory(tmp_path)
    assert {c.sha256 for c in store.roots} == {pki.cert("root").sha256, pki.cert("interm").sha256}
    assert sorted(c.sha256 for c in store.crls) == sorted(
        c.sha256 for c in (pki.crl("root"), pki.crl("interm"))
    )
    assert store.ocsps == ()


def test_store_skips_what_it_cannot_use_and_says_so(
    pki: Pki, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    add_root(tmp_path, pem_of(pki, "root"))
    (tmp_path / "signer.pem").write_bytes(pem_of(pki, "signer"))  # not a CA
    (tmp_path / "README.txt").write_text("not a certificate, not read")
    (tmp_path / "broken.der").write_bytes(b"\x30\x82garbage")
    (tmp_path / "crl").mkdir()
    (tmp_path / "crl" / "broken.crl").write_bytes(b"garbage")
    with caplog.at_level(logging.WARNING, logger="server.signatures.trust"):
        store = TrustStore.from_directory(tmp_path)
    assert [c.sha256 for c in store.roots] == [pki.cert("root").sha256]
    assert store.crls == ()
    skipped = " ".join(record.getMessage() for record in caplog.records)
    assert "signer.pem" in skipped
    assert "broken.der" in skipped
    assert "broken.crl" in skipped


def test_missing_directory_is_an_empty_store(tmp_path: Path) -> None:
    assert TrustStore.from_directory(tmp_path / "none") == TrustStore()
    assert list_roots(tmp_path / "none") == []
