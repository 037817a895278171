"""Brand projects: owners, stages, monthly sessions, the projects.brand quota contract and the built pages."""

from __future__ import annotations

import datetime
import json

import pytest
from conftest import soup
from sitekit import QUOTA_2022, make_practice_site, news, project, volunteer, write_content, write_picture, write_quota

from wenming.build.pipeline import build
from wenming.metrics.quotas import QuotaCalculator
from wenming.model.site import load_site

YEAR_END = datetime.date(2022, 12, 31)


def check(content, projects: dict[str, str]):
    for name, text in projects.items():
        write_content(content, "projects", name, text)
    model, diagnostics = load_site(content)
    return model, [d.format() for d in diagnostics.sorted()]


def test_owner_is_a_platform_or_a_unit(content):
    model, messages = check(content, {"a.md": project(), "b.md": project(title="城北院落宣讲", owner="城北")})
    assert messages == []
    a, b = model.collections["projects"]
    assert (a.owner_unit, a.owner_platform) == (None, model.registry.platforms[0])
    assert (a.owner_name, b.owner_name) == ("理论宣讲平台", "城北街道")
    assert (b.owner_unit, b.owner_platform) == (model.registry.unit("城北街道"), None)
    assert (a.slug, a.is_published, a.years, a.stage_index, [p.name for p in a.platforms]) == (
        "a", True, [2022], 2, ["理论宣讲"])


@pytest.mark.parametrize("fields, expected", [
    ({"owner": "城北办事处"}, "3: error[E503]: owner: 城北办事处 is not a registry unit or platform; did you mean 城北街道?; "
                             "the owner is a town, a department or one of the five platforms"),
    ({"platforms": "[理论宣传]"}, "4: error[E202]: platforms.0: 理论宣传 is not a platform; did you mean 理论宣讲? "
                                 "(allowed: 理论宣讲, 卫生健康)"),
    ({"stage": "实施中"}, "6: error[E021]: stage: 实施中 is not allowed; allowed: 确立项目, 招募志愿者, 实施项目, 评估效果, "
                         "优化项目"),
    ({"years": "[22]"}, "5: error[E034]: years: 22 is not a plausible year; write four-digit years such as 2022"),
    ({"cover": "images/none.png"}, "8: error[E301]: cover: image images/none.png does not exist "
                                   "(paths are relative to content/)"),
    ({"sessions": "{day: 15, start: 19:30, end: 19:00, location: 各村}"},
     "8: error[E033]: sessions.end: end 19:00 must be later than start 19:30"),
    ({"sessions": "{day: 31, start: 19:30, end: 21:00, location: 各村}"},
     "8: error[E026]: sessions.day: 31 is too large (at most 28)"),
    ({"sessions": "{day: 15, start: 晚上, end: 21:00, location: 各村}"},
     "8: error[E032]: sessions.start: 晚上 must be a time of day written HH:MM, e.g. 19:30"),
])
def test_project_errors(content, fields, expected):
    _, messages = check(content, {"a.md": project(**fields)})
    assert messages == [f"content/projects/a.md:{expected}"]


def test_sessions_accept_quoted_and_unquoted_times(content):
    sessions = '{day: 15, start: "09:30", end: 19:30, location: 各村}'
    model, messages = check(content, {"a.md": project(sessions=sessions)})
    assert messages == []
    sessions = model.collections["projects"][0].sessions
    assert (sessions.start, sessions.end) == (datetime.time(9, 30), datetime.time(19, 30))


def brand(content, projects):
    write_quota(content, QUOTA_2022)
    model, messages = check(content, projects)
    assert messages == []
    report = QuotaCalculator(model.registry, model.extras["quota_rules"][2022], model.news, YEAR_END,
                             projects=model.collections.get("projects")).report()
    return {u.unit.name: u.metrics.get("projects.brand") for u in report.units}


def test_projects_count_toward_the_brand_quota_of_their_owner(content):
    metrics = brand(content, {
        "a.md": project(owner="城北街道"),
        "b.md": project(owner="城北街道", status="draft"),
        "c.md": project(owner="城北街道", years="[2021]"),
        "d.md": project(title="健康行", owner="卫生健康", platforms="[卫生健康]"),
    })
    assert (metrics["城北街道"].actual, metrics["城北街道"].status) == (1, "met")
    assert metrics["杨河镇"].actual == 0
    assert (metrics["县卫健局"].actual, metrics["县卫健局"].note) == (1, "健康行")  # 县卫健局 leads 卫生健康


def test_no_projects_folder_means_no_data_but_an_empty_one_means_zero(content):
    metrics = brand(content, {})
    assert metrics["城北街道"].actual is None and metrics["城北街道"].status == "no_data"
    (content / "projects").mkdir()
    metrics = brand(content, {})
    assert metrics["城北街道"].actual == 0 and metrics["城北街道"].status == "behind"


REPORTS = {
    "2022/a.md": news(slug="a", title="北关社区微讲堂开讲", kind="微讲堂", village="北关社区", date="2022-04-15",
                      project="chaxiang-weijiangtang", volunteers="[wang-xiaomei, li-si]"),
    "2022/b.md": news(slug="b", title="杨河微讲堂", units="杨河镇", kind="微讲堂", date="2022-06-15",
                      project="chaxiang-weijiangtang", volunteers="[wang-xiaomei]"),
    "2022/c.md": news(slug="c", title="草稿报道", status="draft", project="chaxiang-weijiangtang"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("projects")
    content = make_practice_site(root, REPORTS, volunteers={
        "wang-xiaomei.md": volunteer(),
        "li-si.md": volunteer(name="李四", consent="false", status="draft"),
    }, projects={
        "chaxiang-weijiangtang.md": project(years="[2021, 2022]", cover="images/projects/cover.png",
                                            cover_alt="茶园图案", outcomes="[覆盖三成村（社区）]",
                                            sessions="{day: 15, start: 19:30, end: 21:00, location: 各村微讲堂}"),
        "jiankang.md": project(title="健康行", owner="卫生健康", platforms="[卫生健康]", stage="确立项目"),
        "caogao.md": project(title="草稿项目", status="draft"),
    })
    write_picture(content, "images/projects/cover.png", size=(960, 540))
    return build(content, root / "output", as_of=datetime.date(2022, 6, 20)).site_dir


def test_projects_index_shows_each_lifecycle_as_an_ordered_list(site):
    page = soup(site / "projects/index.html")
    assert [a.get_text() for a in page.select(".project-card h2 a")] == ["茶乡微讲堂", "健康行"]
    steps = page.select(".project-card")[0].select("ol.lifecycle > li")
    assert [s.select_one(".step-name").get_text() for s in steps] == [
        "确立项目", "招募志愿者", "实施项目", "评估效果", "优化项目"]
    assert [s.select_one(".step-state").get_text() for s in steps] == [
        "已完成", "已完成", "当前阶段", "未开始", "未开始"]
    assert [s.get("aria-current") for s in steps] == [None, None, "step", None, None]
    current = page.select(".project-card")[1].select_one("ol.lifecycle [aria-current=step] .step-name")
    assert current.get_text() == "确立项目"
    assert "草稿项目" not in page.get_text()
    assert not (site / "projects/caogao").exists()


def test_project_page_lists_reports_volunteers_and_yearly_counts(site):
    page = soup(site / "projects/chaxiang-weijiangtang/index.html")
    assert page.h1.get_text() == "茶乡微讲堂"
    assert [a.get_text() for a in page.select(".report-title a")] == ["杨河微讲堂", "北关社区微讲堂开讲"]
    assert [a.get_text() for a in page.select(".volunteer-name a")] == ["王小梅"]  # 李四 has not consented
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in page.select(".data-table tbody tr")]
    assert rows == [["2021年", "0", "12", "0"], ["2022年", "2", "12", "1"]]
    facts = {div.dt.get_text(): div.dd.get_text(" ", strip=True) for div in page.select("dl.facts > div")}
    assert facts["责任主体"] == "理论宣讲平台" and facts["固定活动"].startswith("每月15日 19:30–21:00，各村微讲堂")
    assert page.select_one(".project-cover img")["alt"] == "茶园图案"
    assert [li.get_text() for li in page.select("#outcomes-heading + ul li")] == ["覆盖三成村（社区）"]


def test_projects_api(site):
    data = json.loads((site / "api/v1/projects.json").read_text(encoding="utf-8"))
    assert data["stages"] == ["确立项目", "招募志愿者", "实施项目", "评估效果", "优化项目"]
    first = data["items"][0]
    assert {k: first[k] for k in ("slug", "owner", "owner_kind", "stage", "stage_index", "years", "reports",
                                  "volunteers", "url")} == {
        "slug": "chaxiang-weijiangtang", "owner": "理论宣讲", "owner_kind": "platform", "stage": "实施项目",
        "stage_index": 2, "years": [2021, 2022], "reports": ["b", "a"], "volunteers": ["wang-xiaomei"],
        "url": "/projects/chaxiang-weijiangtang/"}
    schema = json.loads((site / "api/v1/schema/project.json").read_text(encoding="utf-8"))
    assert schema["properties"]["stage"]["enum"] == data["stages"]
    assert schema["properties"]["platforms"]["items"]["enum"] == ["理论宣讲", "卫生健康"]
