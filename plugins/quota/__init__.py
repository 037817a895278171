"""Quota tracking pages: /quota/<year>/ matrix, a page per unit, SVG charts, CSV/XLSX and the JSON API.

Publishes ``quota_reports`` ({year: QuotaReport}) in the shared context.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from pelican import signals
from pelican.generators import Generator

from wenming.build.page_keys import OWN_DATA_ARGUMENT
from wenming.build.render_cache import WRITE_ONLY, write_generated
from wenming.build.settings import MODEL_KEY
from wenming.media.charts import Bar, bar_chart
from wenming.metrics.quotas import DEFINITIONS, METRIC_LABELS, STATUS_LABELS, QuotaCalculator, default_as_of
from wenming.model import urls
from wenming.output import json_bytes, write_json
from wenming.publish import quota_export, workbook


def compute_reports(model, today: datetime.date) -> dict:
    rules_by_year = model.extras.get("quota_rules", {})
    reference = model.as_of or today
    return {
        year: QuotaCalculator(model.registry, rules, model.news, model.as_of if model.as_of and model.as_of.year == year
                              else default_as_of(year, reference), projects=model.collections.get("projects"),
                              volunteer_stats=model.extras.get("volunteer_stats")).report()
        for year, rules in sorted(rules_by_year.items())
    }


def matrix_columns(report, rows) -> list[tuple[str, str]]:
    """(metric key, target text) of the metrics that apply to at least one of ``rows``."""
    present = {key for row in rows for key in row.metrics}
    return [(key, quota_export.format_target_value(key, report.rules.targets[key].target))
            for key in report.metric_keys if key in present]


def unit_page_data(report, unit_quota, years: list[int]) -> str:
    """Everything a unit's quota page shows besides the site shell (the render cache's key for it, see
    OWN_DATA_ARGUMENT): the year, its date, the years to choose from, and the unit's metrics with the
    front matter of each report counted and what made it count."""
    metrics = {key: {**metric.as_json(), "counted": [
        (c.item.slug, c.item.front_matter_digest, c.village,
         [(p.outlet, p.level.name, p.date.isoformat()) for p in c.publications]) for c in metric.counted]}
        for key, metric in unit_quota.metrics.items()}
    data = {"year": report.year, "as_of": report.as_of.isoformat(), "years": years, "unit": unit_quota.unit.slug,
            "metrics": metrics}
    return hashlib.sha1(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def charts_for(report) -> list[str]:
    charts = []
    for key in report.metric_keys:
        rows = [u for u in report.towns if key in u.metrics]
        if not rows:
            continue
        metric0 = rows[0].metrics[key]
        bars = [Bar(u.unit.name, u.metrics[key].actual, quota_export.format_value(u.metrics[key]),
                    u.metrics[key].status) for u in rows]
        met = sum(1 for u in rows if u.metrics[key].met)
        title = f"{report.year}年各镇（街道）{METRIC_LABELS[key]}完成情况"
        description = (f"{len(rows)}个镇（街道）中{met}个达到目标{quota_export.format_target(metric0)}。"
                       + "；".join(f"{b.label}{b.text}" for b in bars))
        charts.append(bar_chart(f"chart-{key.replace('.', '-')}", title, description, bars, metric0.target,
                                quota_export.format_target(metric0)))
    return charts


class QuotaGenerator(Generator):
    SIDE_OUTPUT = True  # writes what nothing else reads: in a forked process (wenming.build.side_outputs)
    # Its context needs only the model: made first, so that QuotaWorkbooksGenerator can start the workbooks.
    WRITES_FIRST = True

    def generate_context(self):
        self.context["quota_reports"] = compute_reports(self.settings[MODEL_KEY], datetime.date.today())

    def generate_output(self, writer):
        reports = self.context["quota_reports"]
        if not reports:
            return
        common = {"quota_years": list(reports), "METRIC_LABELS": METRIC_LABELS, "STATUS_LABELS": STATUS_LABELS,
                  "DEFINITIONS": DEFINITIONS, "format_value": quota_export.format_value,
                  "format_target": quota_export.format_target, "matrix_columns": matrix_columns,
                  "format_target_value": quota_export.format_target_value}
        writer.write_file(urls.save_as(urls.QUOTA), self.get_template("quota_years"), self.context,
                          reports=reports, page_name="quota", **common)
        write_json(self.output_path, f"{urls.API}quotas.json",
                   {"years": [{"year": y, "as_of": r.as_of.isoformat(), "url": f"/{urls.API}quotas/{y}.json"}
                              for y, r in reports.items()]})
        for year, report in reports.items():
            base = urls.quota_year(year)
            # Quota data come from front matter only: kept from the last build while that is unchanged.
            # (The CSV downloads are written with the workbook: QuotaWorkbooksGenerator.)
            write_generated(writer, f"{urls.API}quotas/{year}.json", lambda r=report: json_bytes(r.as_json()))
            writer.write_file(urls.save_as(base), self.get_template("quota_year"), self.context, report=report,
                              charts=charts_for(report), page_name=base.rstrip("/"), **common)
            template = self.get_template("quota_unit")
            for unit_quota in report.units:
                url = urls.quota_unit(year, unit_quota.unit.slug)
                data = {OWN_DATA_ARGUMENT: unit_page_data(report, unit_quota, common["quota_years"])}
                writer.write_file(urls.save_as(url), template, self.context, report=report, unit_quota=unit_quota,
                                  page_name=url.rstrip("/"), **common, **data)


class QuotaWorkbooksGenerator(Generator):
    """Each year's XLSX workbook (~0.7 s of XlsxWriter at 10,000 reports) and its CSV downloads, started in
    another process as soon as QuotaGenerator has made the quota reports: they are written on the other core
    while Pelican makes the other contexts, which take one. Written from the build's own process, which waits
    for the workbook's.

    A build that keeps the last build's files (their key unchanged) has started the process for nothing; it
    ends on its own. A partial build (WRITE_ONLY) starts only the years whose files it writes."""

    WRITES_FIRST = True  # after QuotaGenerator (listed after it, and sorted stably)

    def generate_context(self):
        only = self.settings.get(WRITE_ONLY)
        self.started = {year: workbook.start(quota_export.workbook_of(report))
                        for year, report in self.context["quota_reports"].items()
                        if only is None or not only.names.isdisjoint(quota_export.download_names(year))}

    def generate_output(self, writer):
        for year, wait in self.started.items():
            for name in quota_export.download_names(year):
                write_generated(writer, name, lambda wait=wait, name=name: lambda: wait()[name], defer=True)


def get_generators(pelican):
    return [QuotaGenerator, QuotaWorkbooksGenerator]


def register():
    signals.get_generators.connect(get_generators)
