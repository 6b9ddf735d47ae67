"""Trust roots, CRLs and OCSP responses that signatures are verified against. Pure: no Flask.

The administrator installs the roots (PEM or DER files of CA certificates); none is bundled.
A trust directory holds:

    <dir>/<sha256>.pem    one root per file, named by its SHA-256 fingerprint
    <dir>/crl/*           CRLs (PEM or DER), e.g. downloaded from the CAs' distribution points
    <dir>/ocsp/*          OCSP responses (DER), e.g. fetched by an operator's script

Files dropped into the directory by hand under other names (`*.pem`, `*.crt`, `*.cer`,
`*.der`) count too; `add_root` is the checked way in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import crl, ocsp, pem, x509

logger = logging.getLogger(__name__)

ROOT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
CRL_DIR = "crl"
OCSP_DIR = "ocsp"


class TrustError(ValueError):
    """A file refused as a trust root, or a root that is not there.

    `code` names the message in server/signatures/messages.py, `params` fill it in.
    """

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class TrustStore:
    """What a signature's certificates are checked against: roots, CRLs, OCSP responses."""

    roots: tuple[x509.Certificate, ...] = ()
    crls: tuple[crl.CertificateList, ...] = ()
    ocsps: tuple[ocsp.OCSPResponse, ...] = ()

    @classmethod
    def from_directory(cls, path: Path) -> TrustStore:
        """Read a trust directory. Files that are not CA certificates, CRLs or OCSP responses
        are skipped with a warning: a stray file must not stop every document's check."""
        roots: dict[bytes, x509.Certificate] = {}
        for file in _root_files(path):
            try:
                cert = _ca_certificate(file.read_bytes())
            except (OSError, TrustError) as exc:
                logger.warning("trust root %s skipped: %s", file, exc)
                continue
            roots.setdefault(cert.sha256, cert)
        crls = [
            item
            for file in _files(path / CRL_DIR)
            for item in _load_revocation(file, "X509 CRL", crl.CertificateList)
        ]
        ocsps = [
            item
            for file in _files(path / OCSP_DIR)
            for item in _load_revocation(file, "OCSP RESPONSE", ocsp.OCSPResponse)
        ]
        return cls(roots=tuple(roots.values()), crls=tuple(crls), ocsps=tuple(ocsps))


@dataclass(frozen=True)
class RootInfo:
    """An installed root as the administrator sees it."""

    fingerprint: str
    subject: str
    not_before: datetime
    not_after: datetime
    self_signed: bool
    path: Path = field(compare=False)


def fingerprint(cert: x509.Certificate) -> str:
    """The SHA-256 fingerprint of a certificate, lower-case hex without separators."""
    value: str = cert.sha256.hex()
    return value


def root_info(cert: x509.Certificate, path: Path) -> RootInfo:
    return RootInfo(
        fingerprint=fingerprint(cert),
        subject=cert.subject.human_friendly,
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
        self_signed=cert.self_signed == "maybe" or cert.self_signed == "yes",
        path=path,
    )


def add_root(directory: Path, data: bytes) -> RootInfo:
    """Install one CA certificate (PEM or DER) as a trust root, named by its fingerprint.

    Refuses anything else with a TrustError: a private key, several certificates in one
    file, a certificate that is not a CA. Installing the same root again changes nothing.
    """
    cert = _ca_certificate(data)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{fingerprint(cert)}.pem"
    # Written to a temporary name and renamed, so a verification reading the directory
    # meanwhile never sees half a file.
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    tmp.replace(path)
    return root_info(cert, path)


def list_roots(directory: Path) -> list[RootInfo]:
    """The installed roots, by subject; unreadable files are left out (and logged)."""
    found: dict[str, RootInfo] = {}
    for file in _root_files(directory):
        try:
            cert = _ca_certificate(file.read_bytes())
        except (OSError, TrustError) as exc:
            logger.warning("trust root %s skipped: %s", file, exc)
            continue
        found.setdefault(fingerprint(cert), root_info(cert, file))
    return sorted(found.values(), key=lambda info: (info.subject, info.fingerprint))


def remove_root(directory: Path, wanted: str) -> RootInfo:
    """Remove the root with this SHA-256 fingerprint (hex; colons, spaces and case ignored)."""
    normalised = "".join(ch for ch in wanted.lower() if ch not in ": ")
    removed: RootInfo | None = None
    for file in _root_files(directory):
        try:
            cert = _ca_certificate(file.read_bytes())
        except (OSError, TrustError):
            continue
        if fingerprint(cert) == normalised:
            file.unlink()
            removed = root_info(cert, file)
    if removed is None:
        raise TrustError("trust_root_unknown", fingerprint=wanted)
    return removed


def load_certificate(data: bytes) -> x509.Certificate:
    """Exactly one X.509 certificate from PEM or DER bytes, or a TrustError."""
    if pem.detect(data):
        try:
            blocks = list(pem.unarmor(data, multiple=True))
        except ValueError as exc:
            raise TrustError("trust_not_certificate", error=str(exc)) from exc
        if any("PRIVATE KEY" in kind for kind, _headers, _der in blocks):
            raise TrustError("trust_private_key")
        certs = [
            der for kind, _headers, der in blocks if kind in ("CERTIFICATE", "X509 CERTIFICATE")
        ]
        if len(certs) > 1:
            raise TrustError("trust_several_certificates", count=str(len(certs)))
        if not certs:
            raise TrustError("trust_not_certificate", error="no CERTIFICATE block")
        data = certs[0]
    try:
        cert = x509.Certificate.load(data)
        # asn1crypto parses lazily: touch the fields used later so a damaged file fails here.
        cert.subject.human_friendly  # noqa: B018
        cert.public_key.algorithm  # noqa: B018
        cert.not_valid_after  # noqa: B018
    except (ValueError, TypeError, KeyError) as exc:
        raise TrustError("trust_not_certificate", error=str(exc)) from exc
    return cert


def _ca_certificate(data: bytes) -> x509.Certificate:
    cert = load_certificate(data)
    if not cert.ca:
        raise TrustError("trust_not_ca", subject=cert.subject.human_friendly)
    usage = cert.key_usage_value
    if usage is not None and "key_cert_sign" not in usage.native:
        raise TrustError("trust_not_ca", subject=cert.subject.human_friendly)
    return cert


def _files(directory: Path) -> Iterator[Path]:
    if not directory.is_dir():
        return
    for path in sorted(directory.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            yield path


def _root_files(directory: Path) -> Iterator[Path]:
    for path in _files(directory):
        if path.suffix.lower() in ROOT_SUFFIXES:
            yield path


def _load_revocation(file: Path, pem_kind: str, kind: Any) -> list[Any]:
    """The CRLs or OCSP responses in one file (PEM blocks of `pem_kind`, or one DER value)."""
    try:
        data = file.read_bytes()
        if pem.detect(data):
            ders = [der for found, _h, der in pem.unarmor(data, multiple=True) if found == pem_kind]
        else:
            ders = [data]
        items = [kind.load(der) for der in ders]
        for item in items:
            # Parse the header now so a damaged file is skipped here rather than met during a
            # verification; the entries of a large CRL are left for the validator to read.
            if kind is crl.CertificateList:
                item["tbs_cert_list"]["this_update"].native  # noqa: B018
            else:
                item["response_status"].native  # noqa: B018
        return items
    except (OSError, ValueError, TypeError, KeyError) as exc:
        logger.warning("revocation file %s skipped: %s", file, exc)
        return []
