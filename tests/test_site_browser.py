"""The public site in headless Chromium: Chinese search, quota table enhancement, print, keyboard, offline."""

from __future__ import annotations

import pytest
from browser_support import browser  # noqa: F401 (fixture; `page` is in conftest.py)


@pytest.fixture(scope="module")
def site_url(sample_site_url):
    return sample_site_url


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


# --- search over an index split into several bundles (wenming/search_index.py) -----------------------------

SHARDED_TOWNS = ["城北街道", "杨河镇", "茶镇"]


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    """A small site whose search index is split into shards of three pages, served on loopback."""
    import threading

    from sitekit import make_site, news

    from wenming.build.pipeline import build
    from wenming.preview.server import make_server
    from wenming.publish import search_index

    root = tmp_path_factory.mktemp("sharded")
    reports = {f"r{i}.md": news(title=f"{SHARDED_TOWNS[i % 3]}开展第{i}次宣讲活动", slug=f"r{i}",
                                units=SHARDED_TOWNS[i % 3], date=f"2022-05-{i + 1:02d}",
                                body=f"宣讲活动正文。{'独一无二的萤火虫观察课' if i == 10 else ''}")
               for i in range(12)}
    content = make_site(root, reports)
    (content / "pages").mkdir()
    (content / "pages/about.md").write_text("---\ntitle: 关于我们\nslug: about\norder: 10\n---\n\n宣讲活动的介绍。\n",
                                            encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "SHARD_SIZE", 3)
        site = build(content, root / "output").site_dir
        plan = search_index.plan_bundles([f"news/r{i}/index.html" for i in range(12)], ["about/index.html"])
    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", plan
    server.shutdown()
    server.server_close()


def test_search_spans_every_bundle(page, sharded_site):
    url, plan = sharded_site
    holder = next(bundle for bundle, pages in plan.items() if "news/r10/index.html" in pages)
    assert holder != "pagefind" and len(plan) >= 4 and plan["pagefind"] == ["about/index.html"]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url + "search/?q=萤火虫观察课")
    assert wait_for_results(page) == "找到 1 条结果。"
    link = page.locator(".search-results .report-title a")
    assert link.all_inner_texts() == ["杨河镇开展第10次宣讲活动"]
    assert link.first.get_attribute("href") == "/news/r10/"
    assert any(f"/{holder}/pagefind-entry.json" in r for r in requested), requested
    assert not any(f"/{holder}/" in r and r.endswith((".js", ".css")) for r in requested), requested

    page.goto(url + "search/?q=宣讲活动")
    assert wait_for_results(page) == "找到 13 条结果。"  # twelve reports and the page about us


def test_town_filter_narrows_results_across_bundles(page, sharded_site):
    url, _ = sharded_site
    page.goto(url + "search/?q=宣讲活动")
    wait_for_results(page)
    options = page.locator("select[name='镇（街道）'] option").all_inner_texts()
    assert options == ["全部", "城北街道（4）", "杨河镇（4）", "茶镇（4）"]
    page.select_option("select[name='镇（街道）']", "茶镇")
    page.wait_for_function("() => document.querySelector('.search-status').textContent === '找到 4 条结果。'",
                           timeout=20000)
    titles = page.locator(".search-results .report-title a").all_inner_texts()
    assert sorted(titles) == sorted(f"茶镇开展第{i}次宣讲活动" for i in (2, 5, 8, 11))
