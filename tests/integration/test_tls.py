"""`flask tls init` / `show`, the certificates they make, /ca and /ca.crt, the serving context.

The certificates are checked twice over: by cryptography's own path validation and by a real
TLS handshake between two of Python's ssl (OpenSSL) endpoints in memory, the client trusting
the CA alone. The live server over HTTPS is in tests/system/test_tls.py.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from flask import Flask
from werkzeug.test import Client

from server.ops import tls
from tests.conftest import build_app


@pytest.fixture
def tls_app(tmp_path: Path) -> Flask:
    """An app whose TLS_DIR is tmp_path/tls (the commands and routes here touch no table)."""
    return build_app(
        f"sqlite:///{tmp_path / 'unused.db'}", tmp_path / "storage", TLS_DIR=str(tmp_path / "tls")
    )


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["tls", *args])
    return result.exit_code, result.output


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def verifies(ca: x509.Certificate, leaf: x509.Certificate, host: str) -> bool:
    """cryptography's web PKI path validation of `leaf` for `host`, trusting `ca` alone."""
    try:
        subject: x509.DNSName | x509.IPAddress = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        subject = x509.DNSName(host)
    verifier = PolicyBuilder().store(Store([ca])).build_server_verifier(subject)
    try:
        verifier.verify(leaf, [])
    except VerificationError:
        return False
    return True


def handshake(cert_file: Path, key_file: Path, cafile: Path, host: str) -> None:
    """A TLS handshake in memory: a server with cert/key, a client trusting `cafile` only."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cafile))
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client_side = client.wrap_bio(c_in, c_out, server_hostname=host)
    server_side = server.wrap_bio(s_in, s_out, server_side=True)
    done = {"client": False, "server": False}
    for _ in range(10):
        for name, side in (("client", client_side), ("server", server_side)):
            if not done[name]:
                try:
                    side.do_handshake()
                    done[name] = True
                except ssl.SSLWantReadError:
                    pass
            s_in.write(c_out.read())
            c_in.write(s_out.read())
        if all(done.values()):
            return
    raise AssertionError("the handshake did not finish")


# --- flask tls init ----------------------------------------------------------------------


def test_init_makes_a_ca_and_a_server_certificate_for_the_given_hosts(tls_app, tmp_path):
    old_umask = os.umask(0)  # the modes must come from the code, not from the umask
    try:
        code, output = run(tls_app, "init", "--host", "192.168.10.2", "--host", "Hall.Local")
    finally:
        os.umask(old_umask)
    assert code == 0, output
    directory = tmp_path / "tls"
    assert mode(directory) == 0o700
    assert mode(directory / "ca.key") == mode(directory / "server.key") == 0o600
    assert mode(directory / "ca.crt") == mode(directory / "server.crt") == 0o644
    assert sorted(p.name for p in directory.iterdir()) == [
        "ca.crt",
        "ca.key",
        "server.crt",
        "server.key",
    ]
    for line in (
        f"TLS_CERT_FILE={directory / 'server.crt'}",
        f"TLS_KEY_FILE={directory / 'server.key'}",
        "SESSION_COOKIE_SECURE=1",
        "HSTS_SECONDS=31536000",
    ):
        assert line in output
    assert "TLS_DIR=" not in output  # the default directory needs no setting

    ca, server = load(directory / "ca.crt"), load(directory / "server.crt")
    name = ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert name == "Hội đồng nhân dân — CA phòng họp hall.local"
    assert tls.fingerprint(ca) in output
    basic = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical
    assert basic.value.ca
    assert basic.value.path_length == 0
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert not usage.digital_signature
    assert ca.not_valid_after_utc - ca.not_valid_before_utc >= timedelta(days=3652)

    assert server.issuer == ca.subject
    assert server.not_valid_after_utc - server.not_valid_before_utc <= timedelta(days=825)
    eku = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert tls.san_hosts(server) == ["hall.local", "192.168.10.2"]
    for host in ("192.168.10.2", "hall.local"):
        assert verifies(ca, server, host)
        handshake(directory / "server.crt", directory / "server.key", directory / "ca.crt", host)
    assert not verifies(ca, server, "192.168.10.3")
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(directory / "server.crt", directory / "server.key", directory / "ca.crt", "x.vn")


def test_by_default_the_certificate_is_for_this_machine(tls_app, tmp_path):
    code, output = run(tls_app, "init", "--dir", str(tmp_path / "elsewhere"))
    assert code == 0, output
    assert f"TLS_DIR={tmp_path / 'elsewhere'}" in output
    hosts = tls.san_hosts(load(tmp_path / "elsewhere" / "server.crt"))
    assert {"localhost", "127.0.0.1"} <= set(hosts)
    addresses = [str(a) for a in tls.machine_ipv4_addresses()]
    assert set(addresses) <= set(hosts)
    assert not any(a.startswith(("127.", "169.254.")) for a in addresses)


def test_init_refuses_a_second_ca_and_renew_server_keeps_the_one_tablets_trust(tls_app, tmp_path):
    directory = tmp_path / "tls"
    assert run(tls_app, "init", "--host", "192.168.10.2")[0] == 0
    ca_files = {n: (directory / n).read_bytes() for n in ("ca.crt", "ca.key")}
    first_server = (directory / "server.crt").read_bytes()

    code, output = run(tls_app, "init", "--host", "192.168.10.2")
    assert code == 1
    assert "A CA already exists" in output
    assert "--renew-server" in output
    assert {n: (directory / n).read_bytes() for n in ca_files} == ca_files
    assert (directory / "server.crt").read_bytes() == first_server

    code, output = run(tls_app, "init", "--renew-server", "--host", "10.1.2.3")
    assert code == 0, output
    assert "CA kept" in output
    assert {n: (directory / n).read_bytes() for n in ca_files} == ca_files
    assert (directory / "server.crt").read_bytes() != first_server
    assert mode(directory / "server.key") == 0o600
    ca, server = load(directory / "ca.crt"), load(directory / "server.crt")
    assert tls.san_hosts(server) == ["10.1.2.3"]
    assert verifies(ca, server, "10.1.2.3")
    handshake(directory / "server.crt", directory / "server.key", directory / "ca.crt", "10.1.2.3")

    # The CA may certify only its own names and private addresses: not a public one.
    code, output = run(tls_app, "init", "--renew-server", "--host", "hall.local")
    assert code == 1
    assert "may not certify hall.local" in output
    assert (directory / "server.crt").read_bytes() == server.public_bytes(
        serialization.Encoding.PEM
    )


def test_renew_without_a_ca_and_wrong_hosts_are_refused_in_plain_words(tls_app, tmp_path):
    code, output = run(tls_app, "init", "--renew-server", "--host", "10.0.0.1")
    assert code == 1
    assert "There is no CA" in output
    code, output = run(tls_app, "init", "--host", "phòng_họp")
    assert code == 1
    assert "neither an IP address nor a host name" in output
    assert not (tmp_path / "tls").exists()


def test_a_certificate_the_ca_key_signs_for_another_site_is_not_trusted(tmp_path):
    """The CA's name constraints: its key, if stolen, cannot impersonate other websites."""
    made = tls.init(tmp_path, tls.parse_hosts(["192.168.10.2"]))
    ca, ca_key = tls.load_ca(made.layout)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    rogue = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bank")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("bank.example.vn"), x509.IPAddress(ipaddress.ip_address("8.8.8.8"))]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    (tmp_path / "rogue.crt").write_bytes(rogue.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "rogue.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    for host in ("bank.example.vn", "8.8.8.8"):
        assert not verifies(ca, rogue, host)
        with pytest.raises(ssl.SSLCertVerificationError):
            handshake(tmp_path / "rogue.crt", tmp_path / "rogue.key", made.layout.ca_cert, host)


# --- flask tls show ----------------------------------------------------------------------


def test_show_prints_the_ca_fingerprint_tablets_show(tls_app, tmp_path):
    code, output = run(tls_app, "show")
    assert code == 1
    assert "There is no CA" in output
    assert run(tls_app, "init", "--host", "10.0.0.2")[0] == 0
    code, output = run(tls_app, "show")
    assert code == 0, output
    der = ssl.PEM_cert_to_DER_cert((tmp_path / "tls" / "ca.crt").read_text())
    digest = hashlib.sha256(der).hexdigest().upper()
    assert f"SHA-256 fingerprint: {':'.join(digest[i : i + 2] for i in range(0, 64, 2))}" in output
    assert "Server certificate for 10.0.0.2" in output
    assert "WARNING" not in output


# --- /ca and /ca.crt ---------------------------------------------------------------------


def test_ca_pages_are_not_found_until_a_ca_is_made(tls_app):
    client = tls_app.test_client()
    assert client.get("/ca.crt").status_code == 404
    assert client.get("/ca").status_code == 404


def test_ca_crt_serves_the_ca_certificate_and_never_a_key(tls_app, tmp_path):
    made = tls.init(tmp_path / "tls", tls.parse_hosts(["192.168.10.2"]))
    # Even with a key pasted into the file by mistake, only the certificate goes out.
    with made.layout.ca_cert.open("ab") as out:
        out.write(made.layout.ca_key.read_bytes())
    answer = tls_app.test_client().get("/ca.crt")  # anonymous: tablets are not logged in yet
    assert answer.status_code == 200
    assert answer.mimetype == "application/x-x509-ca-cert"
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert b"PRIVATE KEY" not in answer.data
    served = x509.load_pem_x509_certificates(answer.data)
    assert served == [made.ca]
    assert made.ca.public_bytes(serialization.Encoding.PEM) == answer.data


def test_ca_page_explains_the_install_in_vietnamese_then_english(tls_app, tmp_path):
    made = tls.init(tmp_path / "tls", tls.parse_hosts(["192.168.10.2"]))
    answer = tls_app.test_client().get("/ca")
    assert answer.status_code == 200
    assert answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert tls.fingerprint(made.ca) in page
    assert 'href="/ca.crt"' in page
    vietnamese, english = page.index("Cài chứng chỉ"), page.index("Install the council")
    assert vietnamese < english
    assert page.count("<h2>Android</h2>") == 2
    assert page.count("<h2>iPad</h2>") == 2
    assert "Content-Security-Policy" in answer.headers


# --- Serving ---------------------------------------------------------------------------


def test_server_context_loads_a_made_certificate(tmp_path):
    made = tls.init(tmp_path, tls.parse_hosts(["127.0.0.1"]))
    assert tls.server_context(None, None) is None
    context = tls.server_context(str(made.layout.server_cert), str(made.layout.server_key))
    assert context is not None
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2


def test_server_context_says_plainly_what_is_wrong(tmp_path):
    made = tls.init(tmp_path / "a", tls.parse_hosts(["127.0.0.1"]))
    other = tls.init(tmp_path / "b", tls.parse_hosts(["127.0.0.1"]))
    cert = str(made.layout.server_cert)
    with pytest.raises(tls.TLSError, match="TLS_CERT_FILE is set but TLS_KEY_FILE is not"):
        tls.server_context(cert, None)
    with pytest.raises(tls.TLSError, match=r"TLS_KEY_FILE is .*missing\.key, and there is no such"):
        tls.server_context(cert, str(tmp_path / "missing.key"))
    with pytest.raises(tls.TLSError, match="is not the private key of the certificate"):
        tls.server_context(cert, str(other.layout.server_key))
    stale = tls.init(
        tmp_path / "old", tls.parse_hosts(["127.0.0.1"]), now=datetime(2020, 1, 1, 12, tzinfo=UTC)
    )
    with pytest.raises(
        tls.TLSError, match=r"expired on 2022-04-05\. Run `flask tls init --renew-server`"
    ):
        tls.server_context(str(stale.layout.server_cert), str(stale.layout.server_key))


def test_the_plain_http_port_redirects_to_the_same_page_over_https():
    client = Client(tls.redirect_to_https(8443))
    answer = client.get("/ca", query_string="x=1", headers={"Host": "192.168.10.2:80"})
    assert answer.status_code == 308
    assert answer.headers["Location"] == "https://192.168.10.2:8443/ca?x=1"
    answer = Client(tls.redirect_to_https(443)).get("/", headers={"Host": "hall.local"})
    assert answer.headers["Location"] == "https://hall.local/"
    # A decoded CR LF in the path stays encoded; a nonsense Host falls back to the server name.
    answer = client.get("/a%0d%0aSet-Cookie:x", headers={"Host": "evil/x"})
    assert answer.headers["Location"] == "https://localhost:8443/a%0D%0ASet-Cookie:x"
