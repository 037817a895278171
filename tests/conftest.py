"""Shared fixtures: small content trees, builds, CLI runs and HTML parsing."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from browser_support import allow_only
from bs4 import BeautifulSoup
from sitekit import make_site, write_registry

from wenming.build.pipeline import build
from wenming.preview.server import make_server
from wenming.source.messages import LANGUAGE_VARIABLE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Tests compare messages in English, the maintainers' language (WENMING_LANG=en, inherited by
    the CLI processes they start); tests of the Chinese text ask for it with WENMING_LANG=zh."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


@pytest.fixture
def content(tmp_path) -> Path:
    """A content folder with the minimal registry and no reports yet."""
    return write_registry(tmp_path / "content")


@pytest.fixture
def built_site(tmp_path):
    """Build a small tree: built_site({'a.md': news(...)}) -> path of output/site."""

    def _build(reports=None) -> Path:
        content = make_site(tmp_path, reports)
        return build(content, tmp_path / "output").site_dir

    return _build


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@contextlib.contextmanager
def serving(content: Path, output: Path):
    """Run `build.py serve --port 0` on a content tree; yields the base URL once it is listening."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--content", str(content),
         "--output", str(output)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match:
                yield match.group(0)
                return
        raise AssertionError(f"serve did not start: {process.stderr.read()}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The bundled sample content built once per test session."""
    output = tmp_path_factory.mktemp("sample") / "output"
    return build(ROOT / "content", output).site_dir


@pytest.fixture(scope="session")
def sample_site_url(sample_site):
    """The sample site served on loopback for the browser tests."""
    server = make_server(sample_site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def only_error(messages: list[str]) -> str:
    """The one error among formatted diagnostics (failing when there are more or none)."""
    errors = [m for m in messages if re.search(r": error(\[[EW]\d+\])?: ", m)]
    assert len(errors) == 1, messages
    return errors[0]


@pytest.fixture
def page(browser):
    """A tab of a site served on loopback (1280 x 900); the test fails if a request left 127.0.0.1. ``browser``
    comes from browser_support, which the browser test modules import."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside = allow_only(context, "http://127.0.0.1:")
    tab = context.new_page()
    yield tab
    context.close()
    assert outside == [], f"requests left the site: {outside}"
