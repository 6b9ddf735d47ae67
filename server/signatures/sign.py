"""Signing the PDFs the council produces (result sheets, minutes, adopted resolutions) with
pyHanko, as PAdES. Pure: no Flask, no database.

`sign_pdf` appends one signature in an incremental update (the unsigned bytes stay intact
before it) and produces:

- PAdES B-B without a timestamp authority;
- B-T with one (`timestamp_url`, RFC 3161): the signature carries a timestamp token;
- B-LT when, in addition, `embed_revocation` is asked and revocation data for the signer's
  chain is at hand: the CRLs or OCSP answers of the trust store, or fetched from the
  distribution points and responders the certificates name. They go into the document's DSS
  so the signature can be checked offline for years. When that data cannot be had, the
  signature is still made (B-T) and a warning is logged: a CRL server that is down must not
  stop a council from signing its result sheet; verify_pdf reports the level reached.

With a trust store, the signer's own certificate is checked before signing (chain to an
installed root, validity, revocation where data is at hand): a council never signs with a
certificate that is expired, revoked or unknown.

The signer's key sits behind `Signer`, one small interface with three implementations: a
PKCS#12 file, a PKCS#11 token (the USB tokens officials use) and a remote signing service
speaking the Cloud Signature Consortium API. Each takes its confirmation (passphrase, PIN,
or the remote service's authorisation) as an argument from the caller, who asks the person
signing; nothing is read from a file of secrets here.

The visible appearance follows Decree 30/2020/NĐ-CP: who signed, the organisation, the time
in ISO 8601 (Vietnam time), and the signature image (PNG) when one is given, in a rectangle
on a page of the caller's choice. The text is set in Noto Sans (shipped by pymupdf-fonts),
which has every Vietnamese letter with its diacritics.

`sign_pdf` runs pyHanko's coroutines on an event loop of its own: call it from synchronous
code (a worker or a thread), never from inside a running event loop.
"""

from __future__ import annotations

import logging
import ssl
import unicodedata
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import aiohttp
import certifi
from asn1crypto import tsp, x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from PIL import Image, UnidentifiedImageError
from pkcs11 import PKCS11Error
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCCredentialInfo,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.timestamps.common_utils import set_tsp_headers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    InsufficientRevinfoError,
    PathBuildingError,
    ValidationError,
)
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from server.concurrency import run_async
from server.signatures.trust import TrustStore
from server.signatures.verify import REQUIRED_REVOCATION, WITHOUT_REVOCATION

logger = logging.getLogger(__name__)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DIGEST = "sha256"
#: Seconds allowed for each request to a timestamp authority or a remote signing service.
NETWORK_TIMEOUT = 20


class SignatureError(Exception):
    """Signing did not happen. `code` names the message in server/signatures/messages.py."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Appearance:
    """A visible signature (Decree 30/2020/NĐ-CP): where it goes and its image.

    `page` counts as people do (1 is the first page) and from the end when negative (-1 is
    the last page). `rect` is (x0, y0, x1, y1) in PDF points from the top-left corner of the
    unrotated page, the project's convention for places on a page.
    """

    page: int = -1
    rect: tuple[float, float, float, float] = (330.0, 700.0, 560.0, 790.0)
    #: PNG of the handwritten signature or the seal, drawn on the left of the text.
    image: bytes | None = None
    font_size: int = 9


class Signer(Protocol):
    """A signing key. `session()` opens it (PIN, passphrase or remote authorisation as
    given) for one signing and yields pyHanko's signer; leaving the block closes it."""

    def session(self) -> AbstractAsyncContextManager[signers.Signer]: ...


@dataclass(frozen=True)
class Pkcs12Signer:
    """A PKCS#12 file (.p12/.pfx) holding the key and its certificate chain."""

    path: Path
    passphrase: str | None = field(default=None, repr=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[signers.Signer]:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise SignatureError("signer_unavailable", str(exc)) from exc
        secret = self.passphrase.encode() if self.passphrase is not None else None
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(data, secret)
        except ValueError as exc:
            # cryptography says the same for a wrong passphrase and for a damaged file.
            raise SignatureError("signer_pkcs12_refused", str(exc)) from exc
        if cert is None or not isinstance(key, RSAPrivateKey | EllipticCurvePrivateKey):
            raise SignatureError(
                "signer_pkcs12_refused", "no RSA or ECDSA key with its certificate"
            )
        yield LoadedKey(key, cert, chain)


class LoadedKey(signers.Signer):
    """pyHanko's signer over an RSA or ECDSA key held in memory for one signing.

    pyHanko's own SimpleSigner parses its key again for every signature it makes, dry runs
    included, and cryptography's RSA key check costs about 70 ms each time; this one parses
    the key once, when the PKCS#12 file is opened."""

    def __init__(
        self,
        key: RSAPrivateKey | EllipticCurvePrivateKey,
        cert: crypto_x509.Certificate,
        chain: list[crypto_x509.Certificate],
    ) -> None:
        signing_cert = x509.Certificate.load(cert.public_bytes(Encoding.DER))
        others = [x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in chain]
        super().__init__(
            signing_cert=signing_cert,
            cert_registry=SimpleCertificateStore.from_certs([signing_cert, *others]),
        )
        self._key = key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(self._key, EllipticCurvePrivateKey):
            return self._key.sign(data, ECDSA(digest))
        raise SignatureError("signature_failed", f"unsupported signature mechanism {mechanism}")


@dataclass(frozen=True)
class Pkcs11Signer:
    """A key on a PKCS#11 token (a USB token, or a hardware module), reached through the
    vendor's module (e.g. /usr/lib/x86_64-linux-gnu/libvnpt-ca.so). The certificate is the
    one labelled `cert_label` (by default the key's label); the chain is read from the token."""

    module: str
    token_label: str
    key_label: str
    pin: str = field(repr=False)
    cert_label: str | None = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[signers.Signer]:
        try:
            session = open_pkcs11_session(
                self.module,
                token_criteria=TokenCriteria(label=self.token_label),
                user_pin=self.pin,
            )
        except (PKCS11Error, OSError, RuntimeError) as exc:
            # A wrong PIN (PinIncorrect), an unplugged token and a missing module all land here.
            raise SignatureError("signer_token_refused", f"{type(exc).__name__} {exc}") from exc
        try:
            yield PKCS11Signer(
                session,
                cert_label=self.cert_label or self.key_label,
                key_label=self.key_label,
                # None pulls every certificate on the token: the chain to embed.
                other_certs_to_pull=None,
            )
        finally:
            session.close()


#: Given the base64 hashes to be signed, returns the Signature Activation Data (SAD) of the
#: remote service: for services whose users confirm out of band (an app on their phone).
Authorize = Callable[[tuple[str, ...]], str]


@dataclass(frozen=True)
class CscSigner:
    """A remote signing service speaking the Cloud Signature Consortium API (v1).

    `access_token` is the OAuth2 bearer token of the service. The signing is authorised
    through `credentials/authorize` with the user's `pin` (and `otp` where the service
    sends one), bound to the hash being signed; or by `authorize`, when the service has a
    flow of its own.
    """

    base_url: str
    credential_id: str
    access_token: str | None = field(default=None, repr=False)
    pin: str | None = field(default=None, repr=False)
    otp: str | None = field(default=None, repr=False)
    authorize: Authorize | None = field(default=None, repr=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[signers.Signer]:
        info = CSCServiceSessionInfo(
            service_url=self.base_url.rstrip("/"),
            credential_id=self.credential_id,
            oauth_token=self.access_token,
        )
        async with aiohttp.ClientSession() as http:
            try:
                credential = await fetch_certs_in_csc_credential(
                    http, info, timeout=NETWORK_TIMEOUT
                )
            except SigningError as exc:
                raise SignatureError("signer_remote_refused", str(exc)) from exc
            manager = _CscAuthorization(http, info, credential, self)
            yield CSCSigner(http, auth_manager=manager, sign_timeout=NETWORK_TIMEOUT)


class _CscAuthorization(CSCAuthorizationManager):
    """Obtains the SAD for each hash: by the caller's `authorize`, or credentials/authorize
    with the PIN/OTP the caller gave."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        info: CSCServiceSessionInfo,
        credential: CSCCredentialInfo,
        owner: CscSigner,
    ) -> None:
        super().__init__(csc_session_info=info, credential_info=credential)
        self.http = http
        self.owner = owner

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        if self.owner.authorize is not None:
            return CSCAuthorizationInfo(sad=self.owner.authorize(tuple(hash_b64s)))
        request = self.format_csc_auth_request(
            pin=self.owner.pin, otp=self.owner.otp, hash_b64s=hash_b64s
        )
        try:
            async with self.http.post(
                self.csc_session_info.endpoint_url("credentials/authorize"),
                headers=self.auth_headers,
                json=request,
                raise_for_status=True,
                timeout=aiohttp.ClientTimeout(total=NETWORK_TIMEOUT),
            ) as response:
                answer = await response.json()
        except aiohttp.ClientError as exc:
            raise SignatureError("signer_remote_refused", str(exc)) from exc
        return self.parse_csc_auth_response(answer)


def sign_pdf(
    data: bytes,
    signer: Signer,
    *,
    appearance: Appearance | None,
    timestamp_url: str | None,
    field_name: str,
    embed_revocation: bool,
    trust: TrustStore | None = None,
) -> bytes:
    """The PDF with one more signature, PAdES B-B, B-T or B-LT (see the module docstring).

    Raises SignatureError (with a message code) when the key cannot be opened, the
    signer's certificate fails its check against `trust`, the timestamp authority does not
    answer, or the document cannot take the signature."""
    if embed_revocation and trust is None:
        raise ValueError("embed_revocation needs the trust store the chain is checked against")
    return run_async(
        _sign(data, signer, appearance, timestamp_url, field_name, embed_revocation, trust)
    )


async def _sign(
    data: bytes,
    signer: Signer,
    appearance: Appearance | None,
    timestamp_url: str | None,
    field_name: str,
    embed_revocation: bool,
    trust: TrustStore | None,
) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    except Exception as exc:  # pyHanko's reader raises many kinds on a damaged file
        raise SignatureError("signature_document_unreadable", str(exc)) from exc
    timestamper = _timestamper(timestamp_url) if timestamp_url else None
    async with signer.session() as key:
        cert: x509.Certificate = key.signing_cert
        context = (
            await _checked_context(key, trust, embed_revocation) if trust is not None else None
        )
        try:
            meta = signers.PdfSignatureMetadata(
                field_name=field_name,
                subfilter=SigSeedSubFilter.PADES,
                md_algorithm=DIGEST,
                embed_validation_info=context is not None,
                validation_context=context,
            )
            spec, style, text = _appearance(writer, field_name, appearance, cert)
            pdf_signer = signers.PdfSigner(
                meta,
                signer=key,
                timestamper=timestamper,
                stamp_style=style,
                new_field_spec=spec,
            )
            output = await pdf_signer.async_sign_pdf(
                writer, output=BytesIO(), appearance_text_params={"body": text}
            )
        except SigningError as exc:
            raise _signing_error(exc) from exc
        except TimestampRequestError as exc:
            raise SignatureError("signature_timestamp_unavailable", str(exc)) from exc
        except PKCS11Error as exc:  # the token went away or refused the operation
            raise SignatureError("signer_token_refused", f"{type(exc).__name__} {exc}") from exc
        except aiohttp.ClientError as exc:  # the remote signing service
            raise SignatureError("signer_remote_refused", str(exc)) from exc
        finally:
            if context is not None:
                await context.aclose()
    signed: bytes = output.getvalue()
    return signed


class TimestampClient(TimeStamper):
    """pyHanko's RFC 3161 client, with the TLS settings made once per process.

    pyHanko's HTTPTimeStamper opens a new HTTP session for every request and builds its TLS
    context each time, reading the whole CA bundle (about 20 ms, a tenth of a signing), even
    for an http:// authority. This client does the same exchange over a context built once.
    """

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        connector = aiohttp.TCPConnector(ssl=_tls_context())
        try:
            async with (
                aiohttp.ClientSession(connector=connector) as http,
                http.post(
                    self.url,
                    data=req.dump(),
                    headers=set_tsp_headers({}),
                    raise_for_status=True,
                    timeout=aiohttp.ClientTimeout(total=NETWORK_TIMEOUT),
                ) as response,
            ):
                kind = response.headers.get("Content-Type")
                if kind != "application/timestamp-reply":
                    raise TimestampRequestError(f"timestamp authority answered {kind}")
                answer = await response.read()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise TimestampRequestError("timestamp authority unreachable") from exc
        return tsp.TimeStampResp.load(answer)


@cache
def _tls_context() -> ssl.SSLContext:
    """The CA bundle pyHanko's own HTTP clients use (certifi, a dependency of
    pyhanko-certvalidator), read once."""
    return ssl.create_default_context(cafile=certifi.where())


@cache
def _timestamper(url: str) -> TimestampClient:
    """One client per timestamp authority and process. pyHanko sizes a signature with a
    first, dummy timestamp and keeps it in its client: a client made for every signing would
    ask the authority twice each time."""
    return TimestampClient(url)


async def _checked_context(
    key: signers.Signer, trust: TrustStore, embed: bool
) -> ValidationContext | None:
    """Check the signer's own chain before signing: refuse an untrusted, expired or revoked
    certificate. Returns, when embedding is asked and revocation data for the whole chain is
    at hand, the validation context holding it, for pyHanko to put into the DSS (B-LT);
    otherwise None. Fetching from the certificates' distribution points and OCSP responders
    happens only when embedding is asked."""
    registry = list(key.cert_registry)
    strict = ValidationContext(
        trust_roots=list(trust.roots),
        other_certs=registry,
        crls=list(trust.crls),
        ocsps=list(trust.ocsps),
        allow_fetching=embed,
        revinfo_policy=REQUIRED_REVOCATION,
    )
    try:
        validator = CertificateValidator(
            key.signing_cert, intermediate_certs=registry, validation_context=strict
        )
        await validator.async_validate_usage(set())
        at_hand = embed
    except InsufficientRevinfoError as exc:
        # Unknown revocation status does not stop the signing (see the module docstring).
        if embed:
            logger.warning("no revocation data to embed, signing without (not B-LT): %s", exc)
        at_hand = False
    except (ValidationError, PathBuildingError) as exc:
        await strict.aclose()
        raise SignatureError("signer_certificate_invalid", str(exc)) from exc
    crls, ocsps = list(strict.crls), list(strict.ocsps)
    await strict.aclose()
    if not at_hand:
        # No context for pyHanko: the chain is checked, and pyHanko checking it again would
        # also cost a dummy timestamp request.
        return None
    # pyHanko embeds what the check gathered in the DSS; it validates the chains again on its
    # way, revocation aside, which the check above has settled.
    return ValidationContext(
        trust_roots=list(trust.roots),
        other_certs=registry,
        crls=crls,
        ocsps=ocsps,
        revinfo_policy=WITHOUT_REVOCATION,
    )


def _signing_error(exc: SigningError) -> SignatureError:
    cause = exc.__cause__
    message = f"{exc} ({cause})" if cause else str(exc)
    if "timestamp" in message.lower():
        return SignatureError("signature_timestamp_unavailable", message)
    if "could not be validated" in message:
        return SignatureError("signer_certificate_invalid", message)
    return SignatureError("signature_failed", message)


# --- Appearance ------------------------------------------------------------------------------


#: The characters of Vietnamese text (and Latin text at large): ASCII, the Latin supplements
#: and extensions (ơ, ư, đ), combining diacritics, Latin Extended Additional (ạ ... ỹ),
#: punctuation and the đồng sign.
VIETNAMESE_CODEPOINTS = (
    *range(0x20, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    0x20AB,
)


@cache
def _noto_sans() -> bytes:
    """Noto Sans Regular from pymupdf-fonts (pinned already for the PDFs the project writes),
    cut once per process to the Vietnamese and Latin characters with fontTools, without its
    OpenType layout tables.

    pyHanko subsets the font it embeds at every signature, and decoding the whole font's
    layout tables (many scripts) took 300 to 550 ms each time; on the cut font it takes about
    15 ms. The layout tables are not needed: the text is NFC, where every Vietnamese letter
    (ạ, ằ, ễ, ự ...) is a glyph of its own, and pyHanko drops them from the embedded subset
    anyway. Characters outside VIETNAMESE_CODEPOINTS would show as empty boxes; names in
    Vietnamese certificates never need them."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from pymupdf_fonts import NotoSans_Regular

    font = TTFont(BytesIO(NotoSans_Regular.fontbuffer))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # TTFA holds ttfautohint's parameters, which fontTools cannot subset (it says so).
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "TTFA"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=VIETNAMESE_CODEPOINTS)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class NotoSans(FontEngineFactory):
    """pyHanko's OpenType engine over Noto Sans, read from memory (pymupdf-fonts ships the
    font inside a Python module, not as a .ttf file)."""

    font_size: int = 9

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: Any = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_noto_sans()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


def appearance_text(cert: x509.Certificate, at: datetime) -> str:
    """The words of a visible signature: signer, organisation, time (ISO 8601, Vietnam time)."""
    subject = cert.subject.native
    lines = [f"Ký bởi: {_join(subject.get('common_name'))}"]
    organisation = subject.get("organization_name")
    if organisation:
        lines.append(f"Cơ quan: {_join(organisation)}")
    lines.append(f"Thời gian ký: {at.astimezone(VIETNAM).replace(microsecond=0).isoformat()}")
    # Names in certificates may come decomposed (NFD); the font's precomposed Vietnamese
    # letters are what reads best.
    return unicodedata.normalize("NFC", "\n".join(lines))


def _join(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value) if value is not None else ""


def _appearance(
    writer: IncrementalPdfFileWriter,
    field_name: str,
    appearance: Appearance | None,
    cert: x509.Certificate,
) -> tuple[SigFieldSpec, TextStampStyle | None, str]:
    text = appearance_text(cert, datetime.now(VIETNAM))
    if appearance is None:
        return SigFieldSpec(field_name), None, text
    page_count = int(writer.root["/Pages"]["/Count"])
    index = appearance.page - 1 if appearance.page > 0 else page_count + appearance.page
    if appearance.page == 0 or not 0 <= index < page_count:
        raise SignatureError("signature_page_missing", f"{appearance.page} of {page_count}")
    page_ref = writer.find_page_for_modification(index)[0]
    left, bottom, right, top = _page_box(page_ref.get_object())
    x0, y0, x1, y1 = appearance.rect
    if not (0 <= x0 < x1 <= right - left and 0 <= y0 < y1 <= top - bottom):
        raise SignatureError("signature_rect_outside", f"{appearance.rect}")
    box = (int(left + x0), int(top - y1), int(left + x1), int(top - y0))
    width = box[2] - box[0]
    size = appearance.font_size
    # A little more than pyHanko's default leading, so stacked diacritics (ễ, ặ) never touch
    # the line above.
    text_style = TextBoxStyle(font=NotoSans(size), font_size=size, leading=round(size * 1.4))
    if appearance.image is None:
        style = TextStampStyle(
            stamp_text="%(body)s",
            text_box_style=text_style,
            border_width=1,
            inner_content_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins.uniform(4),
            ),
        )
    else:
        # The image takes the left third, the text the rest.
        split = int(width * 0.36)
        style = TextStampStyle(
            stamp_text="%(body)s",
            text_box_style=text_style,
            border_width=1,
            background=_png(appearance.image),
            background_opacity=1.0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(left=3, right=width - split, top=3, bottom=3),
            ),
            inner_content_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(left=split + 4, right=4, top=4, bottom=4),
            ),
        )
    return SigFieldSpec(field_name, on_page=index, box=box), style, text


def _page_box(page: generic.DictionaryObject) -> tuple[float, float, float, float]:
    """The page's crop box (else media box), inherited from the page tree when not its own."""
    node: Any = page
    while node is not None:
        for key in ("/CropBox", "/MediaBox"):
            if key in node:
                x0, y0, x1, y1 = (float(v) for v in node[key])
                return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return 0.0, 0.0, 595.0, 842.0  # A4, the size of every page the project writes


def _png(data: bytes) -> PdfImage:
    try:
        image = Image.open(BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise SignatureError("signature_image_unreadable", str(exc)) from exc
    if image.format != "PNG":
        raise SignatureError("signature_image_unreadable", f"{image.format}, not PNG")
    return PdfImage(image)
