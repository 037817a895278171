"""The built handbook in headless Chromium, served on loopback with every other address blocked: its Chinese
search (jieba-segmented index) finds the right chapter first, and no page asks for anything from another site."""

from __future__ import annotations

import re
import threading

import pytest
from browser_support import allow_only, browser  # noqa: F401 (fixture)
from conftest import run_cli
from playwright.sync_api import expect
from quality_tools import assert_accessible, vnu_errors

from wenming.preview.server import make_server


@pytest.fixture(scope="module")
def handbook_url(tmp_path_factory):
    output = tmp_path_factory.mktemp("handbook-browser")
    result = run_cli("handbook", "--output", str(output))
    assert result.returncode == 0, result.stdout + result.stderr
    server = make_server(output / "site", 0, handbook_dir=output / "handbook")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tab(browser, handbook_url):  # noqa: F811 (the imported fixture)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    blocked = allow_only(context, handbook_url + "/")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(15_000)
    yield page, blocked, errors
    context.close()


def search(page, words: str):
    """Type ``words`` into the header's search box; the list of results."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(words)
    box.press("End")  # a key event, as a person typing would send
    return page.locator("li.md-search-result__item")


@pytest.mark.parametrize(("words", "chapter", "title"), [
    ("微讲堂", "quotas.html", "目标任务与进度"),
    ("媒体刊发", "writing/news.html", "报道"),
])
def test_chinese_words_find_their_chapter_first(tab, handbook_url, words, chapter, title):
    page, blocked, errors = tab
    page.goto(handbook_url + "/handbook/")
    results = search(page, words)
    first = results.first.locator("a").first
    expect(first).to_have_attribute("href", re.compile(rf"/handbook/{re.escape(chapter)}(\?|#|$)"))
    heading = first.locator("h1, h2").first.inner_text().replace("\u200b", "").strip()
    assert heading == title
    assert results.count() >= 2  # other chapters mention it too; the right one is first
    first.click()
    expect(page).to_have_url(re.compile(rf"/handbook/{re.escape(chapter)}"))
    assert words in page.locator("article").inner_text().replace("\u200b", "")
    assert blocked == [] and errors == []


def test_one_query_after_another_replaces_the_results(tab, handbook_url):
    page, blocked, _ = tab
    page.goto(handbook_url + "/handbook/")
    first = search(page, "微讲堂").first.locator("a").first
    expect(first).to_have_attribute("href", re.compile(r"/handbook/quotas\.html"))
    first = search(page, "媒体刊发").first.locator("a").first
    expect(first).to_have_attribute("href", re.compile(r"/handbook/writing/news\.html"))
    first = search(page, "E201").first.locator("a").first
    expect(first).to_have_attribute("href", re.compile(r"/handbook/reference/codes\.html"))
    assert blocked == []


def test_pages_load_everything_from_the_handbook_itself(tab, handbook_url):
    page, blocked, errors = tab
    for name in ("index.html", "cms.html", "quotas.html", "reference/codes.html", "writing/news.html"):
        page.goto(f"{handbook_url}/handbook/{name}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.lang") == "zh"
    images = page.goto(f"{handbook_url}/handbook/cms.html", wait_until="networkidle") and page.locator("article img")
    assert images.count() == 5
    for index in range(images.count()):
        assert images.nth(index).evaluate("img => img.complete && img.naturalWidth > 600")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Roboto" not in font
    assert blocked == [] and errors == []


def test_handbook_pages_pass_the_html_checker(handbook_url, tmp_path_factory):
    """Every page of the built handbook is valid HTML (the Nu HTML Checker, as for the site and the kiosk)."""
    folder = next(tmp_path_factory.getbasetemp().glob("handbook-browser*")) / "handbook"
    pages = sorted(folder.rglob("*.html"))
    assert len(pages) > 15
    errors = vnu_errors(*pages)
    assert errors == [], "\n".join(str(error) for error in errors)


@pytest.mark.parametrize("path", ["/handbook/", "/handbook/writing/news.html", "/handbook/reference/codes.html"])
def test_handbook_pages_have_no_accessibility_violations(tab, handbook_url, path):
    page, blocked, errors = tab
    page.goto(handbook_url + path)
    assert_accessible(page, f"handbook {path}")
    assert blocked == [] and errors == []
