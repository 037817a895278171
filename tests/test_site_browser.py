"""The public site in headless Chromium: Chinese search, quota table enhancement, print, keyboard, offline."""

from __future__ import annotations

import pytest
from browser_support import browser  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def site_url(sample_site_url):
    return sample_site_url


@pytest.fixture
def page(browser):  # noqa: F811 (the imported fixture)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_loopback(route):
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    tab = context.new_page()
    yield tab
    context.close()
    assert outside == [], f"requests left the site: {outside}"


def wait_for_results(page) -> str:
    page.wait_for_function("() => /找到|没有/.test(document.querySelector('.search-status').textContent)",
                           timeout=20000)
    return page.inner_text(".search-status")


@pytest.mark.parametrize("query, expected", [
    ("写春联", "城南街道南关社区开展“我们的节日·春节”写春联送祝福活动"),
    ("防溺水", "县教体局联合白龙塘镇开展暑期防溺水安全教育志愿服务"),
    ("微讲堂 天池村", "大河镇天池村“茶乡微讲堂”宣讲党的二十大精神"),
])
def test_chinese_search_finds_the_expected_report_first(page, site_url, query, expected):
    page.goto(site_url + "search/?q=" + query)
    assert wait_for_results(page).startswith("找到")
    first = page.locator(".search-results .report-title a").first
    assert first.inner_text() == expected
    assert first.get_attribute("href").startswith("/news/")
    excerpt = page.locator(".search-results .search-excerpt").first
    assert excerpt.locator("mark").first.inner_text() in query
    assert page.locator(".search-results .report-meta").first.inner_text().startswith("2022年")


def test_search_filters_by_town(page, site_url):
    page.goto(site_url + "search/?q=茶乡微讲堂")
    wait_for_results(page)
    all_titles = page.locator(".search-results .report-title a").all_inner_texts()
    assert len(all_titles) >= 3
    page.select_option("select[name='镇（街道）']", "茶镇")
    page.wait_for_function("() => { const titles = [...document.querySelectorAll('.search-results .report-title a')];"
                           " return /找到/.test(document.querySelector('.search-status').textContent)"
                           " && titles.length > 0 && titles.every(a => a.textContent.startsWith('茶镇')); }",
                           timeout=20000)
    filtered = page.locator(".search-results .report-title a").all_inner_texts()
    assert filtered and len(filtered) < len(all_titles)


def test_header_search_form_leads_to_results(page, site_url):
    page.goto(site_url)
    page.fill("#header-search-input", "二十大精神")
    page.press("#header-search-input", "Enter")
    page.wait_for_url("**/search/?q=*")
    assert wait_for_results(page).startswith("找到")


def test_quota_matrix_sorts_and_filters_with_javascript(page, site_url):
    page.goto(site_url + "quota/2022/")
    table = page.locator("#towns-matrix")
    header = table.locator("thead th").nth(3)  # 县级媒体
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    values = [float(v) for v in table.locator("tbody tr td:nth-child(4)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)")]
    assert values == sorted(values)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    page.fill("#quota-filter-text", "城北")
    visible = table.locator("tbody tr:not([hidden]) th").all_inner_texts()
    assert visible == ["城北街道"]
    assert "显示 1 /" in page.inner_text(".filter-count")


def test_quota_matrix_is_complete_without_javascript(browser, sample_site, site_url):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "quota/2022/")
    assert page.locator("#towns-matrix tbody tr").count() == 17
    assert not page.locator(".table-tools").is_visible()
    context.close()


def test_monthly_archive_prints_without_navigation(page, site_url):
    page.goto(site_url + "column/2022/05/")
    page.emulate_media(media="print")
    assert page.locator(".site-nav").evaluate("n => getComputedStyle(n).display") == "none"
    assert page.locator(".site-footer").evaluate("n => getComputedStyle(n).display") == "none"
    assert page.locator("article.month-report").count() >= 3
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_first_tab_reaches_a_visible_skip_link(page, site_url):
    page.goto(site_url + "column/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0
    outline = page.locator(".skip-link").evaluate("n => getComputedStyle(n).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
