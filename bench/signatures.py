"""Signatures: verifying a signed 100-page document, signing a 2-page result sheet.

In process, against the test PKI (tests/signatures_pki.py: certomancer, its timestamp
authority served on loopback), as the library is called by the server's worker:

- verify: `verify_pdf` on a 100-page Vietnamese report (server.pdf.compose.long_report)
  signed PAdES B-T with a PKCS#12 key, trust store with the root and its CRLs, so every check
  runs (integrity, timestamp, path, revocation). Baseline: `verify_pdf` on the same PDF
  unsigned, i.e. parsing it and finding no signature.
- sign: `sign_pdf` of a 2-page result sheet (server.pdf.result_sheet, 40 named ballots) with
  a PKCS#12 key, the local timestamp authority, a visible appearance with a signature image,
  and the signer's chain checked against the trust store first. Baseline: PyMuPDF opening and
  saving the same sheet unsigned. The notes give one timestamp request measured alone, most
  of which is certomancer's own work (it parses and checks its RSA key for every answer).

Each figure is the median of RUNS runs after one warm-up run.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pymupdf
from PIL import Image, ImageDraw

from bench.common import Figure, at_most, median, percentile
from server.pdf.compose import long_report
from server.pdf.result_sheet import CountRow, NamedRow, ResultSheet, result_sheet_pdf
from server.signatures.sign import Appearance, Pkcs12Signer, TimestampClient, sign_pdf
from server.signatures.verify import verify_pdf
from tests.signatures_pki import PASSPHRASE, Pki, running_pki

NAME = "signatures"
RUNS = 9
VERIFY_PAGES = 100
SHEET_BALLOTS = 40


def _timed(action: Callable[[], object], runs: int = RUNS) -> list[float]:
    """Seconds of each run, after one warm-up run (imports, caches, the font)."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def _sheet() -> bytes:
    named = tuple(
        NamedRow(
            f"Đại biểu {number:02d} Nguyễn Thị Hồng",
            "Tán thành" if number % 7 else "Không tán thành",
        )
        for number in range(1, SHEET_BALLOTS + 1)
    )
    sheet = ResultSheet(
        council="Hội đồng nhân dân tỉnh Đắk Lắk",
        term="Khóa XI, nhiệm kỳ 2026 - 2031",
        meeting="Kỳ họp thứ Ba",
        agenda_item="2.1. Nghị quyết về dự toán ngân sách năm 2027",
        motion="Thông qua Nghị quyết về dự toán ngân sách địa phương năm 2027",
        method="Biểu quyết công khai",
        rule="Quá nửa tổng số đại biểu Hội đồng nhân dân tán thành",
        opened_at="08:15:03 ngày 01/12/2026",
        closed_at="08:16:10 ngày 01/12/2026",
        members=62,
        present=60,
        cast=60,
        counts=(
            CountRow("Số đại biểu tham gia biểu quyết", 60, 96.77),
            CountRow("Tán thành", 52, 83.87),
            CountRow("Không tán thành", 8, 12.90),
            CountRow("Không biểu quyết", 0, 0.0),
        ),
        outcome="KẾT QUẢ: THÔNG QUA",
        threshold="Cần ít nhất 32 phiếu tán thành để thông qua.",
        generated_at="08:17:00 ngày 01/12/2026",
        ballots_digest="ab" * 32,
        named=named,
    )
    return result_sheet_pdf(sheet)


def _signature_image() -> bytes:
    image = Image.new("RGBA", (240, 120), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(
        [(20, 80), (60, 30), (90, 90), (130, 35), (170, 85), (220, 40)],
        fill=(20, 40, 160, 255),
        width=6,
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _verify_figure(pki: Pki) -> Figure:
    signer = Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE)
    unsigned = long_report(VERIFY_PAGES, seed=11, title="Báo cáo thẩm tra dự toán ngân sách")
    signed = sign_pdf(
        unsigned,
        signer,
        appearance=None,
        timestamp_url=pki.tsa_url,
        field_name="ChuKy",
        embed_revocation=False,
    )
    trust = pki.trust()
    (report,) = verify_pdf(signed, trust, now=pki.now)
    if report.status != "valid":
        raise RuntimeError(f"the benchmark's signature is not valid: {report.reasons}")
    assert verify_pdf(unsigned, trust, now=pki.now) == []
    full = _timed(lambda: verify_pdf(signed, trust, now=pki.now))
    bare = _timed(lambda: verify_pdf(unsigned, trust, now=pki.now))
    value = median(full) * 1000
    return Figure(
        NAME,
        f"verify a signed {VERIFY_PAGES}-page PDF (median of {RUNS})",
        value,
        "ms",
        target="≤ 300 ms",
        met=at_most(value, 300),
        baseline=median(bare) * 1000,
        baseline_label="verify_pdf of the same PDF unsigned (parse, no signature)",
        ratio=median(full) / median(bare),
        notes=f"p95 {percentile(full, 95) * 1000:.0f} ms; {len(signed) / 1e6:.1f} MB; "
        "PAdES B-T, RSA 2048, CRLs of root and CA checked",
    )


def _sign_figure(pki: Pki) -> Figure:
    signer = Pkcs12Signer(pki.pkcs12("signer"), PASSPHRASE)
    sheet = _sheet()
    pages = pymupdf.open("pdf", sheet).page_count
    appearance = Appearance(page=-1, rect=(330.0, 700.0, 560.0, 790.0), image=_signature_image())
    trust = pki.trust()

    def sign() -> bytes:
        return sign_pdf(
            sheet,
            signer,
            appearance=appearance,
            timestamp_url=pki.tsa_url,
            field_name="ChuKyChuToa",
            embed_revocation=False,
            trust=trust,
        )

    (report,) = verify_pdf(sign(), trust, now=pki.now)
    if report.status != "valid":
        raise RuntimeError(f"the benchmark's signature is not valid: {report.reasons}")

    def save_unsigned() -> bytes:
        data: bytes = pymupdf.open("pdf", sheet).tobytes()
        return data

    def timestamp_alone() -> None:
        client = TimestampClient(pki.tsa_url)
        asyncio.run(client.async_timestamp(hashlib.sha256(b"bench").digest(), "sha256"))

    full = _timed(sign)
    bare = _timed(save_unsigned)
    tsa = _timed(timestamp_alone)
    value = median(full) * 1000
    return Figure(
        NAME,
        f"sign a {pages}-page result sheet, PKCS#12 + local TSA (median of {RUNS})",
        value,
        "ms",
        target="≤ 200 ms",
        met=at_most(value, 200),
        baseline=median(bare) * 1000,
        baseline_label="PyMuPDF saving the same sheet unsigned",
        ratio=median(full) / median(bare),
        notes=f"p95 {percentile(full, 95) * 1000:.0f} ms; visible appearance with image, "
        "signer's chain checked first; of which one timestamp request, "
        f"{median(tsa) * 1000:.0f} ms alone (certomancer re-reads its RSA key per answer)",
    )


def run(workdir: Path) -> list[Figure]:
    with running_pki(workdir / "pki") as pki:
        return [_verify_figure(pki), _sign_figure(pki)]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="bench-signatures-") as tmp:
        for figure in run(Path(tmp)):
            print(figure)
