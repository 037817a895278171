"""Quota downloads for the year-end assessment: CSV (UTF-8 with BOM, for Excel) and XLSX.

Text from content (report titles, unit and outlet names, …) is always written as text, never as a
formula: a CSV cell starting with = + - @, a tab or a carriage return gets a leading apostrophe (OWASP's
advice against CSV injection), and every XLSX text cell is typed as a string.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from typing import TYPE_CHECKING

from wenming.metrics.quotas import METRIC_LABELS, STATUS_LABELS, MetricResult, QuotaReport
from wenming.model.quota_rules import RATIO_METRICS

if TYPE_CHECKING:  # openpyxl (0.3 s to import) is imported when a workbook is made: most builds reuse the last one
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
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


def csv_text(value):
    """``value`` safe for a spreadsheet: text that a spreadsheet would read as a formula gets a leading '."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) else value


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([csv_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell holding ``value``; text is typed as a string (openpyxl would take "=…" for a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def text_row(sheet, row: list) -> list:
    """``row`` to append as it is, or as string-typed cells when openpyxl would take a text for a formula or
    an error value (typing every cell of the ~90,000 of a large year would cost a quarter of a second)."""
    from openpyxl.cell.cell import ERROR_CODES

    if any(isinstance(v, str) and (v.startswith(FORMULA_TRIGGERS) or v in ERROR_CODES) for v in row):
        return [text_cell(sheet, value) for value in row]
    return row


def to_xlsx(report: QuotaReport) -> bytes:
    """Streamed (openpyxl's write-only mode): a 10,000-report year has ~90,000 cells of counted reports."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    fills = {label: PatternFill("solid", fgColor=STATUS_FILLS[status]) for status, label in STATUS_LABELS.items()}
    rows = matrix_rows(report)
    status_columns = {i for i, name in enumerate(rows[0]) if name.endswith("状态")}

    def styled(sheet, row: list, font: Font | None = None, fill_columns: set[int] = frozenset()) -> list:
        cells = []
        for index, value in enumerate(row):
            cell = text_cell(sheet, value)
            if font is not None:
                cell.font = font
            if index in fill_columns and value in fills:
                cell.fill = fills[value]
            cells.append(cell)
        return cells

    matrix = workbook.create_sheet("指标矩阵")
    matrix.freeze_panes = "B2"
    matrix.append(styled(matrix, rows[0], bold))
    for row in rows[1:]:
        matrix.append(styled(matrix, row, fill_columns=status_columns))
    counted = workbook.create_sheet("计入报道")
    counted.freeze_panes = "B2"
    counted_table = counted_rows(report)
    counted.append(styled(counted, counted_table[0], bold))
    for row in counted_table[1:]:
        counted.append(text_row(counted, row))
    info = workbook.create_sheet("说明")
    for row in (["年度", report.year], ["数据截至", report.as_of.isoformat()], ["依据", report.rules.source or ""]):
        info.append(styled(info, row))
    stamp = datetime.datetime.combine(report.as_of, datetime.time())
    workbook.properties.created = workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_fixed_times(buffer.getvalue(), stamp)


def _with_fixed_times(xlsx: bytes, stamp: datetime.datetime) -> bytes:
    """The same workbook with every zip entry and its modification date set to ``stamp``, so that
    unchanged data gives identical bytes (and a rebuild does not look like a change)."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":  # openpyxl dates it "now" when saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.strftime(
                    "%Y-%m-%dT%H:%M:%SZ").encode(), data)
            target.writestr(fixed, data)
    return output.getvalue()
