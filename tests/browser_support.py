"""Headless Chromium for the browser tests: Playwright's Python API driving Debian's chromium.

A missing browser fails the tests (it does not skip them): run
scripts/install-browser.sh, which scripts/test.sh also runs.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=zh-CN"]  # Chinese date pickers and messages, as on the staff's and the kiosk's machines
INSTALL_HINT = "run scripts/install-browser.sh (Debian's chromium and zbar-tools, Playwright into .venv)"
LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}


def require(found: object, what: str) -> None:
    if not found:
        pytest.fail(f"{what} is missing: {INSTALL_HINT}", pytrace=False)


RUNNING_BROWSER = pytest.StashKey[object]()


@pytest.fixture(scope="session")
def browser(request):
    """One Chromium for the whole session.

    Each test module that imports this fixture gets its own copy of it, but Playwright's sync API
    runs once per thread: the first copy starts the browser and keeps it in the pytest config's
    stash, where the others find it; it is closed when the session ends.
    """
    stash = request.config.stash
    if RUNNING_BROWSER not in stash:
        require(CHROMIUM.is_file(), str(CHROMIUM))
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            require(False, "the Python package playwright")
        playwright = sync_playwright().start()
        stash[RUNNING_BROWSER] = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        request.config.add_cleanup(playwright.stop)
        request.config.add_cleanup(stash[RUNNING_BROWSER].close)
    return stash[RUNNING_BROWSER]


@dataclasses.dataclass
class OfflineTab:
    """A touch-screen tab where every request that is not for a local file is aborted and recorded."""

    page: object
    blocked: list[str]
    failed: list[str]


def allow_only(context, *prefixes: str) -> list[str]:
    """Abort every request of ``context`` whose URL does not start with one of ``prefixes``;
    returns the (growing) list of the URLs it aborted."""
    blocked: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith(prefixes):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return blocked


def open_offline_tab(browser, viewport: dict = LANDSCAPE) -> OfflineTab:
    """A new touch-screen context and tab; close it with ``tab.page.context.close()``."""
    context = browser.new_context(viewport=viewport, has_touch=True)
    blocked = allow_only(context, "file:")
    failed: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: None if request.url.startswith(("file:", "data:", "about:"))
            else blocked.append(request.url))
    page.on("requestfailed", lambda request: _cut_short(request) or failed.append(f"{request.url}: {request.failure}"))
    return OfflineTab(page, blocked, failed)


def _cut_short(request) -> bool:
    """Whether a failed request was for a file that is there, cut short because the tab moved on (a page's
    favicon still loading when the test opens the next page): no fault of what is tested. A missing file
    fails with net::ERR_FILE_NOT_FOUND instead, and a request leaving the files is blocked (recorded)."""
    if request.failure != "net::ERR_ABORTED" or not request.url.startswith("file:"):
        return False
    return Path(urllib.request.url2pathname(urllib.parse.urlparse(request.url).path)).is_file()


def decode_qr(png: Path) -> str:
    """The text of the QR code in a PNG picture, read by zbarimg."""
    require(shutil.which("zbarimg"), "zbarimg (Debian package zbar-tools)")
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def swipe(page, start: tuple[int, int], end: tuple[int, int], steps: int = 8) -> None:
    """A real one-finger swipe through the DevTools protocol (touch events, as a touch screen sends them)."""
    session = page.context.new_cdp_session(page)
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
    for step in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * step / steps
        y = start[1] + (end[1] - start[1]) * step / steps
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()

