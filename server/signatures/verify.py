"""Verification of the digital signatures (ký số) in a PDF. Pure: no Flask, no database.

`verify_pdf(data, trust, now=...)` reads the ORIGINAL bytes of a document (before any
sanitising, which would break every signature) and answers one `SignatureReport` per
signature, in the order they were applied. pyHanko and pyhanko-certvalidator do every
cryptographic and ASN.1 step; this module decides what a delegate is told.

Status precedence
-----------------

Each finding is a reason code (`REASON_STATUS`) that points at a status; a report's status is
the first of these that any of its reasons points at:

    broken > modified > revoked > expired > untrusted_root > not_checked > valid

- **broken**: the signature itself cannot be relied on: its dictionary or CMS cannot be read,
  its format is unsupported, the signature value does not verify with the certificate
  (a forged or damaged CMS, including an altered messageDigest), the signer's key is too short
  under Circular 15/2025/TT-BKHCN (RSA < 2048 bits, ECDSA < 256 bits), an algorithm is one
  pyhanko-certvalidator refuses (MD5, SHA-1, short RSA in the chain), or the signature's
  timestamp token is damaged. Nothing else about such a signature means anything.
- **modified**: the signature verifies, but what the file now shows is not what was signed:
  the signed bytes were altered (digest mismatch), the byte range leaves gaps, or later
  incremental updates go beyond what pyHanko's difference analysis accepts
  (`ModificationLevel.OTHER`: added pages, annotations, changed content), or they fill or edit
  form fields other than signature fields, or they break the signer's own DocMDP lock.
  Accepted later updates: none (`NONE`), signature maintenance (`LTA_UPDATES`: DSS, document
  timestamps) and further signatures (`FORM_FILLING` where every changed field is a signature
  field). Filling other form fields is refused even though PDF allows it, because the
  reading copy bakes field values into the page: a delegate would read words the signer
  never saw. pyHanko's default policy treats added annotations as `OTHER` already.
- **revoked**: trusted revocation data (a CRL or OCSP answer, from the trust store or the
  document itself) says the signer's certificate, or a CA certificate above it, was revoked
  before the validation time. Only a trusted path can be revoked: an unknown CA's CRL proves
  nothing.
- **expired**: the signer's certificate, or an intermediate CA's, was outside its validity
  period at the validation time. Checked even when the root is unknown, since it needs no
  trust. RFC 5280 validators stop at the first failure and CAs drop expired certificates
  from their CRLs, so a certificate already expired at the validation time is reported
  expired, not revoked.
- **untrusted_root**: no path from the signer's certificate to a root of the trust store
  (`unknown_root`), or the path is unacceptable otherwise (`certificate_path_invalid`: key
  usage, name constraints, path length).
- **not_checked**: everything above checks out, but the revocation status of the signer's
  certificate or of an intermediate CA's could not be established: no CRL or OCSP answer for
  that issuer in the trust store or the document, or only stale ones. The issue's rule is
  "offline: say not checked, never valid", so the policy requires revocation data for every
  certificate of the path except the root (the root is trusted by installation). The
  timestamp authority's revocation is checked when data is at hand but not required: the
  timestamp only fixes the time.
- **valid**: all of it checks out.

Validation time: the time of a trusted signature timestamp (RFC 3161) when there is one, so
a certificate that expired after a timestamped signing still gives `valid`; otherwise `now`,
since the signing time written by the signer's own computer proves nothing (reason
`no_timestamp`). Revocation data issued after that time counts (certvalidator's
`retroactive_revinfo`): a CRL published later still says whether the certificate was revoked
before it. Without a timestamp, a certificate revoked after signing reads `revoked`: nothing
proves the signature came first.

Reading: documents are read leniently (pyHanko `strict=False`), since office exports often
carry hybrid cross-reference tables that strict mode refuses outright; pyHanko's difference
analysis still examines every incremental update. Damaged input never raises: a file that
cannot be parsed gives [] and a signature that cannot be read gives a `broken` report.
Document timestamps (/DocTimeStamp) are not reported as signatures; they count towards the
PAdES level (B-T, B-LTA) of the signatures before them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import Any, Literal

from asn1crypto import crl, ocsp, x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.general import (
    MultivaluedAttributeError,
    NonexistentAttributeError,
    find_unique_cms_attribute,
)
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import collect_timing_info
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import (
    PdfSignatureStatus,
    SignatureCoverageLevel,
    TimestampSignatureStatus,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import RevokedError, ValidationError
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.policy_decl import (
    NO_REVOCATION,
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
)
from pyhanko_certvalidator.validate import async_validate_path

from server.concurrency import run_async
from server.signatures.trust import TrustStore

logger = logging.getLogger(__name__)

Status = Literal[
    "valid", "untrusted_root", "modified", "expired", "revoked", "broken", "not_checked"
]
PadesLevel = Literal["B-B", "B-T", "B-LT", "B-LTA"]
Revocation = Literal["good", "revoked", "not_checked"]

#: The statuses, most serious first: a report takes the first one any of its reasons names.
PRECEDENCE: tuple[Status, ...] = (
    "broken",
    "modified",
    "revoked",
    "expired",
    "untrusted_root",
    "not_checked",
    "valid",
)

#: Every reason code and the status it forces; None marks a reason that only informs.
REASON_STATUS: dict[str, Status | None] = {
    "signature_unreadable": "broken",
    "unsupported_signature": "broken",
    "signature_invalid": "broken",
    "weak_key": "broken",
    "weak_algorithm": "broken",
    "timestamp_invalid": "broken",
    "content_changed": "modified",
    "coverage_unclear": "modified",
    "changed_after_signing": "modified",
    "form_fields_changed": "modified",
    "changes_not_permitted": "modified",
    "certificate_revoked": "revoked",
    "ca_certificate_revoked": "revoked",
    "certificate_expired": "expired",
    "certificate_not_yet_valid": "expired",
    "ca_certificate_expired": "expired",
    "unknown_root": "untrusted_root",
    "certificate_path_invalid": "untrusted_root",
    "revocation_not_checked": "not_checked",
    "timestamp_untrusted": None,
    "no_timestamp": None,
}

#: Circular 15/2025/TT-BKHCN: the shortest keys accepted, in bits.
MIN_KEY_BITS = {"rsa": 2048, "ec": 256}

#: Key usages a signer's certificate may carry to sign documents (either will do: many
#: Vietnamese CAs set only digitalSignature, the PAdES profile prefers nonRepudiation).
SIGNER_KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"})

#: The first pass (pyHanko's validation) leaves revocation aside: certvalidator's
#: "soft-fail" mode still fails a path when a CRL at hand is merely out of date, which would
#: turn a stale CRL file into "untrusted". The verdict on revocation is taken by a second,
#: strict pass over the path the first one built (`_revocation`).
WITHOUT_REVOCATION = CertRevTrustPolicy(NO_REVOCATION, retroactive_revinfo=True)
REQUIRED_REVOCATION = CertRevTrustPolicy(REQUIRE_REVINFO, retroactive_revinfo=True)

#: The /SubFilter names of PAdES signatures, and of every signature kind pyHanko validates.
PADES_SUBFILTERS = frozenset(f.value for f in (SigSeedSubFilter.PADES, SigSeedSubFilter.PBAD_PADES))
SIGNATURE_SUBFILTERS = PADES_SUBFILTERS | {SigSeedSubFilter.ADOBE_PKCS7_DETACHED.value}


@dataclass(frozen=True)
class SignatureReport:
    """What is known about one signature of a document."""

    field_name: str
    #: One of PRECEDENCE; see the module docstring for the rule.
    status: Status
    #: Machine codes (REASON_STATUS), most serious first; words in messages.py.
    reasons: tuple[str, ...]
    #: The signer certificate's subject common name (CN) and organisation (O).
    signer: str | None = None
    organisation: str | None = None
    #: The certificate's serial number, upper-case hex.
    serial: str | None = None
    #: The trusted timestamp's time when there is one, else the time the signer claimed.
    signed_at: datetime | None = None
    signing_time_claimed: datetime | None = None
    #: A signature timestamp token is present (and intact); and whether its authority
    #: chains to a trusted root.
    timestamped: bool = False
    timestamp_trusted: bool = False
    timestamp_time: datetime | None = None
    timestamp_authority: str | None = None
    pades_level: PadesLevel | None = None
    #: pyHanko's ModificationLevel of the updates after this signature, lower-case
    #: ("none", "lta_updates", "form_filling", "annotations", "other"); None if unknown.
    modification_level: str | None = None
    covers_whole_file: bool = False
    #: Subject of the trust root the certificate chains to, when it does.
    trusted_root: str | None = None
    revocation: Revocation = "not_checked"
    #: e.g. "RSA 2048", "EC 256".
    key: str | None = None
    digest_algorithm: str | None = None
    #: The time the certificates were checked at (see "Validation time").
    validated_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The report as JSON values, times in ISO 8601."""
        return {
            "status": self.status,
            "signer": self.signer,
            "organisation": self.organisation,
            "signed_at": _iso(self.signed_at),
            "timestamped": self.timestamped,
            "field_name": self.field_name,
            "serial": self.serial,
            "signing_time_claimed": _iso(self.signing_time_claimed),
            "timestamp_trusted": self.timestamp_trusted,
            "timestamp_time": _iso(self.timestamp_time),
            "timestamp_authority": self.timestamp_authority,
            "pades_level": self.pades_level,
            "modification_level": self.modification_level,
            "covers_whole_file": self.covers_whole_file,
            "trusted_root": self.trusted_root,
            "revocation": self.revocation,
            "key": self.key,
            "digest_algorithm": self.digest_algorithm,
            "validated_at": _iso(self.validated_at),
            "reasons": list(self.reasons),
        }


def status_for(reasons: Sequence[str]) -> Status:
    """The status a set of reasons gives, by PRECEDENCE."""
    forced = {REASON_STATUS[reason] for reason in reasons}
    return next(status for status in PRECEDENCE if status in forced or status == "valid")


def verify_pdf(
    data: bytes, trust: TrustStore, *, now: datetime | None = None
) -> list[SignatureReport]:
    """One report per signature of the PDF, in signing order; [] when there is none or the
    file cannot be parsed. Never raises for damaged input. Call it from synchronous code (it
    runs pyHanko's coroutines on an event loop of its own)."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    reader = _open(data)
    if reader is None:
        return []
    try:
        fields = [(name, field) for name, _value, field in enumerate_sig_fields(reader, True)]
    except Exception as exc:  # damaged form trees raise anything from KeyError to RecursionError
        logger.info("signature fields unreadable: %s", exc)
        return []
    if not fields:
        return []
    document = _document_data(reader)
    return run_async(_verify_fields(reader, fields, trust, document, moment))


# --- Reading the document -----------------------------------------------------------------


@dataclass(frozen=True)
class _DocumentData:
    """Validation material the document carries for all its signatures (its DSS)."""

    certs: tuple[x509.Certificate, ...] = ()
    crls: tuple[crl.CertificateList, ...] = ()
    ocsps: tuple[ocsp.OCSPResponse, ...] = ()
    #: The revisions that document timestamps (/DocTimeStamp) sign.
    timestamp_revisions: tuple[int, ...] = ()
    #: Every filled signature field's name (further signatures are accepted updates).
    signature_fields: frozenset[str] = field(default_factory=frozenset)


def _open(data: bytes) -> PdfFileReader | None:
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        # Only a file that opens without a password can be read by a delegate anyway.
        if reader.encrypted and reader.decrypt(b"").status == AuthStatus.FAILED:
            return None
        reader.root  # noqa: B018  (a file without a readable catalogue has no signatures)
    except Exception as exc:  # any parse failure means "no signature found"
        logger.info("PDF unreadable for signatures: %s", exc)
        return None
    return reader


def _document_data(reader: PdfFileReader) -> _DocumentData:
    certs: list[x509.Certificate] = []
    crls: list[crl.CertificateList] = []
    ocsps: list[ocsp.OCSPResponse] = []
    try:
        dss = reader.root.get("/DSS")
        if dss is not None:
            dss = dss.get_object()
            certs = [
                _load(x509.Certificate, ref, DecodePurpose.CERTIFICATE)
                for ref in _refs(dss, "/Certs")
            ]
            crls = [
                _load(crl.CertificateList, ref, DecodePurpose.CRL) for ref in _refs(dss, "/CRLs")
            ]
            ocsps = [
                _load(ocsp.OCSPResponse, ref, DecodePurpose.OCSP_RESPONSE)
                for ref in _refs(dss, "/OCSPs")
            ]
    except Exception as exc:  # a damaged DSS only means less validation data
        logger.info("DSS unreadable: %s", exc)
        certs, crls, ocsps = [], [], []
    timestamps: list[int] = []
    names: set[str] = set()
    for name, value, sig_field in enumerate_sig_fields(reader, True):
        names.add(name)
        try:
            if value.get_object().get("/Type") == "/DocTimeStamp":
                timestamps.append(EmbeddedPdfSignature(reader, sig_field, name).signed_revision)
        except Exception as exc:  # an unreadable timestamp only lowers the PAdES level
            logger.info("document timestamp %s unreadable: %s", name, exc)
    return _DocumentData(
        certs=tuple(certs),
        crls=tuple(crls),
        ocsps=tuple(ocsps),
        timestamp_revisions=tuple(timestamps),
        signature_fields=frozenset(names),
    )


def _refs(dss: generic.DictionaryObject, key: str) -> list[Any]:
    value = dss.get(key)
    return list(value.get_object()) if value is not None else []


def _load(kind: Any, ref: Any, purpose: DecodePurpose) -> Any:
    stream: generic.StreamObject = ref.get_object()
    return kind.load(stream.read_data(purpose))


# --- One signature ------------------------------------------------------------------------


async def _verify_fields(
    reader: PdfFileReader,
    fields: list[tuple[str, Any]],
    trust: TrustStore,
    document: _DocumentData,
    moment: datetime,
) -> list[SignatureReport]:
    reports: list[tuple[int, SignatureReport]] = []
    for position, (name, sig_field) in enumerate(fields):
        try:
            found = await _verify_field(reader, name, sig_field, trust, document, moment)
        except Exception as exc:  # pyHanko and asn1crypto raise many kinds on damaged data
            logger.info("signature %s unreadable: %s", name, exc)
            found = (10**9 + position, _unreadable(name, moment))
        if found is not None:
            reports.append(found)
    reports.sort(key=lambda item: item[0])
    return [report for _revision, report in reports]


def _unreadable(
    name: str, moment: datetime, reason: str = "signature_unreadable"
) -> SignatureReport:
    return SignatureReport(
        field_name=name, status=status_for([reason]), reasons=(reason,), validated_at=moment
    )


async def _verify_field(
    reader: PdfFileReader,
    name: str,
    sig_field: Any,
    trust: TrustStore,
    document: _DocumentData,
    now: datetime,
) -> tuple[int, SignatureReport] | None:
    """(the revision it signs, its report), or None for a document timestamp."""
    sig_obj = sig_field.get_object()["/V"].get_object()
    if sig_obj.get("/Type") == "/DocTimeStamp":
        return None
    subfilter = sig_obj.get("/SubFilter")
    if subfilter not in SIGNATURE_SUBFILTERS:
        return 10**9, _unreadable(name, now, "unsupported_signature")
    emb = EmbeddedPdfSignature(reader, sig_field, name)
    cert: x509.Certificate = emb.signer_cert
    reasons: list[str] = []
    key = _key_description(cert)
    if _weak_key(cert):
        reasons.append("weak_key")

    # Validation material: the trust store's and what the document and this signature carry.
    own_crls, own_ocsps = _adobe_revinfo(emb)
    doc_crls = [*document.crls, *own_crls]
    doc_ocsps = [*document.ocsps, *own_ocsps]
    all_crls = [*trust.crls, *doc_crls]
    all_ocsps = [*trust.ocsps, *doc_ocsps]
    others = [*document.certs, *emb.other_embedded_certs]

    def context(
        at: datetime, policy: CertRevTrustPolicy, crls: list[Any], ocsps: list[Any]
    ) -> ValidationContext:
        return ValidationContext(
            trust_roots=list(trust.roots),
            other_certs=others,
            crls=crls,
            ocsps=ocsps,
            moment=at,
            revinfo_policy=policy,
        )

    # The timestamp first: a trusted one fixes the time the signer's certificate is judged at.
    ts_context = context(now, WITHOUT_REVOCATION, all_crls, all_ocsps)
    timing = await collect_timing_info(emb.signer_info, ts_context, raw_digest=emb.compute_digest)
    ts: TimestampSignatureStatus | None = timing.get("timestamp_validity")
    ts_intact = ts is not None and ts.intact and ts.valid
    ts_trusted = ts is not None and ts_intact and ts.trusted
    if ts is not None and ts_trusted and ts.validation_path is not None:
        # The authority's revocation is not required (the timestamp only fixes a time), but a
        # timestamp authority known to be revoked vouches for nothing.
        try:
            await async_validate_path(
                context(now, REQUIRED_REVOCATION, all_crls, all_ocsps), ts.validation_path
            )
        except RevokedError:
            ts_trusted = False
        except ValidationError as exc:
            logger.info("timestamp authority's revocation not established: %s", exc)
    moment = ts.timestamp if ts is not None and ts_trusted else now

    try:
        status = await async_validate_pdf_signature(
            emb,
            signer_validation_context=context(moment, WITHOUT_REVOCATION, all_crls, all_ocsps),
            ts_validation_context=ts_context,
            key_usage_settings=SIGNER_KEY_USAGE,
        )
    except SignatureValidationError as exc:
        logger.info("signature %s invalid: %s", name, exc)
        return emb.signed_revision, _report(
            name, [*reasons, "signature_invalid"], cert, key=key, validated_at=moment
        )

    if ts is None:
        reasons.append("no_timestamp")
    elif not ts_intact:
        reasons.append("timestamp_invalid")
    elif not ts_trusted:
        reasons.append("timestamp_untrusted")

    if not status.valid:
        reasons.append("signature_invalid")
    elif not status.intact:
        reasons.append("content_changed")
    reasons.extend(_modification_reasons(status, document))

    path: ValidationPath | None = status.validation_path
    reasons.extend(_validity_reasons(cert, path, moment))
    reasons.extend(_trust_reasons(status, reasons))

    revocation: Revocation = "not_checked"
    embedded_revinfo = False
    if status.trusted and path is not None:
        revocation, embedded_revinfo, reason = await _revocation(
            path,
            document_only=context(moment, REQUIRED_REVOCATION, doc_crls, doc_ocsps),
            everything=context(moment, REQUIRED_REVOCATION, all_crls, all_ocsps),
        )
        if reason is not None:
            reasons.append(reason)
    elif status.revocation_details is not None:
        revocation = "revoked"

    level = _pades_level(subfilter, ts_intact, embedded_revinfo, emb.signed_revision, document)
    return emb.signed_revision, _report(
        name,
        reasons,
        cert,
        key=key,
        validated_at=moment,
        signing_time_claimed=status.signer_reported_dt,
        timestamp=ts if ts_intact else None,
        timestamp_trusted=ts_trusted,
        pades_level=level,
        modification_level=(
            status.modification_level.name.lower() if status.modification_level else None
        ),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted_root=_anchor_name(path) if status.trusted else None,
        revocation=revocation,
        digest_algorithm=status.md_algorithm,
    )


def _report(
    name: str,
    reasons: list[str],
    cert: x509.Certificate,
    *,
    key: str | None,
    validated_at: datetime,
    signing_time_claimed: datetime | None = None,
    timestamp: TimestampSignatureStatus | None = None,
    timestamp_trusted: bool = False,
    pades_level: PadesLevel | None = None,
    modification_level: str | None = None,
    covers_whole_file: bool = False,
    trusted_root: str | None = None,
    revocation: Revocation = "not_checked",
    digest_algorithm: str | None = None,
) -> SignatureReport:
    unique = list(dict.fromkeys(reasons))
    order = {status: i for i, status in enumerate(PRECEDENCE)}
    unique.sort(key=lambda r: order.get(REASON_STATUS[r] or "valid", len(order)))
    ts_time = timestamp.timestamp if timestamp is not None else None
    return SignatureReport(
        field_name=name,
        status=status_for(unique),
        reasons=tuple(unique),
        signer=_name_part(cert, "common_name"),
        organisation=_name_part(cert, "organization_name"),
        serial=f"{cert.serial_number:X}",
        signed_at=ts_time if timestamp_trusted else signing_time_claimed,
        signing_time_claimed=signing_time_claimed,
        timestamped=timestamp is not None,
        timestamp_trusted=timestamp_trusted,
        timestamp_time=ts_time,
        timestamp_authority=(
            _name_part(timestamp.signing_cert, "common_name") if timestamp is not None else None
        ),
        pades_level=pades_level,
        modification_level=modification_level,
        covers_whole_file=covers_whole_file,
        trusted_root=trusted_root,
        revocation=revocation,
        key=key,
        digest_algorithm=digest_algorithm,
        validated_at=validated_at,
    )


# --- The checks -----------------------------------------------------------------------------


def _modification_reasons(status: PdfSignatureStatus, document: _DocumentData) -> list[str]:
    coverage = status.coverage
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return ["coverage_unclear"]
    reasons: list[str] = []
    level = status.modification_level
    diff = status.diff_result
    if level is None or level >= ModificationLevel.ANNOTATIONS:
        reasons.append("changed_after_signing")
    elif (
        level == ModificationLevel.FORM_FILLING
        and isinstance(diff, DiffResult)
        and set(diff.changed_form_fields) - document.signature_fields
    ):
        reasons.append("form_fields_changed")
    if status.docmdp_ok is False and not reasons:
        reasons.append("changes_not_permitted")
    return reasons


def _validity_reasons(
    cert: x509.Certificate, path: ValidationPath | None, moment: datetime
) -> list[str]:
    """Expiry of the signer's certificate, and of the CAs of its path when one was built."""
    reasons: list[str] = []
    if moment > cert.not_valid_after:
        reasons.append("certificate_expired")
    elif moment < cert.not_valid_before:
        reasons.append("certificate_not_yet_valid")
    if path is not None:
        for ca in path.iter_certs(include_root=False):
            if ca.sha256 != cert.sha256 and not ca.not_valid_before <= moment <= ca.not_valid_after:
                reasons.append("ca_certificate_expired")
    return reasons


def _trust_reasons(status: PdfSignatureStatus, found: list[str]) -> list[str]:
    """pyHanko's trust verdict as reasons, where the checks above did not explain it."""
    if status.trusted or not status.valid:
        return []
    details = status.revocation_details
    if details is not None:
        return ["ca_certificate_revoked" if details.ca_revoked else "certificate_revoked"]
    indic = status.trust_problem_indic
    if indic in (
        AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE,
        AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
    ):
        return [] if "weak_key" in found else ["weak_algorithm"]
    if indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return ["unknown_root"]
    if any(REASON_STATUS[r] == "expired" for r in found):
        return []
    if indic == AdESIndeterminate.OUT_OF_BOUNDS_NO_POE:
        return ["certificate_expired"]
    return ["certificate_path_invalid"]


async def _revocation(
    path: ValidationPath, *, document_only: ValidationContext, everything: ValidationContext
) -> tuple[Revocation, bool, str | None]:
    """What revocation data says of a path pyHanko validated leniently: the revocation
    status, whether the document's own data sufficed (so it is long-term, B-LT), and the
    reason to add. The document's data is tried alone first, then with the trust store's."""
    for context, embedded in ((document_only, True), (everything, False)):
        try:
            await async_validate_path(context, path)
            return "good", embedded, None
        except RevokedError as exc:
            reason = "certificate_revoked" if exc.is_ee_cert else "ca_certificate_revoked"
            return "revoked", embedded, reason
        except ValidationError as exc:
            logger.info(
                "revocation not established (%s): %s", "document" if embedded else "all", exc
            )
    return "not_checked", False, "revocation_not_checked"


def _pades_level(
    subfilter: Any,
    timestamped: bool,
    embedded_revinfo: bool,
    revision: int,
    document: _DocumentData,
) -> PadesLevel | None:
    """The PAdES baseline level as far as the file shows it (structure, not conformance):
    B-T with a signature timestamp or a later document timestamp, B-LT when the document's
    own validation data establishes the revocation status, B-LTA with a document timestamp
    after that."""
    if subfilter not in PADES_SUBFILTERS:
        return None
    later_doc_timestamp = any(rev > revision for rev in document.timestamp_revisions)
    if not (timestamped or later_doc_timestamp):
        return "B-B"
    if not embedded_revinfo:
        return "B-T"
    return "B-LTA" if later_doc_timestamp else "B-LT"


def _adobe_revinfo(emb: EmbeddedPdfSignature) -> tuple[list[Any], list[Any]]:
    """CRLs and OCSP responses embedded Adobe-style in the signed attributes (adbe.pkcs7)."""
    try:
        archival = find_unique_cms_attribute(
            emb.signer_info["signed_attrs"], "adobe_revocation_info_archival"
        )
    except (NonexistentAttributeError, MultivaluedAttributeError):
        return [], []
    crls = [item for item in archival["crl"]] if archival["crl"].native else []
    ocsps = [item for item in archival["ocsp"]] if archival["ocsp"].native else []
    return crls, ocsps


def _weak_key(cert: x509.Certificate) -> bool:
    public_key = cert.public_key
    minimum = MIN_KEY_BITS.get(public_key.algorithm)
    return minimum is not None and public_key.bit_size < minimum


def _key_description(cert: x509.Certificate) -> str:
    public_key = cert.public_key
    return f"{public_key.algorithm.upper()} {public_key.bit_size}"


def _name_part(cert: x509.Certificate, part: str) -> str | None:
    value = cert.subject.native.get(part)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value) if value is not None else None


def _anchor_name(path: ValidationPath | None) -> str | None:
    if path is None:
        return None
    anchor: x509.Certificate = path[0]
    name: str = anchor.subject.human_friendly
    return name


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
