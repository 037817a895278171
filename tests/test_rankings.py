"""Rankings: standard competition ranking for ties, the media levels counted as on the quota pages,
only public volunteers, and the pages and JSON built from them."""

from __future__ import annotations

import datetime
import json

import pytest
from conftest import soup
from sitekit import QUOTA_2022, make_practice_site, news, volunteer, write_quota

from wenming.build.pipeline import build
from wenming.metrics.rankings import TIE_RULE, Entry, competition_ranking, counted_levels, year_rankings
from wenming.model.site import load_site

TODAY = datetime.date(2026, 1, 1)


def ranks(entries) -> list[tuple[int, str]]:
    return [(r.rank, r.name) for r in competition_ranking(entries)]


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    entries = [Entry("丁", 1, (3,)), Entry("乙", 3, (1,)), Entry("甲", 5, (0,)), Entry("丙", 3, (2,))]
    assert ranks(entries) == [(1, "甲"), (2, "乙"), (2, "丙"), (4, "丁")]


def test_tied_entries_keep_their_secondary_order_whatever_the_input_order():
    forward = [Entry("甲", 2, (0,)), Entry("乙", 2, (1,)), Entry("丙", 2, (2,))]
    assert ranks(forward) == ranks(forward[::-1]) == [(1, "甲"), (1, "乙"), (1, "丙")]


def test_a_tie_at_the_bottom():
    entries = [Entry("甲", 9, (0,)), Entry("乙", 0, (1,)), Entry("丙", 0, (2,))]
    assert ranks(entries) == [(1, "甲"), (2, "乙"), (2, "丙")]


def test_no_entries():
    assert competition_ranking([]) == []


REPORTS = {
    "a.md": news(slug="a", publications="\n  - outlet: 中国文明网\n  - outlet: 西乡融媒"),
    "b.md": news(slug="b", units="杨河镇", publications="\n  - outlet: 陕西文明网"),
    "c.md": news(slug="c", units="[杨河镇, 城北街道]", date="2022-08-01"),
    "d.md": news(slug="d", units="茶镇", status="draft", publications="\n  - outlet: 陕西文明网"),
    "e.md": news(slug="e", units="茶镇", date="2021-05-01"),
}
VOLUNTEERS = {
    "zhang.md": volunteer(name="张三", hours=500),
    "li.md": volunteer(name="李四", hours=500),
    "wang.md": volunteer(name="王五", hours=900, unit="杨河镇"),
    "zhao.md": volunteer(name="赵六", hours=2000, consent="false", status="draft"),
    "new.md": volunteer(name="钱七", hours=50, since=2023),
}


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    root = tmp_path_factory.mktemp("rankings")
    content = make_practice_site(root, REPORTS, volunteers=VOLUNTEERS)
    write_quota(content, QUOTA_2022)
    return content


@pytest.fixture(scope="module")
def rankings(content):
    model, diagnostics = load_site(content)
    assert model is not None, [d.format() for d in diagnostics.items]
    return {r.key: r for r in year_rankings(model, 2022, TODAY).rankings}


def rows(ranking) -> list[tuple[int, str, int]]:
    return [(r.rank, r.name, r.value) for r in ranking.rows]


def test_towns_by_published_reports_in_the_year(rankings):
    assert rows(rankings["towns.reports"]) == [(1, "城北街道", 2), (1, "杨河镇", 2), (3, "茶镇", 0)]


def test_media_levels_follow_the_years_mapping_like_the_quota_pages(rankings):
    assert list(rankings) == ["towns.reports", "towns.media.provincial", "towns.media.municipal",
                              "towns.media.county", "towns.hours", "volunteers.hours", "teams.hours"]
    provincial = rankings["towns.media.provincial"]
    assert provincial.title == "镇（街道）省级媒体（含中央媒体）刊发报道数"
    assert rows(provincial) == [(1, "城北街道", 1), (1, "杨河镇", 1), (3, "茶镇", 0)]  # 中央 counts as 省级
    assert rows(rankings["towns.media.county"]) == [(1, "城北街道", 1), (2, "杨河镇", 0), (2, "茶镇", 0)]


def test_counted_levels_without_a_mapping(content):
    model, _ = load_site(content)
    assert counted_levels(model.registry, {}) == [("central", "中央媒体"), ("provincial", "省级媒体"),
                                                  ("municipal", "市级媒体"), ("county", "县级媒体")]


def test_towns_by_volunteer_hours_from_the_statistics(rankings):
    hours = rankings["towns.hours"]
    assert rows(hours) == [(1, "城北街道", 20000), (2, "杨河镇", 9000), (2, "茶镇", 9000)]
    assert hours.without_data == []


def test_only_public_volunteers_are_ranked_ties_by_pinyin(rankings):
    # 赵六 has not consented; 钱七 started in 2023. 李 (li) comes before 张 (zhang) in the tie.
    assert rows(rankings["volunteers.hours"]) == [(1, "王五", 900), (2, "李四", 500), (2, "张三", 500)]
    assert rows(rankings["teams.hours"]) == [(1, "理论宣讲志愿服务队", 1900)]


def test_the_as_of_date_limits_the_year(content):
    model, _ = load_site(content)
    model.as_of = datetime.date(2022, 6, 30)
    early = {r.key: r for r in year_rankings(model, 2022, TODAY).rankings}
    assert rows(early["towns.reports"]) == [(1, "城北街道", 1), (1, "杨河镇", 1), (3, "茶镇", 0)]


@pytest.fixture(scope="module")
def site(content, tmp_path_factory):
    return build(content, tmp_path_factory.mktemp("rankings-out") / "output").site_dir


def test_rankings_page_states_the_method_and_marks_ties(site):
    page = soup(site / "rankings/2022/index.html")
    assert page.h1.get_text() == "2022年实践排行"
    assert page.select_one(".ranking-method p").get_text() == TIE_RULE
    table = page.select_one("#ranking-volunteers-hours")
    assert table.caption.get_text() == "志愿者服务时长"
    assert [th.get_text() for th in table.select("thead th")] == ["名次", "名称", "服务时长（小时）"]
    assert [[c.get_text() for c in tr.find_all(["td", "th"])] for tr in table.select("tbody tr")] == [
        ["1", "王五", "900"], ["2（并列）", "李四", "500"], ["2（并列）", "张三", "500"]]
    assert table.select_one("tbody th")["scope"] == "row"
    definition = page.select_one("#towns-reports-heading").find_next("p").get_text()
    assert definition.startswith("统计口径：2022年（截至2022年12月31日）列有本镇（街道）的已发布报道篇数")
    assert "赵六" not in page.get_text()


def test_rankings_index_and_api_agree_with_the_page(site):
    index = soup(site / "rankings/index.html")
    assert [a.get_text() for a in index.select("main .chips a")] == ["2022年", "2021年"]
    data = json.loads((site / "api/v1/rankings/2022.json").read_text(encoding="utf-8"))
    assert data["tie_rule"] == TIE_RULE and data["as_of"] == "2022-12-31"
    volunteers = next(r for r in data["rankings"] if r["key"] == "volunteers.hours")
    assert volunteers["rows"][1] == {"rank": 2, "name": "李四", "value": 500, "url": "/volunteers/li/"}
    listing = json.loads((site / "api/v1/rankings.json").read_text(encoding="utf-8"))
    assert [y["year"] for y in listing["years"]] == [2021, 2022]
