"""The bundled sample site, built once: content coverage, structure and accessibility basics of every page."""

from __future__ import annotations

import collections
import json
import re

import pytest
from conftest import soup

SEED_TOWNS = ["城北街道", "城南街道", "杨河镇", "柳树镇", "沙河镇", "私渡镇", "桑园镇", "白龙塘镇", "峡口镇", "堰口镇",
              "茶镇", "高川镇", "两河口镇", "大河镇", "骆家坝镇", "子午镇", "白勉峡镇"]


@pytest.fixture(scope="module")
def news_items(sample_site):
    return json.loads((sample_site / "api/v1/news.json").read_text(encoding="utf-8"))["items"]


@pytest.fixture(scope="module")
def pages(sample_site):
    return {path: soup(path) for path in sample_site.rglob("*.html") if path.name != "latest.html"}


def test_sample_content_covers_the_work_plan(news_items):
    in_2022 = [i for i in news_items if i["date"].startswith("2022")]
    assert len(in_2022) >= 60
    assert {t for i in news_items for t in i["towns"]} == set(SEED_TOWNS)
    assert len({u for i in news_items for u in i["units"]} - set(SEED_TOWNS)) >= 5  # departments
    assert {i["platform"] for i in news_items} >= {"理论宣讲", "教育体育", "文化文艺", "科技与科普", "卫生健康"}
    assert {i["kind"] for i in news_items} == {"活动", "微讲堂", "培训", "表彰", "其他"}
    assert {level for i in news_items for level in i["levels"]} == {"中央", "省级", "市级", "县级"}


def test_registry_has_the_seed_organisation(sample_site):
    units = json.loads((sample_site / "api/v1/units.json").read_text(encoding="utf-8"))["units"]
    towns = [u for u in units if u["kind"] == "town"]
    assert [t["name"] for t in towns] == SEED_TOWNS
    assert sum(len(t["villages"]) for t in towns) == 215
    assert all(sum(v["key"] for v in t["villages"]) >= 2 for t in towns)
    assert {"县新时代文明实践中心", "县教体局", "县卫健局"} <= {u["name"] for u in units}


def test_every_published_report_has_a_page_and_api_entry(sample_site, news_items):
    for item in news_items:
        assert (sample_site / item["url"].strip("/") / "index.html").is_file()
        assert (sample_site / item["api_url"].lstrip("/")).is_file()
    assert len(news_items) == len(list((sample_site / "news").iterdir()))


def test_every_town_has_a_page_column_and_feed(sample_site):
    towns = soup(sample_site / "towns/index.html").select(".card h2 a")
    assert [a.get_text() for a in towns] == SEED_TOWNS
    for link in towns:
        slug = link["href"].strip("/").split("/")[-1]
        assert re.fullmatch(r"[a-z]+-(zhen|jiedao)", slug), slug
        assert (sample_site / f"column/{slug}/index.html").is_file()
        assert (sample_site / f"feeds/towns/{slug}.atom.xml").is_file()


def test_quota_api_has_every_unit(sample_site):
    quotas = json.loads((sample_site / "api/v1/quotas/2022.json").read_text(encoding="utf-8"))
    units = json.loads((sample_site / "api/v1/units.json").read_text(encoding="utf-8"))["units"]
    assert [u["unit"] for u in quotas["units"]] == [u["name"] for u in units]


def test_pages_have_language_landmarks_and_a_skip_link(pages):
    for path, page in pages.items():
        if path.name == "latest.html":
            continue
        assert page.html["lang"] == "zh-CN", path
        assert page.title and page.title.get_text(strip=True), path
        skip = page.select_one("a.skip-link")
        assert skip["href"] == "#main" and page.find(id="main").name == "main", path
        assert page.find("header") and page.find("nav") and page.find("footer"), path


def test_exactly_one_h1_and_no_skipped_heading_levels(pages):
    for path, page in pages.items():
        headings = [int(h.name[1]) for h in page.find_all(re.compile(r"^h[1-6]$"))]
        assert headings.count(1) == 1, path
        for previous, current in zip(headings, headings[1:]):
            assert current <= previous + 1, (path, headings)


def test_images_have_alt_and_ids_are_unique(pages):
    for path, page in pages.items():
        for img in page.find_all("img"):
            assert img.has_attr("alt"), (path, img)
        ids = [tag["id"] for tag in page.find_all(id=True)]
        duplicates = [i for i, n in collections.Counter(ids).items() if n > 1]
        assert not duplicates, (path, duplicates)


def test_form_controls_have_labels(pages):
    for path, page in pages.items():
        for control in page.find_all(["input", "select", "textarea"]):
            if control.get("type") in ("hidden", "submit", "button"):
                continue
            labelled = control.get("aria-label") or control.get("aria-labelledby") or (
                control.get("id") and page.find("label", attrs={"for": control["id"]}))
            assert labelled, (path, control)


def test_internal_links_resolve_and_no_external_assets(sample_site, pages):
    for path, page in pages.items():
        for tag in page.find_all(["a", "link", "script", "img", "source"]):
            url = tag.get("href") or tag.get("src")
            if tag.name in ("link", "script", "img", "source") and tag.get("rel") != ["canonical"]:
                for candidate in [url, *(s.split()[0] for s in tag.get("srcset", "").split(",") if s.strip())]:
                    assert not candidate or not re.match(r"^(https?:)?//", candidate), (path, candidate)
            if url and url.startswith("/"):
                target = sample_site / url.lstrip("/").split("#")[0]
                assert target.is_file() or (target / "index.html").is_file(), (path, url)
