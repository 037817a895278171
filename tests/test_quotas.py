"""Quota counting rules, one test per rule and edge case, on tiny content trees."""

from __future__ import annotations

import datetime

import pytest
from sitekit import QUOTA_2022, news, write_news, write_quota

from wenming.metrics.quotas import QuotaCalculator, default_as_of, elapsed_fraction, pace_status
from wenming.model.site import load_site

YEAR_END = datetime.date(2022, 12, 31)


def quota(content, reports: dict[str, str], as_of=YEAR_END, rules=QUOTA_2022):
    write_quota(content, rules)
    for name, text in reports.items():
        write_news(content, name, text)
    model, diagnostics = load_site(content)
    assert model is not None, [d.format() for d in diagnostics.items]
    report = QuotaCalculator(model.registry, model.extras["quota_rules"][2022], model.news, as_of).report()
    return {u.unit.name: u for u in report.units}, report


def pubs(*entries: str) -> str:
    return "\n" + "\n".join(f"  - {entry}" for entry in entries)


def test_every_registry_unit_appears_even_without_reports(content):
    units, report = quota(content, {})
    assert list(units) == ["城北街道", "杨河镇", "茶镇", "县卫健局", "县新时代文明实践中心"]
    assert units["茶镇"].metrics["media.county"].actual == 0
    assert units["茶镇"].metrics["media.county"].status == "behind"


def test_metrics_apply_by_audience(content):
    units, _ = quota(content, {})
    assert set(units["城北街道"].metrics) == {"media.provincial", "media.municipal", "media.county", "training",
                                             "weijiangtang.coverage", "projects.brand",
                                             "volunteers.participation", "stations.bayou"}
    # 县卫健局 leads 卫生健康, so it has the brand-project target; the center leads 理论宣讲 too.
    assert set(units["县卫健局"].metrics) == {"media.provincial", "media.municipal", "media.county", "projects.brand"}


def test_only_published_reports_count(content):
    units, _ = quota(content, {
        "a.md": news(slug="a", publications=pubs("{outlet: 西乡融媒}")),
        "b.md": news(slug="b", status="draft", publications=pubs("{outlet: 西乡融媒}")),
        "c.md": news(slug="c", status="review", publications=pubs("{outlet: 西乡融媒}")),
    })
    assert units["城北街道"].metrics["media.county"].actual == 1


def test_same_report_in_two_outlets_of_one_level_counts_once(content):
    units, _ = quota(content, {"a.md": news(publications=pubs("{outlet: 西乡融媒}", "{outlet: 西乡月报}"))})
    metric = units["城北街道"].metrics["media.county"]
    assert metric.actual == 1
    assert [p.outlet for p in metric.counted[0].publications] == ["西乡融媒", "西乡月报"]


def test_report_at_two_levels_counts_once_at_each(content):
    units, _ = quota(content, {"a.md": news(publications=pubs("{outlet: 陕西文明网}", "{outlet: 西乡融媒}"))})
    metrics = units["城北街道"].metrics
    assert (metrics["media.provincial"].actual, metrics["media.municipal"].actual,
            metrics["media.county"].actual) == (1, 0, 1)


def test_central_counts_as_provincial_by_the_year_rules(content):
    units, _ = quota(content, {"a.md": news(publications=pubs("{outlet: 中国文明网}"))})
    assert units["城北街道"].metrics["media.provincial"].actual == 1
    unmapped = QUOTA_2022.replace("level_mapping: {中央: 省级}", "level_mapping: {}")
    units, _ = quota(content, {}, rules=unmapped)
    assert units["城北街道"].metrics["media.provincial"].actual == 0


def test_explicit_level_overrides_the_outlet_level(content):
    units, _ = quota(content, {"a.md": news(publications=pubs("{outlet: 西乡融媒, level: 市级}"))})
    assert units["城北街道"].metrics["media.municipal"].actual == 1
    assert units["城北街道"].metrics["media.county"].actual == 0


def test_publication_counts_in_the_year_of_its_own_date(content):
    units, _ = quota(content, {
        "dec.md": news(slug="dec", date="2022-12-28", publications=pubs("{outlet: 陕西文明网, date: 2023-01-05}",
                                                                          "{outlet: 西乡融媒}")),
        "old.md": news(slug="old", date="2021-12-30", publications=pubs("{outlet: 汉中日报, date: 2022-01-04}")),
    })
    metrics = units["城北街道"].metrics
    assert metrics["media.provincial"].actual == 0  # ran in 2023
    assert metrics["media.county"].actual == 1
    assert metrics["media.municipal"].actual == 1  # a 2021 report run in 2022 counts for 2022


def test_multi_unit_report_counts_for_each_unit_after_alias_normalisation(content):
    units, _ = quota(content, {"a.md": news(units="[城北, 县卫生健康局]", publications=pubs("{outlet: 汉中日报}"))})
    assert units["城北街道"].metrics["media.municipal"].actual == 1
    assert units["县卫健局"].metrics["media.municipal"].actual == 1
    assert units["杨河镇"].metrics["media.municipal"].actual == 0


def test_training_counts_published_training_reports_in_the_year(content):
    units, _ = quota(content, {
        "t1.md": news(slug="t1", kind="培训", units="杨河镇"),
        "t2.md": news(slug="t2", kind="培训", units="杨河镇", date="2022-11-30"),
        "t3.md": news(slug="t3", kind="培训", units="杨河镇", date="2021-11-30"),
        "t4.md": news(slug="t4", kind="活动", units="杨河镇"),
    })
    metric = units["杨河镇"].metrics["training"]
    assert (metric.actual, metric.status) == (2, "met")
    assert sorted(c.item.slug for c in metric.counted) == ["t1", "t2"]


def test_weijiangtang_coverage_counts_distinct_villages(content):
    units, _ = quota(content, {
        "w1.md": news(slug="w1", kind="微讲堂", village="北关社区"),
        "w2.md": news(slug="w2", kind="微讲堂", village="北关社区", date="2022-06-15"),
        "w3.md": news(slug="w3", kind="微讲堂", village="东关社区", status="draft"),
        "w4.md": news(slug="w4", kind="活动", village="西关社区"),
    })
    metric = units["城北街道"].metrics["weijiangtang.coverage"]
    assert (metric.numerator, metric.denominator, metric.actual) == (1, 4, 0.25)
    assert metric.met is False and metric.shortfall == "差1个村（社区）"
    assert metric.as_json()["numerator"] == 1 and metric.as_json()["denominator"] == 4


def test_weijiangtang_coverage_met_at_exactly_the_target(content):
    text = QUOTA_2022.replace("weijiangtang.coverage: {target: 0.3}", "weijiangtang.coverage: {target: 0.5}")
    units, _ = quota(content, {
        "w1.md": news(slug="w1", kind="微讲堂", village="北关社区"),
        "w2.md": news(slug="w2", kind="微讲堂", village="东关社区"),
    }, rules=text)
    metric = units["城北街道"].metrics["weijiangtang.coverage"]
    assert metric.actual == 0.5 and metric.met and metric.status == "met"


def test_town_without_villages_has_no_data_not_zero(content):
    units, _ = quota(content, {})
    metric = units["茶镇"].metrics["weijiangtang.coverage"]
    assert (metric.actual, metric.met, metric.status) == (None, None, "no_data")
    assert units["茶镇"].metrics["stations.bayou"].status == "no_data"


def test_stations_bayou_counts_villages_with_all_eight(content):
    units, _ = quota(content, {})
    metric = units["城北街道"].metrics["stations.bayou"]
    assert (metric.numerator, metric.denominator) == (1, 4)
    assert metric.note == "3个村（社区）无数据，按未达标计"


def test_projects_and_participation_without_data_are_no_data(content):
    units, _ = quota(content, {})
    for key in ("projects.brand", "volunteers.participation"):
        metric = units["城北街道"].metrics[key]
        assert metric.actual is None and metric.status == "no_data"
        assert metric.as_json()["actual"] is None


def test_as_of_limits_counting_and_sets_pace(content):
    reports = {"a.md": news(slug="a", date="2022-03-01", publications=pubs("{outlet: 西乡融媒}")),
               "b.md": news(slug="b", date="2022-09-01", publications=pubs("{outlet: 西乡融媒}"))}
    units, report = quota(content, reports, as_of=datetime.date(2022, 6, 30))
    metric = units["城北街道"].metrics["media.county"]
    assert metric.actual == 1
    # 181 of 365 days: 3 × 0.496 = 1.49, rounded down 1 ≤ 1 → on track (the pace rule, tests/test_quota_pace.py)
    assert metric.status == "on_track"
    assert report.as_of == datetime.date(2022, 6, 30)


def test_snapshot_metrics_are_not_paced():
    assert pace_status("stations.bayou", 0.5, 1.0, 0.1) == "behind"


def test_elapsed_fraction_and_default_as_of():
    assert elapsed_fraction(2022, datetime.date(2022, 12, 31)) == 1.0
    assert elapsed_fraction(2022, datetime.date(2022, 1, 1)) == pytest.approx(1 / 365)
    assert elapsed_fraction(2022, datetime.date(2021, 6, 1)) == 0.0
    today = datetime.date(2026, 11, 29)
    assert default_as_of(2022, today) == datetime.date(2022, 12, 31)
    assert default_as_of(2026, today) == today
    assert default_as_of(2027, today) == datetime.date(2027, 1, 1)


def test_api_numbers_and_met(content):
    units, report = quota(content, {"a.md": news(publications=pubs("{outlet: 陕西文明网}"))})
    data = report.as_json()
    first = data["units"][0]
    assert first["unit"] == "城北街道" and first["kind"] == "town"
    assert first["metrics"]["media.provincial"] == {"target": 1, "actual": 1, "met": True, "status": "met",
                                                    "counted": ["a"]}
    assert data["as_of"] == "2022-12-31" and data["year"] == 2022


def test_shortfall_text():
    from wenming.metrics.quotas import MetricResult
    assert MetricResult("media.municipal", 2, 1, "behind").shortfall == "差1篇"
    assert MetricResult("training", 2, 0, "behind").shortfall == "差2次"
    assert MetricResult("media.county", 3, 3, "met").shortfall is None


@pytest.mark.parametrize("rules, message", [
    (QUOTA_2022.replace("training:", "trainings:"),
     "content/data/quotas/2022.yml:8: error[E702]: targets.trainings: trainings is not a known metric; did you mean "
     "training? (allowed: media.provincial, media.municipal, media.county, training, weijiangtang.coverage, "
     "projects.brand, volunteers.participation, stations.bayou)"),
    (QUOTA_2022.replace("{target: 0.3}", "{target: 30}"),
     "content/data/quotas/2022.yml:9: error[E703]: targets.weijiangtang.coverage.target: 30.0 is a share and must be between 0 and 1 (30% is 0.3)"),
    (QUOTA_2022.replace("year: 2022", "year: 2023"),
     "content/data/quotas/2022.yml:1: error[E701]: year: year 2023 does not match the file name 2022.yml; name it 2023.yml"),
    (QUOTA_2022.replace("{中央: 省级}", "{中央: 省部级}"),
     "content/data/quotas/2022.yml:3: error[E704]: level_mapping: 省部级 is not a media level; allowed: 中央, 省级, 市级, 县级"),
    (QUOTA_2022.replace("{target: 2}", "{target: two}"),
     "content/data/quotas/2022.yml:8: error[E013]: targets.training.target: two must be a number"),
])
def test_quota_file_errors(content, rules, message):
    write_quota(content, rules)
    model, diagnostics = load_site(content)
    assert model is None
    assert [d.format() for d in diagnostics.errors] == [message]
