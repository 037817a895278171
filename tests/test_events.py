"""Volunteer activities: times in Beijing, references, generated 微讲堂 sessions, the month calendar
and the iCalendar feeds read back with a real parser."""

from __future__ import annotations

import datetime
import json
import zoneinfo

import icalendar
import pytest
from conftest import soup
from sitekit import event, make_practice_site, news, project, write_content, write_news

from wenming.build.pipeline import build
from wenming.model.site import load_site

CST = zoneinfo.ZoneInfo("Asia/Shanghai")
SESSIONS = "{day: 15, start: 19:30, end: 21:00, location: 各村微讲堂}"


def check(content, events: dict[str, str], projects: dict[str, str] | None = None,
          reports: dict[str, str] | None = None):
    for name, text in events.items():
        write_content(content, "events", name, text)
    for name, text in (projects or {}).items():
        write_content(content, "projects", name, text)
    for name, text in (reports or {}).items():
        write_news(content, name, text)
    model, diagnostics = load_site(content)
    return model, [d.format() for d in diagnostics.sorted()]


def test_times_are_beijing_time(content):
    model, messages = check(content, {"a.md": event(), "b.md": event(start="2022-05-20T01:00:00Z",
                                                                     end="2022-05-20T03:30:00Z")})
    assert messages == []
    a, b = model.collections["events"]
    assert a.start == datetime.datetime(2022, 5, 20, 9, 0, tzinfo=CST)
    assert a.start.isoformat() == "2022-05-20T09:00:00+08:00"
    assert (b.start, b.end) == (a.start, a.end)  # UTC converted to Beijing time
    assert (a.organizer, [t.name for t in a.towns], a.url) == ("城北街道", ["城北街道"], "activities/2022/05/#event-a")


@pytest.mark.parametrize("fields, expected", [
    ({"start": "2022-5-20 9:00"}, "3: error[E031]: start: 2022-5-20 9:00 must be a date and time written YYYY-MM-DD HH:MM "
                                  "(Beijing time), e.g. 2022-05-15 09:30"),
    ({"start": "2022-05-20"}, "3: error[E031]: start: 2022-05-20 must be a date and time written YYYY-MM-DD HH:MM "
                              "(Beijing time), e.g. 2022-05-15 09:30"),
    ({"end": "2022-05-20 08:00"}, "4: error[E033]: end: end 2022-05-20 08:00 must be later than start 2022-05-20 09:00"),
    ({"unit": "县卫生局"}, "6: error[E201]: unit: 县卫生局 is not a registry unit; did you mean 县卫健局? "
                          "(see content/data/units.yml)"),
    ({"village": "杨河村"}, "7: error[E204]: village: 杨河村 is not a village or community of 城北街道"),
    ({"unit": "县卫健局", "village": "北关社区"},
     "7: error[E203]: village: 北关社区 is given but 县卫健局 is not a town; a village needs its town as the unit"),
    ({"platform": "卫生"}, "7: error[E202]: platform: 卫生 is not a platform; did you mean 卫生健康? "
                          "(allowed: 理论宣讲, 卫生健康)"),
    ({"report": "20220520-yizen"}, "7: error[E205]: report: 20220520-yizen is not a news report slug; did you mean "
                                   "20220520-yizhen? (see content/news/)"),
    ({"project": "weijiangtang"}, "7: error[E205]: project: weijiangtang is not a brand project slug; did you mean "
                                  "chaxiang-weijiangtang? (see content/projects/)"),
    ({"signup": "报名请打13812345678"}, "7: error[E802]: signup: contains a mobile phone number (138****5678); personal ID "
                                      "and phone numbers must never be published: remove it (use the center's "
                                      "public hotline for contact)"),
])
def test_event_errors(content, fields, expected):
    _, messages = check(content, {"e.md": event(**fields)}, {"chaxiang-weijiangtang.md": project()},
                        {"a.md": news(slug="20220520-yizhen")})
    assert [m for m in messages if ": error[" in m] == [f"content/events/e.md:{expected}"]


def test_report_that_is_not_published_yet_is_a_warning(content):
    model, messages = check(content, {"e.md": event(report="a")}, reports={"a.md": news(slug="a", status="review")})
    assert messages == ["content/events/e.md:7: warning[W501]: report: report a is not published yet; the activity will "
                        "link to it once it is"]
    assert model.collections["events"][0].reports == []


def test_project_sessions_are_generated_monthly_and_link_that_months_reports(content):
    model, messages = check(content, {}, {"chaxiang-weijiangtang.md": project(years="[2022]", sessions=SESSIONS)}, {
        "a.md": news(slug="a", date="2022-04-18", project="chaxiang-weijiangtang"),
        "b.md": news(slug="b", date="2022-04-20", project="chaxiang-weijiangtang", status="draft"),
    })
    assert messages == []
    sessions = model.collections["events"]
    assert [s.slug for s in sessions][:3] == ["chaxiang-weijiangtang-2022-01", "chaxiang-weijiangtang-2022-02",
                                              "chaxiang-weijiangtang-2022-03"]
    assert len(sessions) == 12 and all(s.is_generated for s in sessions)
    april = sessions[3]
    assert (april.start, april.end) == (datetime.datetime(2022, 4, 15, 19, 30, tzinfo=CST),
                                        datetime.datetime(2022, 4, 15, 21, 0, tzinfo=CST))
    assert (april.title, april.location, april.organizer) == ("茶乡微讲堂", "各村微讲堂", "理论宣讲平台")
    assert [r.slug for r in april.reports] == ["a"]
    assert [t.name for t in april.towns] == ["城北街道", "杨河镇", "茶镇"]  # a county project: every town's feed


def test_written_slug_may_not_take_a_generated_sessions_slug(content):
    _, messages = check(content, {"chaxiang-weijiangtang-2022-05.md": event()},
                        {"chaxiang-weijiangtang.md": project(sessions=SESSIONS)})
    assert messages == ["content/events/chaxiang-weijiangtang-2022-05.md:2: error[E401]: slug: slug "
                        "chaxiang-weijiangtang-2022-05 is already used by a generated session of project "
                        "chaxiang-weijiangtang; slugs must be unique"]


EVENTS = {
    "yizhen.md": event(title="北关社区健康义诊", village="北关社区", platform="卫生健康", volunteers_needed=10,
                       report="a", summary="为居民测量血压。"),
    "yanghe.md": event(title="杨河镇文艺演出", start="2022-06-25 19:00", end="2022-06-25 21:00", unit="杨河镇",
                       location="杨河社区广场"),
    "weijian.md": event(title="卫健局健康讲座", start="2022-06-22 09:00", end="2022-06-22 10:30", unit="县卫健局",
                        location="县医院", signup="在志愿服务平台报名"),
    "caogao.md": event(title="草稿活动", start="2022-06-23 09:00", end="2022-06-23 10:00", status="draft"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("events")
    content = make_practice_site(root, {"a.md": news(slug="a", title="北关社区义诊报道", date="2022-05-20")},
                                 events=EVENTS,
                                 projects={"chaxiang-weijiangtang.md": project(years="[2022]", sessions=SESSIONS)})
    return content, build(content, root / "output", as_of=datetime.date(2022, 6, 20)).site_dir


@pytest.fixture(scope="module")
def site(built):
    return built[1]


def read_calendar(path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_ical_feed_parses_with_timezone_stable_uids_and_event_details(site):
    feed = read_calendar(site / "activities/activities.ics")
    assert str(feed["X-WR-CALNAME"]) == "测试文明实践中心·志愿活动"
    assert [str(tz["TZID"]) for tz in feed.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    assert len(events) == 15  # 3 published activities + 12 sessions; the draft is left out
    yizhen = events["yizhen@example.test"]
    assert yizhen.decoded("DTSTART") == datetime.datetime(2022, 5, 20, 9, 0, tzinfo=CST)
    assert yizhen["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert yizhen.decoded("DTEND").astimezone(CST).time() == datetime.time(11, 30)
    assert yizhen.decoded("DTSTAMP") == datetime.datetime(2022, 5, 20, 1, 0, tzinfo=datetime.timezone.utc)
    assert (str(yizhen["SUMMARY"]), str(yizhen["LOCATION"])) == ("北关社区健康义诊", "北关社区广场（北关社区）")
    assert str(yizhen["URL"]) == "https://example.test/activities/2022/05/#event-yizhen"
    assert str(yizhen["DESCRIPTION"]).splitlines() == [
        "为居民测量血压。", "主办：城北街道", "招募志愿者：10人",
        "报名方式：在志愿服务平台报名，或拨打中心服务热线 0916-6212345",
        "详情：https://example.test/activities/2022/05/#event-yizhen"]
    assert yizhen.categories == ["卫生健康"]
    assert "chaxiang-weijiangtang-2022-06@example.test" in events


def test_town_feeds_hold_only_that_towns_activities(site):
    uids = {str(e["UID"]) for e in read_calendar(site / "activities/towns/yanghe-zhen.ics").walk("VEVENT")}
    assert "yanghe@example.test" in uids and "yizhen@example.test" not in uids
    assert len(uids) == 13  # its own activity and the county-wide monthly sessions
    cha = {str(e["UID"]) for e in read_calendar(site / "activities/towns/cha-zhen.ics").walk("VEVENT")}
    assert "weijian@example.test" not in cha and len(cha) == 12


def test_rebuilding_gives_the_same_ical_bytes(built, tmp_path):
    content, site = built
    again = build(content, tmp_path / "output", as_of=datetime.date(2023, 1, 1)).site_dir
    for name in ("activities/activities.ics", "activities/towns/chengbei-jiedao.ics"):
        assert (again / name).read_bytes() == (site / name).read_bytes()


def test_month_calendar_is_an_accessible_table(site):
    page = soup(site / "activities/index.html")
    table = page.select_one("table.month-calendar")
    assert table.caption.get_text() == "2022年6月志愿活动日历（有活动的日期列出活动名称）"
    assert [th.get_text() for th in table.select("thead th")] == list("一二三四五六日")
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    today = table.select_one("td[aria-current=date]")
    assert today.select_one(".day-number").get_text() == "20日" and "今天" in today.get_text()
    linked = {a.get_text(): a["href"] for a in table.select("td a")}
    assert linked == {"茶乡微讲堂": "/activities/2022/06/#event-chaxiang-weijiangtang-2022-06",
                      "卫健局健康讲座": "/activities/2022/06/#event-weijian",
                      "杨河镇文艺演出": "/activities/2022/06/#event-yanghe"}
    assert "草稿活动" not in page.get_text()


def test_upcoming_list_shows_the_next_session_once_and_signup(site):
    page = soup(site / "activities/index.html")
    upcoming = page.select_one("#upcoming-heading").find_next("ol")
    assert [h.get_text() for h in upcoming.select(".event-title")] == ["卫健局健康讲座", "杨河镇文艺演出", "茶乡微讲堂"]
    first = upcoming.select_one(".event-card")
    facts = {div.dt.get_text(): div.dd.get_text() for div in first.select(".event-facts > div")}
    assert facts["报名方式"] == "在志愿服务平台报名"
    assert facts["时间"] == "2022年6月22日 09:00–10:30"
    assert first.select_one(".event-state").get_text() == "未开始"


def test_past_activities_link_to_their_reports(site):
    page = soup(site / "activities/2022/05/index.html")
    card = page.select_one("#event-yizhen")
    assert card.select_one(".event-state").get_text() == "已结束"
    assert card.select_one(".event-reports a")["href"] == "/news/a/"
    assert "报名方式" not in card.get_text()
    session = page.select_one("#event-chaxiang-weijiangtang-2022-05")
    assert session.select_one(".event-reports").get_text() == "暂无活动报道。"
    nav = {a["rel"][0]: a["href"] for a in page.select(".month-nav a[rel]")}
    assert nav == {"prev": "/activities/2022/04/", "next": "/activities/2022/06/"}


def test_month_pages_cover_every_month_with_activities(site):
    assert sorted(p.name for p in (site / "activities/2022").iterdir()) == [f"{m:02d}" for m in range(1, 13)]
    assert not (site / "activities/2021").exists()


def test_events_api(site):
    items = json.loads((site / "api/v1/events.json").read_text(encoding="utf-8"))["items"]
    yizhen = next(i for i in items if i["slug"] == "yizhen")
    assert yizhen == {
        "slug": "yizhen", "title": "北关社区健康义诊", "start": "2022-05-20T09:00:00+08:00",
        "end": "2022-05-20T11:30:00+08:00", "location": "北关社区广场", "organizer": "城北街道", "towns": ["城北街道"],
        "village": "北关社区", "platform": "卫生健康", "project": None, "volunteers_needed": 10,
        "signup": "在志愿服务平台报名，或拨打中心服务热线 0916-6212345", "reports": ["a"], "generated": False,
        "url": "/activities/2022/05/#event-yizhen"}
    assert sum(1 for i in items if i["generated"]) == 12
    assert "caogao" not in {i["slug"] for i in items}
