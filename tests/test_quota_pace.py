"""The pace rule (README.md, "Pace rule"): met, on track or behind, on a table of dates and targets."""

from __future__ import annotations

import datetime

import pytest
from sitekit import QUOTA_2022, news, write_news, write_quota

from wenming.metrics.quotas import QuotaCalculator, elapsed_fraction, in_grace_period, pace_status
from wenming.model.site import load_site


def day(month: int, day_of_month: int) -> datetime.date:
    return datetime.date(2022, month, day_of_month)


def status(key: str, actual, target: float, as_of: datetime.date, denominator: int | None = None) -> str:
    return pace_status(key, actual, target, elapsed_fraction(2022, as_of), grace=in_grace_period(2022, as_of),
                       denominator=denominator)


@pytest.mark.parametrize("actual, target, as_of, expected", [
    # a target of 1 is on track all year until it is due
    (0, 1, day(1, 1), "on_track"),
    (0, 1, day(7, 1), "on_track"),
    (0, 1, day(12, 30), "on_track"),
    (0, 1, day(12, 31), "behind"),
    (1, 1, day(3, 1), "met"),
    # 1 January: nothing is behind yet, not even a zero against a large target (grace period: January)
    (0, 3, day(1, 1), "on_track"),
    (0, 24, day(1, 1), "on_track"),
    (0, 24, day(1, 31), "on_track"),
    (1, 24, day(2, 28), "behind"),  # 59/365 × 24 = 3.9 → 3 expected
    # mid-year, target 3: behind only below the whole number of reports expected by now
    (0, 3, day(5, 1), "on_track"),  # 121/365 × 3 = 0.99 → 0
    (0, 3, day(5, 2), "behind"),  # 122/365 × 3 = 1.003 → 1
    (1, 3, day(6, 30), "on_track"),  # 1.49 → 1
    (1, 3, day(9, 1), "behind"),  # 2.005 → 2
    (2, 3, day(12, 30), "on_track"),  # 2.99 → 2
    # end of year: every unmet target is behind
    (2, 3, day(12, 31), "behind"),
    (3, 3, day(12, 31), "met"),
    (4, 3, day(6, 1), "met"),
    (None, 3, day(6, 1), "no_data"),
])
def test_pace_rule(actual, target, as_of, expected):
    assert status("media.county", actual, target, as_of) == expected


@pytest.mark.parametrize("actual, as_of, expected", [
    (0.0, day(7, 1), "on_track"),  # 2 of 4 villages meet 30%: 182/365 × 2 = 0.997 → 0
    (0.0, day(10, 1), "behind"),  # 274/365 × 2 = 1.5 → 1
    (0.25, day(10, 1), "on_track"),
    (0.25, day(12, 31), "behind"),
    (0.5, day(3, 1), "met"),
])
def test_a_paced_share_is_paced_in_villages(actual, as_of, expected):
    assert status("weijiangtang.coverage", actual, 0.3, as_of, denominator=4) == expected


def test_snapshot_metrics_are_behind_whenever_not_met():
    assert status("stations.bayou", 0.5, 1.0, day(1, 1), denominator=4) == "behind"
    assert status("volunteers.participation", 0.1, 0.13, day(6, 1), denominator=8000) == "behind"


def test_grace_period_is_january():
    assert in_grace_period(2022, day(1, 31)) and not in_grace_period(2022, day(2, 1))


def test_on_1_january_no_paced_metric_is_behind(content):
    write_quota(content, QUOTA_2022)
    write_news(content, "a.md", news())
    model, diagnostics = load_site(content)
    assert model is not None, [d.format() for d in diagnostics.items]
    report = QuotaCalculator(model.registry, model.extras["quota_rules"][2022], model.news, day(1, 1)).report()
    paced = {"media.provincial", "media.municipal", "media.county", "training", "weijiangtang.coverage"}
    statuses = {(u.unit.name, key): m.status for u in report.units for key, m in u.metrics.items() if key in paced}
    assert set(statuses.values()) == {"on_track", "no_data"}  # no_data: 茶镇 has no villages for the coverage


def test_a_target_of_one_is_on_track_mid_year(content):
    write_quota(content, QUOTA_2022)
    model, _ = load_site(content)
    report = QuotaCalculator(model.registry, model.extras["quota_rules"][2022], model.news, day(7, 1)).report()
    provincial = report.units[0].metrics["media.provincial"]  # target 1, nothing yet
    assert (provincial.target, provincial.actual, provincial.status) == (1, 0, "on_track")
