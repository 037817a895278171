"""The online hall: a real build of a small tree, checked by parsing its pages, API and sitemap."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import soup
from sitekit import make_hall_demo

from wenming.build.pipeline import build


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hall")
    return build(make_hall_demo(root), root / "output").site_dir


def test_hall_index_lists_sections_with_counts(site):
    page = soup(site / "hall/index.html")
    assert page.h1.get_text() == "测试展厅"
    assert page.select_one(".hall-intro strong").get_text() == "简介"
    cards = [(c.select_one(".hall-card-title").get_text(), c.select_one(".card-facts").get_text(),
              c.a["href"]) for c in page.select(".hall-card")]
    assert cards == [("序厅", "3 件展品", "/hall/xuting/"), ("志愿服务", "1 件展品", "/hall/zhiyuan/")]
    assert page.select_one(".hall-card img")["alt"] == ""
    assert page.select_one(".site-nav a[aria-current=page]").get_text() == "展厅"


def test_navigation_and_home_page_lead_to_the_hall(site):
    home = soup(site / "index.html")
    assert [a["href"] for a in home.select(".site-nav a") if a.get_text() == "展厅"] == ["/hall/"]
    assert home.select_one("#hall-heading").find_next("a")["href"] == "/hall/"


def test_section_page_orders_published_exhibits(site):
    page = soup(site / "hall/xuting/index.html")
    assert [a.get_text() for a in page.select(".hall-card-title")] == ["序厅导览", "五大平台", "茶乡微讲堂"]
    assert page.select_one(".hall-sections a[aria-current=page]").get_text() == "序厅"
    assert not (site / "hall/xuting/draft").exists()
    everything = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in {".html", ".json"})
    assert "未发布展品" not in everything


def test_exhibit_page_gallery_works_without_javascript(site):
    page = soup(site / "hall/xuting/platforms/index.html")
    assert [li.get_text(strip=True) for li in page.select(".breadcrumbs li")] == ["首页", "展厅", "序厅", "五大平台"]
    links = page.select(".gallery-link")
    assert [a.img["alt"] for a in links] == ["竖图", "竖拍大图"]
    assert [a["data-caption"] for a in links] == ["竖图说明", ""]
    for link in links:  # each picture links to its largest published variant
        assert link["href"].startswith("/media/") and (site / link["href"].lstrip("/")).is_file()
    assert links[1]["href"].endswith("-1600.jpg")  # 1600×2400 once upright: the widest variant is 1600
    assert page.select_one(".gallery figcaption").get_text() == "竖图说明"
    assert page.find("script", src="/theme/js/hall-gallery.js").has_attr("defer")
    dialog = page.select_one("dialog.lightbox")
    assert [b.get_text() for b in dialog.find_all("button")] == ["上一张", "下一张", "关闭"]


def test_exhibit_page_links_reports_pager_and_qr_code(site):
    page = soup(site / "hall/xuting/guide/index.html")
    assert page.select_one(".exhibit-related a")["href"] == "/news/chengbei-xuanjiang/"
    assert page.select_one(".report-body a")["href"] == "http://www.wenming.cn/"  # online, links stay links
    pager = {a.get("rel", ["section"])[0]: a["href"] for a in page.select(".exhibit-pager a")}
    assert pager == {"section": "/hall/xuting/", "next": "/hall/xuting/platforms/"}
    qr = page.select_one(".qr img")
    assert qr["src"] == "/hall/xuting/guide/qr.svg"
    assert qr["alt"] == "本页二维码：https://example.test/hall/xuting/guide/"
    svg = ET.parse(site / "hall/xuting/guide/qr.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") is not None
    assert page.find("link", rel="canonical")["href"] == "https://example.test/hall/xuting/guide/"
    middle = soup(site / "hall/xuting/platforms/index.html")
    assert {a["rel"][0] for a in middle.select(".exhibit-pager a[rel]")} == {"prev", "next"}


def test_video_and_captions_are_published_beside_the_page(site):
    page = soup(site / "hall/xuting/lecture/index.html")
    video = page.select_one(".exhibit-video video")
    assert video["src"] == "/hall/xuting/lecture/clip.mp4"
    assert video.track["src"] == "/hall/xuting/lecture/clip.vtt" and video.track["kind"] == "captions"
    assert (site / "hall/xuting/lecture/clip.mp4").read_bytes() == b"not really a video"
    assert page.select_one(".exhibit-video figcaption").get_text() == "讲堂视频"


def test_exhibit_without_pictures(site):
    section = soup(site / "hall/zhiyuan/index.html")
    assert section.select_one(".hall-card .hall-card-blank") is not None
    assert soup(site / "hall/zhiyuan/teams/index.html").select_one(".gallery") is None


def test_hall_api(site):
    hall = json.loads((site / "api/v1/hall.json").read_text(encoding="utf-8"))
    assert (hall["title"], hall["url"], hall["public_url"]) == ("测试展厅", "/hall/", "https://example.test/hall/")
    assert [(s["id"], s["name"], s["order"], [e["key"] for e in s["exhibits"]]) for s in hall["sections"]] == [
        ("xuting", "序厅", 1, ["xuting/guide", "xuting/platforms", "xuting/lecture"]),
        ("zhiyuan", "志愿服务", 2, ["zhiyuan/teams"])]
    assert hall["sections"][0]["cover"]["src"] == "images/hall/a.jpg"
    items = json.loads((site / "api/v1/exhibits.json").read_text(encoding="utf-8"))["items"]
    guide = items[0]
    assert {k: guide[k] for k in ("key", "slug", "section", "section_name", "title", "order", "summary", "url",
                                  "public_url")} == {
        "key": "xuting/guide", "slug": "guide", "section": "xuting", "section_name": "序厅", "title": "序厅导览",
        "order": 1, "summary": "展厅导览摘要。", "url": "/hall/xuting/guide/",
        "public_url": "https://example.test/hall/xuting/guide/"}
    assert guide["images"] == [{"src": "images/hall/a.jpg", "url": guide["images"][0]["url"], "alt": "展厅全景",
                                "caption": "展厅入口", "width": 1200, "height": 800}]
    assert (site / guide["images"][0]["url"].lstrip("/")).is_file()
    assert guide["related"] == [{"slug": "chengbei-xuanjiang", "title": "城北街道开展宣讲活动", "date": "2022-05-12",
                                 "url": "/news/chengbei-xuanjiang/"}]
    lecture = next(i for i in items if i["slug"] == "lecture")
    assert lecture["video"] == {"src": "/hall/xuting/lecture/clip.mp4", "title": "讲堂视频",
                                "captions": "/hall/xuting/lecture/clip.vtt"}


def test_exhibit_json_schema_comes_from_the_validating_schema(site):
    schema = json.loads((site / "api/v1/schema/exhibit.json").read_text(encoding="utf-8"))
    assert schema["required"] == ["title", "section", "order"]
    assert schema["$defs"]["ExhibitImage"]["required"] == ["src", "alt"]
    assert schema["properties"]["section"]["title"] == "展区"


def test_sitemap_lists_hall_pages(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = {e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {"https://example.test/hall/", "https://example.test/hall/xuting/",
            "https://example.test/hall/xuting/guide/"} <= locs


def test_internal_links_of_hall_pages_resolve(site):
    for path in (site / "hall").rglob("*.html"):
        for tag in soup(path).find_all(["a", "img", "link", "script", "source"]):
            url = tag.get("href") or tag.get("src")
            if url and url.startswith("/"):
                target = site / url.lstrip("/").split("#")[0]
                assert target.is_file() or (target / "index.html").is_file(), (path, url)
