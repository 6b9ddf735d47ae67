"""The test PKI of the signature tests and benchmark: certomancer, served on loopback.

tests/pki/certomancer.yml defines the certificates (root, intermediate, signers good,
expired, revoked and weak, a timestamp authority, an OCSP responder, an unrelated root); this
module generates their keys into a temporary directory (no private key is committed), loads
the configuration with URLs pointing at a certomancer Animator it serves on 127.0.0.1, and
can also serve certomancer-csc-dummy (remote signing) and fill a SoftHSM token (PKCS#11).

Time: every service answers at `moment`, the middle of the current 30-day CRL period, so a
CRL fetched or built during a run is current for the whole run whatever the wall clock
does (a run would have to last 15 days to cross a CRL boundary). Verifications pass
`now=pki.now` (a minute after `moment`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import x509
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, ServiceLabel
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from werkzeug.serving import WSGIRequestHandler, make_server

from server.signatures.trust import TrustStore

CONFIG = Path(__file__).resolve().parent / "pki" / "certomancer.yml"
ARCH = "council"
PASSPHRASE = "mật khẩu thử nghiệm"
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "council-token"
TOKEN_PIN = "246810"

#: The keys of tests/pki/certomancer.yml: RSA bits, or "ec" for ECDSA P-256.
KEYS: dict[str, int | str] = {
    "root": 2048,
    "interm": 2048,
    "interm-ocsp": 2048,
    "tsa": 2048,
    "signer": 2048,
    "signer-ec": "ec",
    "expired": 2048,
    "revoked": 2048,
    # Below Circular 15/2025's 2048 bits: its signatures must read `broken`.
    "weak": 1024,
    "other-root": 2048,
    "other-signer": 2048,
}


def generate_keys(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, size in KEYS.items():
        key = (
            ec.generate_private_key(ec.SECP256R1())
            if size == "ec"
            else rsa.generate_private_key(public_exponent=65537, key_size=int(size))
        )
        (directory / f"{name}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


class _QuietHandler(WSGIRequestHandler):
    """No line per request on the test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _LateApp:
    """A WSGI app filled in once the server's port (part of every URL in the PKI) is known."""

    target: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.target(environ, start_response)


@dataclass
class Pki:
    config: CertomancerConfig
    url: str
    moment: datetime
    workdir: Path

    @property
    def arch(self) -> Any:
        return self.config.get_pki_arch(ArchLabel(ARCH))

    @property
    def now(self) -> datetime:
        """The `now` verifications pass: just after every service's answers."""
        return self.moment + timedelta(minutes=1)

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def cert(self, label: str) -> x509.Certificate:
        return self.arch.get_cert(CertLabel(label))

    def crl(self, label: str) -> asn1_crl.CertificateList:
        return self.arch.service_registry.get_crl(ServiceLabel(label), at_time=self.moment)

    def trust(self, *, crls: bool = True, roots: tuple[str, ...] = ("root",)) -> TrustStore:
        """A trust store with these roots and, if asked, the CRLs of the root and the CA."""
        return TrustStore(
            roots=tuple(self.cert(label) for label in roots),
            crls=(self.crl("root"), self.crl("interm")) if crls else (),
        )

    def pkcs12(self, label: str, passphrase: str = PASSPHRASE) -> Path:
        path = self.workdir / f"{label}.p12"
        if not path.exists():
            path.write_bytes(
                self.arch.package_pkcs12(CertLabel(label), password=passphrase.encode())
            )
        return path


def crl_period_middle(config: CertomancerConfig, at: datetime) -> datetime:
    """The middle of the 30-day CRL period (of the intermediate CA) that contains `at`."""
    arch = config.get_pki_arch(ArchLabel(ARCH))
    info = arch.service_registry.get_crl_repo_info(ServiceLabel("interm"))
    origin: datetime = arch.get_cert(CertLabel("interm")).not_valid_before
    period: timedelta = info.simulated_update_schedule
    start = origin + ((at - origin) // period) * period
    return start + period / 2


@contextmanager
def running_pki(workdir: Path) -> Iterator[Pki]:
    """The PKI with its Animator (CRLs, OCSP, timestamps) on a free loopback port."""
    generate_keys(workdir / "keys")
    app = _LateApp()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    url = f"http://127.0.0.1:{server.port}"
    config = CertomancerConfig.from_file(
        str(CONFIG), key_search_dir=str(workdir / "keys"), external_url_prefix=url
    )
    moment = crl_period_middle(config, datetime.now(UTC))
    app.target = Animator(AnimatorArchStore(config.pki_archs), at_time=moment, with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, name="certomancer", daemon=True)
    thread.start()
    try:
        yield Pki(config=config, url=url, moment=moment, workdir=workdir)
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def running_csc_dummy(pki: Pki) -> Iterator[str]:
    """certomancer-csc-dummy (Cloud Signature Consortium API) on a free loopback port, in a
    thread of its own with its own event loop; yields its base URL. Credentials are named
    "<arch>/<cert label>", e.g. "council/signer"."""
    from aiohttp import web
    from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        with warnings.catch_warnings():
            # The dummy keys its aiohttp application with strings, which aiohttp now warns
            # about (and the test suite turns warnings into errors).
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            csc = CSCWithCertomancer(
                pki.config, service_params=DummyServiceParams(hash_pinning_required=True)
            )
        csc.register_routes()
        runner = web.AppRunner(csc.app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        state["port"] = runner.addresses[0][1]

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as exc:  # reported to the waiting test, not lost in the thread
            state["error"] = exc
            loop.close()
            started.set()
            return
        started.set()
        loop.run_forever()
        loop.run_until_complete(state["runner"].cleanup())
        loop.close()

    thread = threading.Thread(target=run, name="csc-dummy", daemon=True)
    thread.start()
    if not started.wait(timeout=30):
        raise RuntimeError("certomancer-csc-dummy did not start within 30 s")
    if "error" in state:
        raise state["error"]
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def softhsm_available() -> str | None:
    """Why SoftHSM cannot be used here, or None when it can."""
    if not Path(SOFTHSM_MODULE).exists():
        return f"SoftHSM (Debian package softhsm2) not installed: {SOFTHSM_MODULE} missing"
    if shutil.which("softhsm2-util") is None:
        return "softhsm2-util (Debian package softhsm2) not installed"
    return None


@contextmanager
def softhsm_token(pki: Pki, workdir: Path, cert_label: str) -> Iterator[str]:
    """A SoftHSM token (its own configuration under `workdir`) holding the key and the
    certificate chain of `cert_label`, stored by certomancer's Alchemist through
    python-pkcs11; yields the token label. SOFTHSM2_CONF points at the configuration
    while the token is in use, since the module reads it when it is loaded."""
    from certomancer.integrations.alchemist import (
        Alchemist,
        DefaultAlchemistBackend,
        open_pkcs11_session,
    )

    tokens = workdir / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = workdir / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        subprocess.run(
            [
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                TOKEN_LABEL,
                "--so-pin",
                "13579135",
                "--pin",
                TOKEN_PIN,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        session = open_pkcs11_session(SOFTHSM_MODULE, token_label=TOKEN_LABEL, pin=TOKEN_PIN)
        try:
            Alchemist(DefaultAlchemistBackend(session), pki.arch).store_key_bundles(
                {CertLabel(cert_label)}, include_chains=True
            )
        finally:
            session.close()
        yield TOKEN_LABEL
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
