"""The web client's weight: JavaScript (and CSS) each page loads, gzipped.

Builds client_web/dist when it is missing (npm ci from the lock file, npm run build),
then follows each page's <script> and <link rel=modulepreload|stylesheet> tags, so a
chunk shared by two pages counts on both. Target (issue 7): under 200 KB of JavaScript,
gzipped, per page, page images excluded. Time to the first page of a 100-page document
is measured by bench/client_reader.py.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

from bench.common import Figure

NAME = "client"

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "client_web"
DIST = CLIENT / "dist"
PAGES = {
    "index.html": "tablet (/)",
    "secretariat.html": "secretariat (/secretariat)",
    "chair.html": "chair (/chair)",
    "display.html": "hall display (/display)",
}
TARGET_KB = 200.0

_ASSET = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="(/assets/[^"]+)"')


def build() -> None:
    if all((DIST / page).is_file() for page in PAGES):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to build the web client")
    if not (CLIENT / "node_modules" / ".package-lock.json").is_file():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, check=True)
    subprocess.run([npm, "run", "build"], cwd=CLIENT, check=True, capture_output=True)


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def page_weight(page: str) -> tuple[int, int]:
    """(JavaScript, CSS) bytes gzipped that `page` loads."""
    html = (DIST / page).read_text()
    js = css = 0
    for asset in sorted(set(_ASSET.findall(html))):
        path = DIST / asset.lstrip("/")
        if asset.endswith(".js"):
            js += gzip_size(path)
        elif asset.endswith(".css"):
            css += gzip_size(path)
    return js, css


def run(workdir: Path) -> list[Figure]:
    build()
    figures = []
    for page, label in PAGES.items():
        js, css = page_weight(page)
        kb = round(js / 1024, 1)
        figures.append(
            Figure(
                benchmark=NAME,
                name=f"JavaScript bundle, gzipped: {label}",
                value=kb,
                unit="KB",
                target=f"< {TARGET_KB:.0f} KB",
                met=kb < TARGET_KB,
                notes=f"CSS {css / 1024:.1f} KB gzipped; fonts (woff2) are loaded on demand",
            )
        )
    return figures
