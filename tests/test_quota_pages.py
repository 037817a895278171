"""Quota pages, downloads and API built for real; the JSON and the rendered pages must agree."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from conftest import soup
from sitekit import QUOTA_2022, make_site, news, write_quota

from wenming.build.pipeline import build

REPORTS = {
    "a.md": news(slug="a", publications="\n  - outlet: 陕西文明网\n  - outlet: 汉中日报"),
    "b.md": news(slug="b", kind="培训", units="杨河镇", date="2022-03-01"),
    "c.md": news(slug="c", kind="微讲堂", village="北关社区", date="2022-04-15",
                 publications="\n  - outlet: 西乡融媒"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("quota")
    content = make_site(root, REPORTS)
    write_quota(content)
    write_quota(content, QUOTA_2022.replace("year: 2022", "year: 2023"), year=2023)
    return build(content, root / "output").site_dir


@pytest.fixture(scope="module")
def api(site):
    return json.loads((site / "api/v1/quotas/2022.json").read_text(encoding="utf-8"))


def test_api_lists_every_unit_with_exact_metric_keys(api):
    assert api["year"] == 2022 and api["as_of"] == "2022-12-31"
    assert [u["unit"] for u in api["units"]] == ["城北街道", "杨河镇", "茶镇", "县卫健局", "县新时代文明实践中心"]
    town = api["units"][0]
    assert list(town["metrics"]) == ["media.provincial", "media.municipal", "media.county", "training",
                                     "weijiangtang.coverage", "projects.brand", "volunteers.participation",
                                     "stations.bayou"]
    for unit in api["units"]:
        for metric in unit["metrics"].values():
            if metric["actual"] is not None:
                assert isinstance(metric["actual"], (int, float))
                assert metric["met"] == (metric["actual"] >= metric["target"])
    assert town["metrics"]["weijiangtang.coverage"] == {
        "target": 0.3, "actual": 0.25, "met": False, "status": "behind", "numerator": 1, "denominator": 4,
        "counted": ["c"]}
    assert set(api["definitions"]) == set(town["metrics"])


def test_matrix_page_agrees_with_the_api(site, api):
    page = soup(site / "quota/2022/index.html")
    table = page.select_one("#towns-matrix")
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert headers[:3] == ["单位", "省级媒体 目标 1", "市级媒体 目标 2"]
    by_unit = {u["unit"]: u for u in api["units"]}
    for row in table.select("tbody tr"):
        unit = by_unit[row.th.get_text(strip=True)]
        cells = row.find_all("td")
        for cell, (key, metric) in zip(cells, unit["metrics"].items()):
            assert cell["data-status"] == metric["status"], (unit["unit"], key)
            label = {"met": "达标", "on_track": "进度正常", "behind": "落后", "no_data": "无数据"}[metric["status"]]
            assert label in cell.get_text()
    chengbei = table.select_one("tbody tr")
    assert chengbei.th.a["href"] == "/quota/2022/chengbei-jiedao/"
    assert chengbei.find_all("td")[0].get_text(" ", strip=True).startswith("1/1")
    departments = page.select_one("#departments-matrix")
    assert [r.th.get_text() for r in departments.select("tbody tr")] == ["县卫健局", "县新时代文明实践中心"]


def test_summary_line_and_as_of(site, api):
    page = soup(site / "quota/2022/index.html")
    met = sum(1 for u in api["units"] if u["kind"] == "town"
              and all(m["met"] for m in u["metrics"].values() if m["actual"] is not None))
    assert page.select_one(".quota-summary strong").get_text() == f"3个镇（街道）中 {met} 个全部达标"
    assert "数据截至 2022年12月31日" in page.select_one(".lead").get_text()


def test_year_selector_when_several_years(site):
    page = soup(site / "quota/2022/index.html")
    links = page.select(".year-selector a")
    assert [a.get_text() for a in links] == ["2022年", "2023年"]
    assert links[0]["aria-current"] == "page"
    assert (site / "quota/2023/index.html").is_file()


def test_charts_are_accessible_svg(site):
    page = soup(site / "quota/2022/index.html")
    charts = page.select("figure.chart-figure svg")
    assert len(charts) == 8
    first = charts[0]
    assert first["role"] == "img"
    assert first.title.get_text() == "2022年各镇（街道）省级媒体完成情况"
    assert "3个镇（街道）中1个达到目标1" in first.desc.get_text()


def test_unit_page_lists_counted_reports_and_what_is_missing(site):
    page = soup(site / "quota/2022/chengbei-jiedao/index.html")
    assert page.h1.get_text() == "城北街道 · 2022年目标任务完成情况"
    missing = [li.get_text(" ", strip=True) for li in page.select(".still-missing li")]
    assert "市级媒体 1/2，差1篇" in missing
    assert "县级媒体 1/3，差2篇" in missing
    sections = {s.h2.get_text(): s for s in page.select("section.metric")}
    provincial = sections["省级媒体"]
    assert provincial.meter["max"] == "1.0" and provincial.meter["value"] == "1"
    counted = provincial.select_one("ol.counted li")
    assert counted.a["href"] == "/news/a/"
    assert "陕西文明网" in counted.get_text() and counted.select_one(".badge").get_text() == "省级"
    assert "无数据" in sections["品牌项目"].get_text()


def test_csv_has_bom_and_round_trips(site, api):
    data = (site / "quota/2022/quota-2022.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["单位", "类别", "省级媒体实际", "省级媒体目标"]
    assert [r[0] for r in rows[1:]] == [u["unit"] for u in api["units"]]
    chengbei = dict(zip(rows[0], rows[1]))
    assert chengbei["省级媒体实际"] == "1" and chengbei["省级媒体状态"] == "达标"
    assert chengbei["品牌项目实际"] == "无数据"
    department = dict(zip(rows[0], rows[4]))
    assert department["培训实际"] == "不适用"
    counted = list(csv.reader(io.StringIO((site / "quota/2022/quota-2022-reports.csv").read_bytes().decode("utf-8-sig"))))
    assert ["城北街道", "省级媒体", "城北街道开展宣讲活动", "2022-05-12", "/news/a/", "陕西文明网（省级，2022-05-12）"] in counted


def test_xlsx_round_trips(site, api):
    workbook = openpyxl.load_workbook(site / "quota/2022/quota-2022.xlsx")
    assert workbook.sheetnames == ["指标矩阵", "计入报道", "说明"]
    rows = list(workbook["指标矩阵"].iter_rows(values_only=True))
    header = rows[0]
    assert [r[0] for r in rows[1:]] == [u["unit"] for u in api["units"]]
    yanghe = dict(zip(header, rows[2]))
    assert yanghe["培训实际"] == 1 and yanghe["培训状态"] == "落后"
    assert dict(workbook["说明"].iter_rows(values_only=True))["数据截至"] == "2022-12-31"
    matrix = workbook["指标矩阵"]
    status_cell = matrix.cell(row=3, column=header.index("培训状态") + 1)
    assert status_cell.fill.fgColor.rgb.endswith("FFC7CE")  # 落后: red
    assert matrix.cell(row=1, column=1).font.bold and not matrix.cell(row=2, column=1).font.bold
    assert matrix.freeze_panes == workbook["计入报道"].freeze_panes == "B2"
