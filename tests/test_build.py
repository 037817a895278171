"""Build a small tree for real and check the generated HTML, feeds, API and sitemap by parsing them."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import soup
from sitekit import make_site, news

from wenming.build.pipeline import build

ATOM = "{http://www.w3.org/2005/Atom}"

REPORTS = {
    "2022/05/a.md": news(slug="a", village="北关社区", platform="理论宣讲", task="学习实践科学理论",
                         topics="[国际志愿者日]", kind="微讲堂",
                         publications="\n  - outlet: 西乡融媒\n    url: https://xxrm.example/1\n"
                                      "  - outlet: 陕西文明网\n    date: 2022-05-20"),
    "2022/06/b.md": news(slug="b", title="杨河镇志愿者培训", units="[杨河, 县卫健局]", kind="培训", date="2022-06-01"),
    "2022/06/c.md": news(slug="c", title="草稿不应公开", status="draft", date="2022-06-02"),
    "2022/06/d.md": news(slug="d", title="待审稿件不应公开", status="review", date="2022-06-03"),
    "2022/07/e.md": news(slug="e", title="城北七月活动一", date="2022-07-01"),
    "2022/07/f.md": news(slug="f", title="城北七月活动二", date="2022-07-02"),
    "2022/07/g.md": news(slug="g", title="城北七月活动三", date="2022-07-03"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    return build(make_site(root, REPORTS), root / "output").site_dir


def test_report_page_shows_units_taxonomy_and_publications(site):
    page = soup(site / "news/a/index.html")
    assert page.html["lang"] == "zh-CN"
    assert page.h1.get_text(strip=True) == "城北街道开展宣讲活动"
    facts = {div.dt.get_text(): div.dd.get_text() for div in page.select("dl.facts > div")}
    assert facts == {"日期": "2022年5月12日", "报送单位": "城北街道", "村（社区）": "北关社区", "实践平台": "理论宣讲",
                     "重点任务": "学习实践科学理论", "报道类型": "微讲堂", "专题": "国际志愿者日"}
    unit_link = page.select_one("dl.facts a[href^='/column/']")
    assert unit_link["href"] == "/column/chengbei-jiedao/"
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in page.select(".publications tbody tr")]
    assert rows == [["西乡融媒", "县级", "2022年5月12日", "阅读原文 （西乡融媒）"],
                    ["陕西文明网", "省级", "2022年5月20日", "—"]]
    assert page.select_one(".publications .badge.level-provincial").get_text() == "省级"


def test_drafts_and_reviews_appear_nowhere(site):
    assert not (site / "news/c").exists() and not (site / "news/d").exists()
    everything = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()
                         and p.suffix in {".html", ".json", ".xml"})
    assert "草稿不应公开" not in everything and "待审稿件不应公开" not in everything
    assert (site / "news/a/index.html").is_file()


def test_column_is_newest_first_and_its_first_page_holds_up_to_two_pages(site):
    first = soup(site / "column/index.html")
    titles = [a.get_text() for a in first.select(".report-title a")]
    # per_page: 3, five reports: no full archive page yet (pages count from the oldest, see
    # test_stable_pagination), so the first page holds all five and links to no other page.
    assert titles == ["城北七月活动三", "城北七月活动二", "城北七月活动一", "杨河镇志愿者培训", "城北街道开展宣讲活动"]
    assert first.select_one(".pagination") is None
    assert not (site / "column/page").exists()


def test_sub_columns_per_unit_platform_task_topic_and_kind(site):
    def titles(url):
        return [a.get_text() for a in soup(site / url.strip("/") / "index.html").select(".report-title a")]

    assert titles("/column/yanghe-zhen/") == ["杨河镇志愿者培训"]
    assert titles("/column/xianweijian-ju/") == ["杨河镇志愿者培训"]
    assert titles("/column/platform/lilunxuanjiang/") == ["城北街道开展宣讲活动"]
    assert titles("/column/task/xuexishijiankexuelilun/") == ["城北街道开展宣讲活动"]
    assert titles("/column/topic/guojizhiyuanzheri/") == ["城北街道开展宣讲活动"]
    assert titles("/column/kind/peixun/") == ["杨河镇志愿者培训"]
    assert titles("/column/cha-zhen/") == []
    assert soup(site / "column/cha-zhen/index.html").select_one(".empty").get_text() == "暂无报道。"


def test_monthly_archive_holds_full_reports_for_print(site):
    page = soup(site / "column/2022/07/index.html")
    assert page.h1.get_text() == "2022年7月文明实践报道"
    assert [a.get_text() for a in page.select("article.month-report h2 a")] == [
        "城北七月活动一", "城北七月活动二", "城北七月活动三"]
    assert page.select_one("article.month-report .report-body p").get_text() == "这是正文第一段。"
    assert page.find("link", rel="stylesheet", media="print")["href"] == "/theme/css/print.css"
    months = soup(site / "column/archives/index.html")
    assert [a["href"] for a in months.select("section .chips a")] == ["/column/2022/07/", "/column/2022/06/", "/column/2022/05/"]


def test_town_pages(site):
    index = soup(site / "towns/index.html")
    assert [a.get_text() for a in index.select(".card h2 a")] == ["城北街道", "杨河镇", "茶镇"]
    assert [re.search(r"报道 (\d+) 篇", p.get_text())[1] for p in index.select(".card-facts")] == ["4", "1", "0"]
    town = soup(site / "towns/chengbei-jiedao/index.html")
    assert town.h1.get_text() == "城北街道"
    assert town.select_one(".lead").get_text() == "城北街道新时代文明实践所"
    rows = {tr.th.get_text(): [td.get_text() for td in tr.find_all("td")] for tr in town.select("tbody tr")}
    assert rows["北关社区"] == ["3000", "是", "8/8", "是"]
    assert rows["东关社区"] == ["2500", "否", "无数据", "否"]
    assert len(town.select(".report-title a")) == 4


def test_atom_feeds_for_column_and_each_town(site):
    column = ET.parse(site / "feeds/column.atom.xml").getroot()
    entries = column.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries][:2] == ["城北七月活动三", "城北七月活动二"]
    assert entries[0].find(f"{ATOM}link").get("href") == "https://example.test/news/g/"
    town = ET.parse(site / "feeds/towns/yanghe-zhen.atom.xml").getroot()
    assert [e.find(f"{ATOM}title").text for e in town.findall(f"{ATOM}entry")] == ["杨河镇志愿者培训"]


def test_json_feed_1_1(site):
    feed = json.loads((site / "feeds/column.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://example.test/feeds/column.json"
    first = feed["items"][0]
    assert first["url"] == "https://example.test/news/g/" and first["date_published"] == "2022-07-03T12:00:00+08:00"
    assert len(feed["items"]) == 5


def test_embeddable_fragment_is_plain_html_with_absolute_links(site):
    text = (site / "embed/latest.html").read_text(encoding="utf-8")
    fragment = soup(site / "embed/latest.html")
    assert "<html" not in text and "<script" not in text and "<link" not in text
    assert [a["href"] for a in fragment.select("li a")][0] == "https://example.test/news/g/"


def test_json_api(site):
    api = site / "api/v1"
    items = json.loads((api / "news.json").read_text(encoding="utf-8"))["items"]
    assert [i["slug"] for i in items] == ["g", "f", "e", "b", "a"]
    a = next(i for i in items if i["slug"] == "a")
    assert {k: a[k] for k in ("title", "date", "units", "towns", "village", "platform", "task", "kind", "levels", "url")} == {
        "title": "城北街道开展宣讲活动", "date": "2022-05-12", "units": ["城北街道"], "towns": ["城北街道"],
        "village": "北关社区", "platform": "理论宣讲", "task": "学习实践科学理论", "kind": "微讲堂",
        "levels": ["省级", "县级"], "url": "/news/a/"}
    b = next(i for i in items if i["slug"] == "b")
    assert b["units"] == ["杨河镇", "县卫健局"] and b["towns"] == ["杨河镇"]
    detail = json.loads((api / "news/a.json").read_text(encoding="utf-8"))
    assert detail["publications"][1] == {"outlet": "陕西文明网", "level": "省级", "date": "2022-05-20", "url": None,
                                         "registered": True}
    assert detail["html"].startswith("<p>这是正文第一段。</p>")
    units = json.loads((api / "units.json").read_text(encoding="utf-8"))["units"]
    assert [(u["name"], u["kind"], u["slug"]) for u in units][:2] == [("城北街道", "town", "chengbei-jiedao"),
                                                                      ("杨河镇", "town", "yanghe-zhen")]
    assert units[0]["villages"][0] == {"name": "北关社区", "population": 3000, "key": True}
    outlets = json.loads((api / "outlets.json").read_text(encoding="utf-8"))["outlets"]
    assert outlets[0] == {"name": "中国文明网", "level": "中央", "url": "http://www.wenming.cn/", "aliases": []}


def test_json_schema_comes_from_the_validating_schema_with_registry_choices(site):
    schema = json.loads((site / "api/v1/schema/news.json").read_text(encoding="utf-8"))
    assert schema["required"] == ["title", "date", "units"]
    assert schema["properties"]["platform"]["anyOf"][0]["enum"] == ["理论宣讲", "卫生健康"]
    assert schema["properties"]["units"]["x-choices"] == ["城北街道", "杨河镇", "茶镇", "县卫健局", "县新时代文明实践中心"]
    assert schema["properties"]["status"]["enum"] == ["published", "review", "draft"]
    assert (site / "api/v1/schema/page.json").is_file()


def test_sitemap_lists_pages_but_not_404(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {"https://example.test/", "https://example.test/news/a/", "https://example.test/towns/yanghe-zhen/",
            "https://example.test/column/"} <= locs
    assert not any("404" in loc or "/news/c/" in loc for loc in locs)


def test_404_page(site):
    page = soup(site / "404.html")
    assert page.h1.get_text() == "页面未找到"


def test_urls_are_ascii_and_every_internal_link_resolves(site):
    for path in site.rglob("*.html"):
        page = soup(path)
        for tag in page.find_all(["a", "link", "script", "img"]):
            url = tag.get("href") or tag.get("src")
            if not url or url.startswith(("#", "mailto:", "tel:")):
                continue
            assert url.isascii() and "%" not in url, (path, url)
            if url.startswith("/"):
                target = site / url.lstrip("/").split("#")[0]
                assert target.is_file() or (target / "index.html").is_file(), (path, url)


def test_no_external_assets(site):
    for path in site.rglob("*.html"):
        page = soup(path)
        for tag in page.find_all(["link", "script", "img", "iframe", "source", "video", "audio"]):
            url = tag.get("src") or (tag.get("href") if tag.name == "link" and tag.get("rel") != ["canonical"] else None)
            assert url is None or not re.match(r"^(https?:)?//", url), (path, url)


def test_a_town_feed_without_reports_is_dated_by_the_newest_report_not_by_the_clock(site):
    empty = ET.parse(site / "feeds/towns/cha-zhen.atom.xml").getroot()
    column = ET.parse(site / "feeds/column.atom.xml").getroot()
    assert empty.findall(f"{ATOM}entry") == [] and column.findall(f"{ATOM}entry")
    assert empty.findtext(f"{ATOM}updated") == column.findtext(f"{ATOM}updated") == "2022-07-03T12:00:00+08:00"
