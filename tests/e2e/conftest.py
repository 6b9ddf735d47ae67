"""Browser tests: Debian's Chromium driven by Playwright against a real server process.

The web client is built once per session when client_web/dist is missing or older than
its sources (`make test` builds it first anyway). Each test gets its own copy of a
prepared SQLite database and its own server. Pages opened through `open_page` fail the
test on console errors, CSP violations, failed requests and unexpected HTTP errors, and
`check_accessibility` runs axe-core (from client_web/node_modules) on a screen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import service_missing
from tests.live import LiveServer, prepare_database

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "client_web"
DIST = CLIENT / "dist"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo"
#: Network errors of a page whose server a test stops on purpose.
OUTAGE_ERRORS = (
    "ERR_CONNECTION_REFUSED",
    "ERR_CONNECTION_RESET",
    "ERR_EMPTY_RESPONSE",
    "ERR_CONTENT_LENGTH_MISMATCH",
    "ERR_INCOMPLETE_CHUNKED_ENCODING",
)

#: Viewports: the tablet in landscape and portrait, the hall display at HD and 4K.
LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
HD = {"width": 1920, "height": 1080}
UHD = {"width": 3840, "height": 2160}


def _sources() -> list[Path]:
    files = [CLIENT / "package-lock.json", CLIENT / "vite.config.js"]
    files += list(CLIENT.glob("*.html")) + list((CLIENT / "public").rglob("*"))
    files += list((CLIENT / "src").rglob("*"))
    return [f for f in files if f.is_file()]


def _stale() -> bool:
    index = DIST / "index.html"
    if not all((DIST / page).is_file() for page in ("index.html", "chair.html", "display.html")):
        return True
    built = index.stat().st_mtime
    return any(f.stat().st_mtime > built for f in _sources())


@pytest.fixture(scope="session")
def client_build() -> Path:
    """client_web/dist, built now if missing or older than the sources."""
    if not _stale():
        return DIST
    npm = shutil.which("npm")
    if npm is None:
        service_missing("npm is not installed: cannot build the web client")
    if not (CLIENT / "node_modules" / ".package-lock.json").is_file():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, check=True)
    subprocess.run([npm, "run", "build"], cwd=CLIENT, check=True, capture_output=True)
    return DIST


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One browser for the browser tests. Package scope: Playwright's synchronous API keeps an
    asyncio loop running in this thread while it is open, and code after these tests that
    calls asyncio.run (pyHanko's synchronous wrappers) would fail."""
    if not Path(CHROMIUM).is_file():
        service_missing(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("e2e-template")
    path = root / "template.db"
    prepare_database(f"sqlite:///{path}", root / "storage")
    return path


@pytest.fixture
def server(client_build: Path, database_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """A real server process (gevent, the production entry point) on a fresh demo database."""
    path = tmp_path / "e2e.db"
    shutil.copyfile(database_template, path)
    # The demo documents' PDFs live beside the template: each server gets its own copy.
    storage = database_template.parent / "storage"
    if storage.is_dir():
        shutil.copytree(storage, tmp_path / "storage")
    live = LiveServer(database_url=f"sqlite:///{path}", storage=tmp_path / "storage")
    live.start()
    yield live
    live.stop()


@dataclass
class Watch:
    """What went wrong on a page: console errors, CSP violations, failed requests."""

    name: str
    problems: list[str] = field(default_factory=list)
    #: (method, path prefix, status) answers a test expects, e.g. ("GET", "/api/meetings", 401).
    expected: list[tuple[str, str, int]] = field(default_factory=list)
    #: The test takes the server away on purpose: refused connections are expected.
    outage: bool = False

    def allow(self, method: str, path: str, status: int) -> None:
        self.expected.append((method, path, status))


@pytest.fixture
def open_page(browser: Any, server: LiveServer) -> Iterator[Callable[..., Any]]:
    """open_page(name, viewport=LANDSCAPE, path="/", clock=False) -> a Page of its own context.

    Before login the client asks /api/me, which answers 200 with no user: nothing on a page
    that nobody logged in to yet is an error.
    """
    contexts: list[tuple[Any, Watch]] = []

    def _open(
        name: str, viewport: dict[str, int] | None = None, path: str = "/", clock: bool = False
    ) -> Any:
        context = browser.new_context(
            viewport=viewport or LANDSCAPE,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            base_url=server.url,
        )
        context.set_default_timeout(10_000)
        watch = Watch(name)
        page = context.new_page()
        page.watch = watch

        def on_console(msg: Any) -> None:
            if msg.type != "error" or "Failed to load resource" in msg.text:
                return
            if watch.outage and "WebSocket connection to" in msg.text:
                return
            watch.problems.append(f"console error: {msg.text}")

        def on_response(response: Any) -> None:
            status = response.status
            if status < 400:
                return
            request = response.request
            url = response.url.removeprefix(server.url)
            if any(
                request.method == m and url.startswith(p) and status == s
                for m, p, s in watch.expected
            ):
                return
            watch.problems.append(f"HTTP {status} on {request.method} {url}")

        def on_failed(request: Any) -> None:
            failure = request.failure or ""
            # Requests cut short on purpose: the page went offline or navigated away.
            if "ERR_INTERNET_DISCONNECTED" in failure or "ERR_ABORTED" in failure:
                return
            if watch.outage and any(e in failure for e in OUTAGE_ERRORS):
                return
            watch.problems.append(f"request failed: {request.method} {request.url} {failure}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: watch.problems.append(f"page error: {exc}"))
        page.on("response", on_response)
        page.on("requestfailed", on_failed)
        contexts.append((context, watch))
        if clock:
            # Playwright's clock: the test may move this page's time forward.
            page.clock.install()
        page.goto(path)
        return page

    yield _open
    problems = [f"[{w.name}] {p}" for _, w in contexts for p in w.problems]
    for context, _ in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def screenshot(page: Any, name: str) -> Path:
    """Save the page as tests/artifacts/screenshots/<name>-<w>x<h>.png (fonts loaded)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    path = SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate(
        "() => { window.scrollTo(0, 0); "
        "document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; }); }"
    )
    page.screenshot(path=str(path))
    return path


def screenshots(page: Any, name: str) -> None:
    """The screen at the tablet's two sizes, landscape and portrait; the size is restored."""
    size = page.viewport_size
    for viewport in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(viewport)
        screenshot(page, name)
    page.set_viewport_size(size)


def display_screenshots(page: Any, name: str) -> None:
    """The hall display at 1920x1080 and 3840x2160 (the same layout in rem); size restored."""
    size = page.viewport_size
    for viewport in (HD, UHD):
        page.set_viewport_size(viewport)
        screenshot(page, name)
    page.set_viewport_size(size)


_AXE = CLIENT / "node_modules" / "axe-core" / "axe.min.js"


def check_accessibility(page: Any, screen: str) -> None:
    """Fail on serious or critical axe-core violations (WCAG 2.1 A and AA) on this screen."""
    if not _AXE.is_file():
        service_missing("axe-core is not installed (npm ci in client_web)")
    # page.evaluate runs outside the page's CSP, which forbids inline scripts.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_AXE.read_text() + "\n;true")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations'],
            });
            return r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help} -> ` +
                          v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    assert not result, f"accessibility violations on {screen}:\n" + "\n".join(result)


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
