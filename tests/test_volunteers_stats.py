"""Volunteer statistics CSV: row-numbered errors naming the column, and the participation quota it feeds."""

from __future__ import annotations

import datetime

import pytest
from sitekit import QUOTA_2022, write_quota, write_stats

from wenming.metrics.quotas import QuotaCalculator
from wenming.model.site import load_site
from wenming.model.volunteer_stats import VolunteerStats

HEADER = "镇（街道）,注册志愿者人数,活跃志愿者人数,服务时长（小时）\n"
PATH = "content/data/volunteer-stats/2022.csv"


def load(content, text: str, year="2022"):
    write_stats(content, text, year)
    model, diagnostics = load_site(content)
    return model, [d.format() for d in diagnostics.sorted()]


def test_rows_become_stats_keyed_by_town_and_year(content):
    model, messages = load(content, HEADER + "城北,1500,900,20000\n杨河镇,\"1,200\",600,9000\n茶镇,600,300,5000\n")
    assert messages == []
    assert model.extras["volunteer_stats"] == {
        ("城北街道", 2022): VolunteerStats("城北街道", 2022, 1500, 900, 20000),
        ("杨河镇", 2022): VolunteerStats("杨河镇", 2022, 1200, 600, 9000),
        ("茶镇", 2022): VolunteerStats("茶镇", 2022, 600, 300, 5000),
    }


def test_columns_may_come_in_any_order_and_blank_lines_are_skipped(content):
    text = ("服务时长（小时）,镇（街道）,活跃志愿者人数,注册志愿者人数\n"
            "20000,城北街道,900,1500\n\n9000,杨河镇,500,800\n4000,茶镇,200,300\n")
    model, messages = load(content, text)
    assert messages == []
    assert model.extras["volunteer_stats"][("杨河镇", 2022)] == VolunteerStats("杨河镇", 2022, 800, 500, 9000)


@pytest.mark.parametrize("row, expected", [
    ("城北街道,1500人,900,20000", "2: error[E510]: 注册志愿者人数: 1500人 must be a whole number of 0 or more"),
    ("城北街道,1500,-9,20000", "2: error[E510]: 活跃志愿者人数: -9 must be a whole number of 0 or more"),
    ("城北街道,1500,900,", "2: error[E510]: 服务时长（小时）: (empty) must be a whole number of 0 or more"),
    ("城北街,1500,900,20000", "2: error[E512]: 镇（街道）: 城北街 is not a registry town; did you mean 城北街道? "
                             "(towns: 城北街道, 杨河镇, 茶镇)"),
    ("县卫健局,15,9,200", "2: error[E513]: 镇（街道）: 县卫健局 is a department; the statistics are per town (镇/街道)"),
    ("城北街道,900,1500,20000",
     "2: error[E516]: 活跃志愿者人数: 1500 active volunteers are more than the 900 registered ones"),
    ("城北街道,1500,900", "2: error[E515]: row has 3 values but the header names 4 columns"),
])
def test_bad_rows_are_errors_with_row_number_and_column(content, row, expected):
    _, messages = load(content, HEADER + row + "\n杨河镇,800,500,9000\n茶镇,600,300,5000\n")
    assert messages == [f"{PATH}:{expected}"]


def test_every_bad_row_of_the_file_is_reported(content):
    _, messages = load(content, HEADER + "城北街道,1500,900,20000\n杨河镇,八百,500,9000\n城北,1,1,1\n茶镇,600,300,x\n")
    assert messages == [
        f"{PATH}:3: error[E510]: 注册志愿者人数: 八百 must be a whole number of 0 or more",
        f"{PATH}:4: error[E514]: 镇（街道）: 城北街道 is already listed in row 2",
        f"{PATH}:5: error[E510]: 服务时长（小时）: x must be a whole number of 0 or more",
    ]


def test_missing_column_is_an_error_on_the_header_row(content):
    _, messages = load(content, "镇（街道）,注册人数,服务时长（小时）\n城北街道,1500,20000\n")
    assert messages == [
        f"{PATH}:1: error[E511]: missing column 注册志愿者人数, 活跃志愿者人数; the first row must name the columns "
        "镇（街道）, 注册志愿者人数, 活跃志愿者人数, 服务时长（小时）",
        f"{PATH}:1: warning[W510]: column 2: unknown column 注册人数 is ignored; did you mean 注册志愿者人数?",
    ]


def test_file_name_must_be_the_year(content):
    _, messages = load(content, HEADER, year="2022年")
    assert messages == ["content/data/volunteer-stats/2022年.csv: error[E518]: the file name must be the year of the "
                        "statistics, e.g. 2022.csv, not 2022年.csv"]


def test_towns_without_a_row_are_a_warning(content):
    model, messages = load(content, HEADER + "城北街道,1500,900,20000\n")
    assert messages == [f"{PATH}: warning[W512]: no row for 杨河镇, 茶镇; their volunteer participation shows no data"]
    assert list(model.extras["volunteer_stats"]) == [("城北街道", 2022)]


def test_more_registered_volunteers_than_residents_is_a_warning(content):
    _, messages = load(content, HEADER + "城北街道,15000,900,20000\n杨河镇,800,500,9000\n茶镇,600,300,5000\n")
    assert messages == [f"{PATH}:2: warning[W511]: 注册志愿者人数: 15000 registered volunteers are more than 城北街道's "
                        "resident population of 10000; check the export"]


def test_excel_gbk_export_is_read_with_a_warning(content):
    path = write_stats(content, "")
    path.write_bytes((HEADER + "城北街道,1500,900,20000\n杨河镇,800,500,9000\n茶镇,600,300,5000\n").encode("gbk"))
    model, diagnostics = load_site(content)
    assert [d.message for d in diagnostics.items] == [
        "file is saved as GBK/GB18030 (e.g. by a Windows editor); it was decoded, but please save it as UTF-8"]
    assert model.extras["volunteer_stats"][("城北街道", 2022)].registered == 1500


def test_stats_feed_the_participation_quota(content):
    write_quota(content, QUOTA_2022)
    model, _ = load(content, HEADER + "城北街道,1500,900,20000\n杨河镇,800,500,9000\n")
    report = QuotaCalculator(model.registry, model.extras["quota_rules"][2022], model.news,
                             datetime.date(2022, 12, 31), volunteer_stats=model.extras["volunteer_stats"]).report()
    metrics = {u.unit.name: u.metrics["volunteers.participation"] for u in report.towns}
    chengbei, yanghe = metrics["城北街道"], metrics["杨河镇"]
    assert (chengbei.numerator, chengbei.denominator, chengbei.status) == (1500, 10000, "met")
    assert (yanghe.actual, yanghe.status, yanghe.shortfall) == (0.1, "behind", "差240人")
    assert (metrics["茶镇"].actual, metrics["茶镇"].note) == (None, "尚无志愿者统计数据")
