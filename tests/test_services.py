"""The service menu: services.yml validation, the /services/ page with its order-flow diagram, and the API."""

from __future__ import annotations

import json

import pytest
from conftest import soup
from sitekit import make_practice_site, write_registry, write_services

from wenming.build.pipeline import build
from wenming.model.site import load_site


def check(content, text: str):
    write_services(content, text)
    model, diagnostics = load_site(content)
    return model, [d.format() for d in diagnostics.sorted()]


def test_services_resolve_platform_team_and_ways_to_order(content):
    model, messages = check(content, """\
        - {name: 政策宣讲, platform: 理论宣讲, team: 理论宣讲志愿服务队, description: 到村宣讲。}
        - {name: 上门义诊, platform: 卫生健康, description: 上门义诊。, order: [platform]}
        """)
    assert messages == []
    first, second = model.collections["services"]
    assert (first.platform.name, first.team.name, first.order, first.order_labels) == (
        "理论宣讲", "理论宣讲志愿服务队", ("hotline",), ["服务热线"])  # site.yml has a hotline but no WeChat
    assert (second.team, second.order) == (None, ("platform",))


@pytest.mark.parametrize("entry, expected", [
    ("{name: 宣讲, platform: 理论宣传, description: 到村宣讲。}",
     "1: error[E202]: 0.platform: 理论宣传 is not a platform; did you mean 理论宣讲? (allowed: 理论宣讲, 卫生健康)"),
    ("{name: 宣讲, platform: 理论宣讲, team: 宣讲队, description: 到村宣讲。}",
     "1: error[E202]: 0.team: 宣讲队 is not a county volunteer team; did you mean 理论宣讲志愿服务队? "
     "(allowed: 理论宣讲志愿服务队)"),
    ("{name: 宣讲, platform: 理论宣讲, description: 到村宣讲。, order: [hotline, wechat]}",
     "1: error[E505]: 0.order.1: wechat is offered but content/data/site.yml sets no wechat; add it there or remove "
     "this way of ordering"),
    ("{name: 宣讲, platform: 理论宣讲, description: 到村宣讲。, order: [online]}",
     "1: error[E021]: 0.order.0: online is not allowed; allowed: hotline, wechat, platform"),
    ("{name: 宣讲, platform: 理论宣讲}", "1: error[E010]: 0.description: is required"),
])
def test_service_errors_name_the_entry_and_field(content, entry, expected):
    _, messages = check(content, f"- {entry}\n")
    assert messages == [f"content/data/services.yml:{expected}"]


def test_a_service_listed_twice(content):
    _, messages = check(content, "- {name: 宣讲, platform: 理论宣讲, description: 一。}\n"
                                 "- {name: 宣讲, platform: 理论宣讲, description: 二。}\n")
    assert messages == ["content/data/services.yml:2: error[E504]: 1.name: 宣讲 is listed twice"]


def test_without_services_file_the_menu_is_empty(content):
    model, diagnostics = load_site(content)
    assert diagnostics.items == [] and model.collections["services"] == []


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("services")
    content = make_practice_site(root)
    site_yml = (content / "data/site.yml").read_text(encoding="utf-8")
    write_registry(content, site_yml=site_yml.replace("per_page: 3", "per_page: 3\nwechat: 测试文明实践"))
    return build(content, root / "output").site_dir


def test_services_page_shows_the_order_flow_as_ordered_steps(site):
    page = soup(site / "services/index.html")
    flow = page.select_one("ol.order-flow")
    assert [s.get_text() for s in flow.select(".flow-name")] == [
        "群众点单", "中心制单", "所站派单", "志愿者接单", "项目实施", "综合评估"]
    assert flow["aria-label"] == "点单服务流程，共6步"
    assert page.select_one(".order-ways a[href^='tel:']")["href"] == "tel:0916-6212345"
    assert "测试文明实践" in page.select_one(".order-ways").get_text()
    assert not page.find("form", action=lambda a: a and "services" in a)  # no online ordering


def test_services_menu_is_grouped_by_platform(site):
    page = soup(site / "services/index.html")
    groups = {g.h3.get_text(): [h.get_text() for h in g.select(".service-card h4")]
              for g in page.select(".service-group")}
    assert groups == {"理论宣讲": ["政策理论宣讲"], "卫生健康": ["上门义诊"]}
    card = page.select(".service-card")[0]
    facts = {div.dt.get_text(): div.dd.get_text() for div in card.select(".service-facts > div")}
    assert facts == {"服务队伍": "理论宣讲志愿服务队", "服务对象": "村（社区）群众", "点单方式": "服务热线、微信公众号"}
    assert card.select_one(".service-facts a")["href"] == "/volunteers/teams/lilunxuanjiangzhiyuanfuwudui/"


def test_services_api_and_schema(site):
    data = json.loads((site / "api/v1/services.json").read_text(encoding="utf-8"))
    assert (data["hotline"], data["wechat"]) == ("0916-6212345", "测试文明实践")
    assert [s["step"] for s in data["order_flow"]][0] == "群众点单"
    assert data["services"][1] == {"name": "上门义诊", "platform": "卫生健康", "team": None,
                                   "description": "为行动不便的老人上门义诊。", "audience": None,
                                   "order": ["hotline", "platform"]}
    schema = json.loads((site / "api/v1/schema/services.json").read_text(encoding="utf-8"))
    assert schema["type"] == "array"
    assert schema["items"]["properties"]["platform"]["enum"] == ["理论宣讲", "卫生健康"]
    assert schema["items"]["properties"]["team"]["anyOf"][0]["enum"] == ["理论宣讲志愿服务队"]
