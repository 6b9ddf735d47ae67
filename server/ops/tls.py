"""The hall's own certificate authority, the server certificate it signs, and serving HTTPS.

A council room has no Internet and no domain name, so no public CA can certify its server.
`flask tls init` makes a small CA of the hall's own instead; each tablet installs its
certificate once (from /ca), and the server certificate it signs is then trusted like any
other. A directory (TLS_DIR, by default instance/tls) holds:

    ca.crt       the CA certificate (PEM): what tablets install, served at /ca.crt
    ca.key       the CA's private key (0600): needed only to sign the next server certificate
    server.crt   the server certificate (PEM), for TLS_CERT_FILE
    server.key   the server's private key (0600), for TLS_KEY_FILE

The CA may sign server certificates only for the host names and addresses it was made for,
localhost, and private (RFC 1918) and loopback addresses (its name constraints): whoever
took ca.key could otherwise impersonate any website to every tablet that trusts the CA.

Pure: no Flask; files and sockets only.
"""

from __future__ import annotations

import fcntl
import hashlib
import ipaddress
import os
import re
import socket
import ssl
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "ca.crt"
CA_KEY = "ca.key"
SERVER_CERT = "server.crt"
SERVER_KEY = "server.key"

CA_DAYS = 3653
#: Apple's devices refuse a TLS server certificate valid for longer than this.
SERVER_DAYS = 825
#: Addresses any server certificate of the CA may carry, besides those it was made for.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8")
)
HSTS_SECONDS = 31_536_000
#: Certificates start this long before they are made: a tablet's clock may run behind.
SLACK = timedelta(hours=1)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)$")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


class TLSError(Exception):
    """Something an operator must fix before the server can serve HTTPS; says what, plainly."""


@dataclass(frozen=True)
class Hosts:
    """What a server certificate is for: DNS names and IP addresses."""

    names: tuple[str, ...]
    addresses: tuple[IPAddress, ...]

    def __iter__(self) -> Iterator[str]:
        yield from self.names
        yield from (str(a) for a in self.addresses)


@dataclass(frozen=True)
class Layout:
    """The files of one TLS directory."""

    directory: Path

    @property
    def ca_cert(self) -> Path:
        return self.directory / CA_CERT

    @property
    def ca_key(self) -> Path:
        return self.directory / CA_KEY

    @property
    def server_cert(self) -> Path:
        return self.directory / SERVER_CERT

    @property
    def server_key(self) -> Path:
        return self.directory / SERVER_KEY


@dataclass(frozen=True)
class Made:
    """What `init` wrote."""

    layout: Layout
    new_ca: bool
    hosts: Hosts
    ca: x509.Certificate
    server: x509.Certificate


# --- Host names and addresses ------------------------------------------------------------


def parse_hosts(values: Iterable[str]) -> Hosts:
    """DNS names and IP addresses from what an operator typed; TLSError names a wrong one."""
    names: list[str] = []
    addresses: list[IPAddress] = []
    for raw in values:
        value = raw.strip().strip("[]").lower().rstrip(".")
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            if not is_dns_name(value):
                raise TLSError(
                    f"{raw!r} is neither an IP address nor a host name (letters, digits, "
                    "hyphens and dots; write an international name in its xn-- form)."
                ) from None
            if value not in names:
                names.append(value)
            continue
        if address not in addresses:
            addresses.append(address)
    if not names and not addresses:
        raise TLSError("Give at least one host name or IP address (--host).")
    return Hosts(tuple(names), tuple(addresses))


def is_dns_name(value: str) -> bool:
    return 0 < len(value) <= 253 and all(_LABEL.match(label) for label in value.split("."))


def default_hosts() -> list[str]:
    """This machine's name, localhost, 127.0.0.1 and its non-loopback IPv4 addresses."""
    hosts = []
    name = socket.gethostname().lower()
    if is_dns_name(name):
        hosts.append(name)
    hosts += ["localhost", "127.0.0.1"]
    return hosts + [str(a) for a in machine_ipv4_addresses()]


def machine_ipv4_addresses() -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses of this machine's interfaces, without loopback and link-local."""
    found: list[ipaddress.IPv4Address] = []
    candidates: list[str] = []
    for _, name in socket.if_nameindex():
        candidates += _interface_ipv4(name)
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    candidates += [str(info[4][0]) for info in infos]
    for text in candidates:
        address = ipaddress.IPv4Address(text)
        if not (address.is_loopback or address.is_link_local) and address not in found:
            found.append(address)
    return found


def _interface_ipv4(name: str) -> list[str]:
    """The IPv4 address of one interface (Linux's SIOCGIFADDR), or none."""
    siocgifaddr = 0x8915
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            answer = fcntl.ioctl(
                probe.fileno(), siocgifaddr, struct.pack("256s", name.encode()[:15])
            )
        except OSError:
            return []
    return [socket.inet_ntoa(answer[20:24])]


# --- Certificates ------------------------------------------------------------------------


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate, as tablets show it: AB:CD:..."""
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def make_ca(
    label: str, hosts: Hosts, now: datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A CA for the hall: 10 years, may sign server certificates only (pathlen 0)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"Hội đồng nhân dân — CA phòng họp {label}"[:64]
            ),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Phòng họp không giấy"),
        ]
    )
    # Always a DNS subtree (localhost at least): with none, any name would be permitted.
    names = list(dict.fromkeys([*hosts.names, "localhost"]))
    permitted: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    networks = list(PRIVATE_NETWORKS)
    for address in hosts.addresses:
        if not any(address in n for n in networks):
            networks.append(ipaddress.ip_network(address))
    permitted += [x509.IPAddress(n) for n in networks]
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - SLACK)
        .not_valid_after(now - SLACK + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_server_certificate(
    ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, hosts: Hosts, now: datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A server certificate signed by `ca` for `hosts`: 825 days at most, serverAuth."""
    not_covered = [h for h in hosts if not covers(ca, h)]
    if not_covered:
        raise TLSError(
            f"The CA in this directory may not certify {', '.join(not_covered)}: it was made "
            f"for {', '.join(permitted_names(ca))} and private addresses. Make a new CA for "
            "them (remove ca.crt and ca.key, run `flask tls init` again; every tablet then "
            "installs the new CA)."
        )
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    not_after = min(now - SLACK + timedelta(days=SERVER_DAYS), ca.not_valid_after_utc)
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in hosts.names]
    sans += [x509.IPAddress(a) for a in hosts.addresses]
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        # Not a host name on purpose: a verifier reads names from the SubjectAltName alone.
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Máy chủ phòng họp")]))
        .issuer_name(ca.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - SLACK)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def covers(ca: x509.Certificate, host: str) -> bool:
    """Whether the CA's name constraints let it certify `host` (a name or an address)."""
    try:
        constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return True
    permitted = constraints.permitted_subtrees or []
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        names = [g.value for g in permitted if isinstance(g, x509.DNSName)]
        return any(host == n or host.endswith("." + n) for n in names)
    networks = [g.value for g in permitted if isinstance(g, x509.IPAddress)]
    return any(isinstance(n, IPNetwork) and address in n for n in networks)


def permitted_names(ca: x509.Certificate) -> list[str]:
    """The host names the CA was made for (beside private addresses)."""
    try:
        constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return ["any name"]
    permitted = constraints.permitted_subtrees or []
    names = [str(g.value) for g in permitted if isinstance(g, x509.DNSName)]
    extra = [
        str(g.value)
        for g in permitted
        if isinstance(g, x509.IPAddress) and g.value not in PRIVATE_NETWORKS
    ]
    return names + extra


def signed_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    """Whether `ca` issued and signed `cert`."""
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def san_hosts(cert: x509.Certificate) -> list[str]:
    """The names and addresses a server certificate is for."""
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(n) for n in sans.get_values_for_type(x509.DNSName)] + [
        str(a) for a in sans.get_values_for_type(x509.IPAddress)
    ]


# --- The directory -----------------------------------------------------------------------


def init(
    directory: Path, hosts: Hosts, *, renew_server: bool = False, now: datetime | None = None
) -> Made:
    """Make the CA (unless `renew_server`) and a server certificate for `hosts` in `directory`.

    Refuses to replace a CA: tablets trust it. `renew_server` signs a new server
    certificate with the CA already there, so no tablet needs to install anything again.
    """
    now = now or datetime.now(UTC)
    layout = Layout(directory)
    has_ca = layout.ca_cert.exists() or layout.ca_key.exists()
    if has_ca and not renew_server:
        raise TLSError(
            f"A CA already exists in {directory}, and tablets may trust it. For a new server "
            "certificate from it, add --renew-server. To start over with a new CA, remove "
            f"{CA_CERT} and {CA_KEY} first (every tablet then installs the new CA)."
        )
    if renew_server and not has_ca:
        raise TLSError(f"There is no CA in {directory} to renew from: run `flask tls init`.")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if renew_server:
        ca, ca_key = load_ca(layout)
    else:
        label = hosts.names[0] if hosts.names else str(hosts.addresses[0])
        ca_key, ca = make_ca(label, hosts, now)
        _write(layout.ca_key, _key_pem(ca_key), private=True)
        _write(layout.ca_cert, ca.public_bytes(serialization.Encoding.PEM), private=False)
    server_key, server = make_server_certificate(ca_key, ca, hosts, now)
    _write(layout.server_key, _key_pem(server_key), private=True)
    _write(layout.server_cert, server.public_bytes(serialization.Encoding.PEM), private=False)
    return Made(layout, not renew_server, hosts, ca, server)


def load_ca(layout: Layout) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    ca = read_certificate(layout.ca_cert)
    try:
        key = serialization.load_pem_private_key(layout.ca_key.read_bytes(), password=None)
    except FileNotFoundError:
        raise TLSError(f"{layout.ca_key} is missing: the CA cannot sign without its key.") from None
    except (OSError, ValueError, TypeError) as exc:
        raise TLSError(f"{layout.ca_key} cannot be read as the CA's key: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != ca.public_key():
        raise TLSError(f"{layout.ca_key} is not the key of {layout.ca_cert}.")
    return ca, key


def read_certificate(path: Path) -> x509.Certificate:
    """The first certificate of a PEM file; TLSError says why when there is none."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TLSError(f"{path} does not exist.") from None
    except OSError as exc:
        raise TLSError(f"{path} cannot be read: {exc.strerror}.") from None
    try:
        return x509.load_pem_x509_certificates(data)[0]
    except ValueError:
        raise TLSError(f"{path} holds no PEM certificate.") from None


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, *, private: bool) -> None:
    """Write `path` through a temporary file; a key is readable by its owner from creation."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


# --- Serving -----------------------------------------------------------------------------


def server_context(cert_file: str | None, key_file: str | None) -> ssl.SSLContext | None:
    """The TLS context the server listens with, or None when HTTPS is not configured.

    Under gevent or eventlet the `ssl` module is already the cooperative one here.
    """
    if not cert_file and not key_file:
        return None
    if not cert_file or not key_file:
        given, missing = (
            ("TLS_CERT_FILE", "TLS_KEY_FILE") if cert_file else ("TLS_KEY_FILE", "TLS_CERT_FILE")
        )
        raise TLSError(f"{given} is set but {missing} is not: set both (see `flask tls init`).")
    for setting, value in (("TLS_CERT_FILE", cert_file), ("TLS_KEY_FILE", key_file)):
        path = Path(value)
        if not path.is_file():
            raise TLSError(
                f"{setting} is {value}, and there is no such file. Run `flask tls init` or "
                "correct the path."
            )
        if not os.access(path, os.R_OK):
            raise TLSError(
                f"{setting} is {value}, which this user cannot read (permission denied). "
                "Run `flask tls init` as the user the server runs as, or give it the file."
            )
    cert = read_certificate(Path(cert_file))
    if cert.not_valid_after_utc <= datetime.now(UTC):
        raise TLSError(
            f"The certificate in {cert_file} expired on {cert.not_valid_after_utc:%Y-%m-%d}. "
            "Run `flask tls init --renew-server` for a new one."
        )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert_file, key_file)
    except ssl.SSLError:
        raise TLSError(
            f"{key_file} is not the private key of the certificate in {cert_file}."
        ) from None
    return context


def redirect_to_https(https_port: int) -> Callable[..., Any]:
    """A WSGI application that sends every plain-HTTP request to the same page over HTTPS."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        host = str(environ.get("HTTP_HOST", ""))
        host = host[: host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
        if not _HOST.match(host):
            host = str(environ.get("SERVER_NAME", "localhost"))
        port = "" if https_port == 443 else f":{https_port}"
        # PATH_INFO arrives percent-decoded (as latin-1): encode it again for the header.
        path = quote(str(environ.get("PATH_INFO", "")).encode("latin-1"), safe=_PATH_SAFE)
        query = str(environ.get("QUERY_STRING", ""))
        location = f"https://{host}{port}{path or '/'}" + (f"?{query}" if query else "")
        start_response(
            "308 Permanent Redirect",
            [("Location", location), ("Content-Length", "0"), ("Cache-Control", "no-store")],
        )
        return [b""]

    return app
