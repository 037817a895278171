"""The bundled sample content's volunteer service: profiles, 茶乡微讲堂, the calendar feed, rankings and
the participation quota fed by the statistics export."""

from __future__ import annotations

import json

import icalendar
from conftest import soup


def test_only_consenting_profiles_are_shown(sample_site):
    cards = soup(sample_site / "volunteers/index.html").select(".volunteer-card")
    assert len(cards) == 18
    assert all(card.select_one("img")["alt"].endswith("的照片") for card in cards)
    for name in ("韩立新", "曹慧敏"):  # drafts without consent
        for path in sample_site.rglob("*.html"):
            assert name not in path.read_text(encoding="utf-8"), path


def test_flagship_project_lists_its_reports_and_volunteers(sample_site):
    page = soup(sample_site / "projects/chaxiang-weijiangtang/index.html")
    assert page.select_one("ol.lifecycle [aria-current=step] .step-name").get_text() == "实施项目"
    assert len(page.select(".report-title a")) >= 18
    assert {"陈秀兰", "何建国"} <= {a.get_text() for a in page.select(".volunteer-name a")}
    first = soup(sample_site / "projects/index.html").select_one(".project-card h2 a")
    assert first.get_text() == "茶乡微讲堂"


def test_calendar_feed_has_the_monthly_weijiangtang_sessions(sample_site):
    feed = icalendar.Calendar.from_ical((sample_site / "activities/activities.ics").read_bytes())
    uids = [str(e["UID"]) for e in feed.walk("VEVENT")]
    sessions = [u for u in uids if u.startswith("chaxiang-weijiangtang-2022-")]
    assert len(sessions) == 12 and len(uids) == len(set(uids))
    june = next(e for e in feed.walk("VEVENT") if str(e["UID"]).startswith("chaxiang-weijiangtang-2022-06@"))
    assert june.decoded("DTSTART").isoformat() == "2022-06-15T19:30:00+08:00"


def test_participation_quota_has_data_from_the_export(sample_site):
    units = {u["unit"]: u["metrics"] for u in
             json.loads((sample_site / "api/v1/quotas/2022.json").read_text(encoding="utf-8"))["units"]}
    participation = units["城北街道"]["volunteers.participation"]
    assert (participation["numerator"], participation["denominator"], participation["status"]) == (8991, 55500, "met")
    assert units["白勉峡镇"]["volunteers.participation"]["status"] == "behind"
    assert units["县委宣传部"]["projects.brand"]["actual"] == 1  # 茶乡微讲堂, owned by the platform it leads


def test_rankings_rank_tied_volunteers_together(sample_site):
    data = json.loads((sample_site / "api/v1/rankings/2022.json").read_text(encoding="utf-8"))
    ranking = next(r for r in data["rankings"] if r["key"] == "volunteers.hours")
    volunteers = {row["name"]: row["rank"] for row in ranking["rows"]}
    assert volunteers["陈秀兰"] == 1
    assert volunteers["吴桂芳"] == volunteers["唐玉兰"]  # both 720 h
    assert "韩立新" not in volunteers
