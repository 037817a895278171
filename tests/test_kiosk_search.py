"""Kiosk search from file:// with the network cut: the embedded index, exact Chinese matching, taps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import LANDSCAPE, browser, open_offline_tab  # noqa: F401 (fixture)
from sitekit import make_hall_demo

from wenming.build.pipeline import build


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kiosk-search")
    return build(make_hall_demo(root), root / "output").site_dir.parent / "kiosk"


def test_index_holds_every_published_exhibit_with_relative_urls(kiosk):
    script = (kiosk / "assets/search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.KIOSK_SEARCH = ")
    entries = json.loads(script.removeprefix("window.KIOSK_SEARCH = ").rstrip(";\n"))
    assert sorted(e["title"] for e in entries) == ["五大平台", "序厅导览", "志愿服务队", "茶乡微讲堂"]
    for entry in entries:
        assert not entry["url"].startswith(("/", "http")) and (kiosk / entry["url"]).is_file()
    guide = next(e for e in entries if e["title"] == "序厅导览")
    assert "第二段。" in guide["text"] and "展厅入口" in guide["text"]  # body and picture captions


def test_search_by_typing_and_by_tapping_a_keyword_offline(browser, kiosk):  # noqa: F811
    tab = open_offline_tab(browser, LANDSCAPE)
    page = tab.page
    try:
        page.goto((kiosk / "search.html").as_uri())
        page.fill("#kiosk-search-input", "竖图说明")
        page.wait_for_function("document.querySelectorAll('.search-hit').length === 1")
        assert page.inner_text(".search-hit .search-hit-title") == "五大平台"
        assert page.inner_text(".search-status") == "找到 1 件展品"
        page.fill("#kiosk-search-input", "没有这个词")
        page.wait_for_function("document.querySelector('.search-status').textContent === '没有找到相关展品'")
        chip = page.locator("[data-keyword='志愿服务']")
        assert chip.bounding_box()["height"] >= 48
        chip.tap()
        page.wait_for_function("document.querySelectorAll('.search-hit').length >= 1")
        assert "志愿服务队" in page.locator(".search-hit-title").all_inner_texts()
        page.locator(".search-hit").first.tap()
        page.wait_for_url("**/zhiyuan/*.html")
        assert tab.blocked == [] and tab.failed == []
    finally:
        page.context.close()


def test_every_kiosk_page_links_to_search(kiosk):
    for page in kiosk.rglob("*.html"):
        assert 'search.html"' in page.read_text(encoding="utf-8"), page
