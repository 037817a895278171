"""The built volunteer showcase: the grid with photos, team and town pages, profile pages that list the
reports naming the volunteer, and the API; profiles without consent appear nowhere."""

from __future__ import annotations

import json
import re

import pytest
from conftest import soup
from sitekit import make_practice_site, news, volunteer, write_picture

from wenming.build.pipeline import build

VOLUNTEERS = {
    "wang-xiaomei.md": volunteer(hours=1500, photo="images/volunteers/wang.png", honors="[县级优秀志愿者]"),
    "li-si.md": volunteer(name="李四", unit="杨河镇", hours=99),
    "zhao-liu.md": volunteer(name="赵六", unit="县卫健局", hours=300),
    "secret.md": volunteer(name="未同意者", hours=800, consent="false", status="draft"),
}
REPORTS = {
    "a.md": news(slug="a", title="城北宣讲报道", volunteers="[wang-xiaomei, secret]"),
    "b.md": news(slug="b", title="草稿不应列出", status="draft", volunteers="[wang-xiaomei]"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("volunteers")
    content = make_practice_site(root, REPORTS, volunteers=VOLUNTEERS)
    write_picture(content, "images/volunteers/wang.png", size=(320, 320))
    return build(content, root / "output").site_dir


def test_showcase_grid_by_hours_with_photos_and_stars(site):
    page = soup(site / "volunteers/index.html")
    cards = page.select(".volunteer-card")
    assert [c.select_one(".volunteer-name a").get_text() for c in cards] == ["王小梅", "赵六", "李四"]
    assert cards[0].select_one("img")["alt"] == "王小梅的照片"
    assert cards[0].select_one("picture source")["type"] == "image/webp"
    assert cards[1].select_one(".photo-placeholder")["aria-hidden"] == "true"  # no photo: the initial, hidden
    assert [c.select_one(".stars-text").get_text() for c in cards] == ["五星志愿者", "二星志愿者", "未评星"]
    assert cards[0].select_one(".stars-icons").get_text() == "★★★★★"
    assert "一星 ≥100小时；二星 ≥300小时" in page.select_one("#stars-heading").find_next("p").get_text()
    assert "未同意者" not in page.get_text()


def test_team_and_town_pages(site):
    team = soup(site / "volunteers/teams/lilunxuanjiangzhiyuanfuwudui/index.html")
    assert team.h1.get_text() == "理论宣讲志愿服务队"
    assert [a.get_text() for a in team.select(".volunteer-name a")] == ["王小梅", "赵六", "李四"]
    assert team.select_one(".lead").get_text() == "服务队 · 公开资料的志愿者 3 名，累计服务 1899 小时。"
    town = soup(site / "volunteers/towns/yanghe-zhen/index.html")
    assert [a.get_text() for a in town.select(".volunteer-name a")] == ["李四"]
    empty = soup(site / "volunteers/towns/cha-zhen/index.html")
    assert empty.select_one(".empty").get_text() == "暂无公开的志愿者资料。"


def test_profile_lists_the_published_reports_naming_the_volunteer(site):
    page = soup(site / "volunteers/wang-xiaomei/index.html")
    assert page.h1.get_text() == "王小梅"
    facts = {div.dt.get_text(): div.dd.get_text(" ", strip=True) for div in page.select("dl.facts > div")}
    assert facts == {"志愿服务队": "理论宣讲志愿服务队", "所在单位": "城北街道", "累计服务": "1500 小时",
                     "星级": "★★★★★ 五星志愿者", "参加志愿服务": "2018年起"}
    assert [a.get_text() for a in page.select(".report-title a")] == ["城北宣讲报道"]
    assert [li.get_text() for li in page.select(".honors li")] == ["县级优秀志愿者"]


def test_profiles_without_consent_are_published_nowhere(site):
    assert not (site / "volunteers/secret").exists()
    for path in site.rglob("*"):
        if path.suffix in {".html", ".json", ".ics", ".xml"}:
            assert "未同意者" not in path.read_text(encoding="utf-8"), path


def test_volunteers_api(site):
    data = json.loads((site / "api/v1/volunteers.json").read_text(encoding="utf-8"))
    assert data["star_levels"][0] == {"stars": 1, "hours": 100}
    assert [v["slug"] for v in data["items"]] == ["wang-xiaomei", "zhao-liu", "li-si"]
    photo = data["items"][0].pop("photo")  # a processed variant (no metadata), never the original upload
    assert re.fullmatch(r"/media/[0-9a-f]{16}-320\.jpg", photo) and (site / photo.lstrip("/")).is_file()
    assert data["items"][0] == {
        "slug": "wang-xiaomei", "name": "王小梅", "unit": "城北街道", "town": "城北街道", "team": "理论宣讲志愿服务队",
        "hours": 1500, "stars": 5, "since": 2018, "honors": ["县级优秀志愿者"],
        "url": "/volunteers/wang-xiaomei/", "reports": ["a"]}
    schema = json.loads((site / "api/v1/schema/volunteer.json").read_text(encoding="utf-8"))
    assert schema["properties"]["team"]["enum"] == ["理论宣讲志愿服务队"]
    assert "phone" not in schema["properties"] and schema["properties"]["consent"]["default"] is False


def test_nav_links_to_every_section_and_marks_the_current_one(site):
    page = soup(site / "volunteers/index.html")
    nav = {a.get_text(): a for a in page.select(".site-nav a")}
    assert {k: nav[k]["href"] for k in ("志愿风采", "品牌项目", "志愿活动", "点服务", "实践排行")} == {
        "志愿风采": "/volunteers/", "品牌项目": "/projects/", "志愿活动": "/activities/", "点服务": "/services/",
        "实践排行": "/rankings/"}
    assert nav["志愿风采"]["aria-current"] == "page"
    home = soup(site / "index.html")
    assert [a["href"] for a in home.select("#practice-heading + ul a")] == [
        "/services/", "/activities/", "/volunteers/", "/projects/", "/rankings/"]
