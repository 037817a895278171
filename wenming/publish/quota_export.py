"""Quota downloads for the year-end assessment: an XLSX workbook and two of its tables as CSV files, all written
by wenming.publish.workbook (which keeps text from being read as a formula)."""

from __future__ import annotations

import datetime

from wenming.metrics.quotas import METRIC_LABELS, STATUS_LABELS, MetricResult, QuotaReport
from wenming.model import urls
from wenming.model.quota_rules import RATIO_METRICS
from wenming.publish.workbook import Table, Workbook

STATUS_FILLS = {"met": "C6EFCE", "on_track": "FFEB9C", "behind": "FFC7CE", "no_data": "EDEDED"}


def format_value(metric: MetricResult) -> str:
    if metric.actual is None:
        return "无数据"
    if metric.is_ratio:
        return f"{metric.actual:.1%}"
    return f"{metric.actual:g}"


def format_target(metric: MetricResult) -> str:
    return format_target_value(metric.key, metric.target)


def format_target_value(key: str, target: float) -> str:
    return f"{target:.0%}" if key in RATIO_METRICS else f"{target:g}"


def matrix_rows(report: QuotaReport) -> list[list]:
    header = ["单位", "类别"]
    for key in report.metric_keys:
        header += [f"{METRIC_LABELS[key]}实际", f"{METRIC_LABELS[key]}目标", f"{METRIC_LABELS[key]}状态"]
    header.append("全部达标")
    rows = [header]
    for unit_quota in report.units:
        row = [unit_quota.unit.name, "镇（街道）" if unit_quota.unit.is_town else "部门（单位）"]
        for key in report.metric_keys:
            metric = unit_quota.metrics.get(key)
            if metric is None:
                row += ["不适用", "", ""]
                continue
            actual = "无数据" if metric.actual is None else round(metric.actual, 4)
            row += [actual, metric.target, STATUS_LABELS[metric.status]]
        row.append("是" if unit_quota.all_met else "否")
        rows.append(row)
    return rows


def counted_rows(report: QuotaReport) -> list[list]:
    rows = [["单位", "指标", "报道标题", "报道日期", "网址", "计入依据"]]
    for unit_quota in report.units:
        for key, metric in unit_quota.metrics.items():
            for counted in metric.counted:
                reason = "；".join(f"{p.outlet}（{p.level.name}，{p.date.isoformat()}）" for p in counted.publications)
                if counted.village:
                    reason = f"村（社区）：{counted.village}"
                rows.append([unit_quota.unit.name, METRIC_LABELS[key], counted.item.title,
                             counted.item.date.isoformat(), "/" + counted.item.url, reason or counted.item.kind.name])
    return rows


def download_names(year: int) -> tuple[str, str, str]:
    """The year's workbook, its matrix as CSV, and its counted reports as CSV."""
    base = f"{urls.quota_year(year)}quota-{year}"
    return f"{base}.xlsx", f"{base}.csv", f"{base}-reports.csv"


def workbook_of(report: QuotaReport) -> Workbook:
    """The year's workbook (written by wenming.publish.workbook): the matrix (status cells coloured), the
    counted reports, and what it is."""
    matrix = matrix_rows(report)
    workbook, matrix_csv, counted_csv = download_names(report.year)
    return Workbook(
        name=workbook, created=datetime.datetime.combine(report.as_of, datetime.time()),
        fills={label: STATUS_FILLS[status] for status, label in STATUS_LABELS.items()},
        tables=[Table("指标矩阵", matrix, fill_columns=frozenset(i for i, name in enumerate(matrix[0])
                                                             if name.endswith("状态")), csv_name=matrix_csv),
                Table("计入报道", counted_rows(report), csv_name=counted_csv),
                Table("说明", [["年度", report.year], ["数据截至", report.as_of.isoformat()],
                               ["依据", report.rules.source or ""]], header=False)])

