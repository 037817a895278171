"""Quota arithmetic: what each unit achieved against the year's targets, and why.

Definitions (also shown on the quota pages and in the API):
- media.<level>: distinct published reports listing the unit with at least one
  publication at that level (after the year's level mapping, e.g. 中央 → 省级)
  dated in the year and on or before the as-of date.
- training: published reports of the training kind listing the town, dated in the year.
- weijiangtang.coverage: distinct villages of the town named by published
  micro-lecture reports dated in the year, divided by the town's villages.
- projects.brand: published brand projects owned by the unit (or by a platform it
  leads) that run in the year.
- volunteers.participation: registered volunteers of the town in the year (from
  the platform of record's export) divided by its resident population.
- stations.bayou: villages whose practice station meets all eight 八有 standards,
  divided by the town's villages; no data when no village has 八有 data.
"""

from __future__ import annotations

import dataclasses
import datetime
import math

from wenming.model.news import NewsItem, ResolvedPublication
from wenming.model.quota_rules import DEFAULT_KINDS, PACED_METRICS, RATIO_METRICS, QuotaRules
from wenming.model.registry import Registry, Unit
from wenming.schema.registry import BAYOU_STANDARDS

LEVEL_KEYS = {"media.provincial": "provincial", "media.municipal": "municipal", "media.county": "county"}
METRIC_LABELS = {
    "media.provincial": "省级媒体", "media.municipal": "市级媒体", "media.county": "县级媒体",
    "training": "培训", "weijiangtang.coverage": "微讲堂覆盖率", "projects.brand": "品牌项目",
    "volunteers.participation": "志愿者参与率", "stations.bayou": "“八有”实践站",
}
METRIC_UNITS = {"media.provincial": "篇", "media.municipal": "篇", "media.county": "篇", "training": "次",
                "projects.brand": "个"}
STATUS_LABELS = {"met": "达标", "on_track": "进度正常", "behind": "落后", "no_data": "无数据"}
DEFINITIONS = {
    "media.provincial": "年内至少有一次省级（含中央，按年度规则折算）媒体刊发、列有本单位的已发布报道篇数",
    "media.municipal": "年内至少有一次市级媒体刊发、列有本单位的已发布报道篇数",
    "media.county": "年内至少有一次县级媒体刊发、列有本单位的已发布报道篇数",
    "training": "年内列有本镇（街道）的已发布“培训”类报道次数",
    "weijiangtang.coverage": "年内有已发布“微讲堂”报道的村（社区）数 ÷ 本镇（街道）村（社区）总数",
    "projects.brand": "本单位（或其牵头的实践平台）年内实施的已发布品牌项目个数",
    "volunteers.participation": "年内注册志愿者人数 ÷ 常住人口（志愿服务平台导出数据）",
    "stations.bayou": "“八有”全部达标的实践站数 ÷ 村（社区）总数",
}


@dataclasses.dataclass(frozen=True)
class CountedReport:
    """A report that counted toward a metric, with the publications that made it count."""

    item: NewsItem
    publications: tuple[ResolvedPublication, ...] = ()
    village: str | None = None


@dataclasses.dataclass
class MetricResult:
    key: str
    target: float
    actual: float | None
    status: str
    numerator: int | None = None
    denominator: int | None = None
    counted: list[CountedReport] = dataclasses.field(default_factory=list)
    note: str | None = None

    @property
    def met(self) -> bool | None:
        return None if self.actual is None else self.actual >= self.target

    @property
    def is_ratio(self) -> bool:
        return self.key in RATIO_METRICS

    @property
    def shortfall(self) -> str | None:
        """What is still missing, e.g. '差1篇' or '差2个村（社区）'; None when met or no data."""
        if self.actual is None or self.met:
            return None
        if self.is_ratio:
            if self.denominator is None or self.numerator is None:
                return None
            needed = math.ceil(round(self.target * self.denominator, 9)) - self.numerator
            noun = "人" if self.key == "volunteers.participation" else "个村（社区）"
            return f"差{needed}{noun}"
        return f"差{math.ceil(self.target - self.actual)}{METRIC_UNITS.get(self.key, '')}"

    def as_json(self) -> dict:
        data = {"target": _number(self.target), "actual": _number(self.actual), "met": self.met, "status": self.status}
        if self.is_ratio:
            data.update(numerator=self.numerator, denominator=self.denominator)
        if self.note:
            data["note"] = self.note
        data["counted"] = [c.item.slug for c in self.counted]
        return data


def _number(value: float | None) -> float | int | None:
    """Whole numbers as int (1, not 1.0); shares rounded to 4 places."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 4)


@dataclasses.dataclass
class UnitQuota:
    unit: Unit
    metrics: dict[str, MetricResult]

    @property
    def all_met(self) -> bool:
        """Every metric that has data is met (metrics without data are not counted either way)."""
        with_data = [m for m in self.metrics.values() if m.actual is not None]
        return bool(with_data) and all(m.met for m in with_data)


@dataclasses.dataclass
class QuotaReport:
    year: int
    as_of: datetime.date
    rules: QuotaRules
    units: list[UnitQuota]

    @property
    def towns(self) -> list[UnitQuota]:
        return [u for u in self.units if u.unit.is_town]

    @property
    def departments(self) -> list[UnitQuota]:
        return [u for u in self.units if not u.unit.is_town]

    @property
    def metric_keys(self) -> list[str]:
        return list(self.rules.targets)

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "source": self.rules.source,
            "definitions": {k: DEFINITIONS[k] for k in self.metric_keys},
            "units": [
                {"unit": u.unit.name, "kind": u.unit.kind, "slug": u.unit.slug,
                 "metrics": {k: m.as_json() for k, m in u.metrics.items()}}
                for u in self.units
            ],
        }


def default_as_of(year: int, today: datetime.date) -> datetime.date:
    """Today for the current year, the year's last day for past years, its first day for future ones."""
    if year < today.year:
        return datetime.date(year, 12, 31)
    if year > today.year:
        return datetime.date(year, 1, 1)
    return today


def elapsed_fraction(year: int, as_of: datetime.date) -> float:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if as_of >= end:
        return 1.0
    if as_of < start:
        return 0.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def in_grace_period(year: int, as_of: datetime.date) -> bool:
    """Up to 31 January of ``year`` nothing is behind yet (the year's work has only just begun)."""
    return as_of <= datetime.date(year, 1, 31)


def pace_status(key: str, actual: float | None, target: float, fraction: float, *, grace: bool = False,
                denominator: int | None = None) -> str:
    """met, on_track, behind or no_data (the pace rule in README.md, "Pace rule").

    A paced metric is behind when its count is below the whole number it should have reached by now:
    ``floor(needed × fraction)``, where ``needed`` is the count that meets the target (for a share, the
    villages out of ``denominator``). Not behind during the grace period; every unmet target is behind
    once the year is over, and so is an unmet snapshot metric at any time.
    """
    if actual is None:
        return "no_data"
    if actual >= target:
        return "met"
    if key not in PACED_METRICS or fraction >= 1:
        return "behind"
    if grace:
        return "on_track"
    scale = denominator if key in RATIO_METRICS and denominator else 1
    needed = math.ceil(round(target * scale, 9))
    expected = math.floor(round(needed * fraction, 9))
    return "behind" if round(actual * scale, 9) < expected else "on_track"


class QuotaCalculator:
    """Computes one year's QuotaReport from published content."""

    def __init__(self, registry: Registry, rules: QuotaRules, news: list[NewsItem], as_of: datetime.date,
                 projects: list | None = None, volunteer_stats: dict | None = None) -> None:
        self.registry = registry
        self.rules = rules
        self.as_of = as_of
        self.year = rules.year
        self.news = [n for n in news if n.is_published]
        self.news_by_unit: dict[str, list[NewsItem]] = {}  # published reports listing each unit, by name
        for item in self.news:
            for unit in item.units:
                self.news_by_unit.setdefault(unit.name, []).append(item)
        self.projects = projects
        self.volunteer_stats = volunteer_stats
        self._media: dict[str, dict[str, list[tuple[NewsItem, tuple]]]] = {}  # see _media_by_level
        self.platforms_led: dict[str, list] = {}  # canonical unit name → the platforms it leads
        for platform in registry.platforms:
            lead = registry.unit(platform.extra.get("lead") or "")  # the lead may be written as an alias
            if lead is not None:
                self.platforms_led.setdefault(lead.name, []).append(platform)

    def in_period(self, date: datetime.date) -> bool:
        return date.year == self.year and date <= self.as_of

    def reports_in_period(self, unit: Unit) -> list[NewsItem]:
        """The published reports listing ``unit`` (once each) dated in the year, up to ``as_of``."""
        return list({id(n): n for n in self.news_by_unit.get(unit.name, []) if self.in_period(n.date)}.values())

    def counted_level(self, publication: ResolvedPublication) -> str:
        name = self.rules.level_mapping.get(publication.level.name, publication.level.name)
        level = self.registry.level(name)
        return level.key if level else publication.level.key

    def media(self, unit: Unit, level_key: str) -> tuple[float, dict]:
        counted = [CountedReport(item, pubs) for item, pubs in self._media_by_level(unit.name).get(level_key, [])]
        return len(counted), {"counted": counted}

    def _media_by_level(self, unit_name: str) -> dict[str, list[tuple[NewsItem, tuple]]]:
        """The unit's reports with their publications in the period, by counted level (level key -> (report,
        its publications at that level) in report order): worked out once per unit, for all three levels."""
        found = self._media.get(unit_name)
        if found is None:
            found = self._media[unit_name] = {}
            for item in self.news_by_unit.get(unit_name, []):
                by_level: dict[str, list] = {}
                for publication in item.publications:
                    if self.in_period(publication.date):
                        by_level.setdefault(self.counted_level(publication), []).append(publication)
                for level_key, publications in by_level.items():
                    found.setdefault(level_key, []).append((item, tuple(publications)))
        return found

    def of_kind(self, unit: Unit, purpose: str) -> list[NewsItem]:
        kind = self.rules.kinds.get(purpose, DEFAULT_KINDS[purpose])
        return [n for n in self.news_by_unit.get(unit.name, []) if n.kind.name == kind and self.in_period(n.date)]

    def training(self, unit: Unit) -> tuple[float, dict]:
        reports = self.of_kind(unit, "training")
        return len(reports), {"counted": [CountedReport(r) for r in reports]}

    def weijiangtang(self, unit: Unit) -> tuple[float | None, dict]:
        if not unit.villages:
            return None, {"note": "本镇（街道）未登记村（社区），无法计算覆盖率"}
        counted, villages = [], set()
        for report in self.of_kind(unit, "weijiangtang"):
            if report.village and unit.village(report.village):
                counted.append(CountedReport(report, village=report.village))
                villages.add(report.village)
        return self.ratio(len(villages), len(unit.villages), counted=counted)

    def ratio(self, numerator: int, denominator: int, **extra) -> tuple[float, dict]:
        return numerator / denominator, {"numerator": numerator, "denominator": denominator, **extra}

    def brand_projects(self, unit: Unit) -> tuple[float | None, dict]:
        if self.projects is None:
            return None, {"note": "尚无品牌项目数据"}
        platforms = self.platforms_led.get(unit.name, [])
        owned = [p for p in self.projects if p.is_published and self.year in p.years
                 and (p.owner_unit == unit or p.owner_platform in platforms)]
        return len(owned), {"note": "、".join(p.title for p in owned) or None}

    def participation(self, unit: Unit) -> tuple[float | None, dict]:
        stats = (self.volunteer_stats or {}).get((unit.name, self.year))
        if stats is None or not unit.population:
            return None, {"note": "尚无志愿者统计数据" if stats is None else "未登记常住人口"}
        return self.ratio(stats.registered, unit.population)

    def bayou(self, unit: Unit) -> tuple[float | None, dict]:
        with_data = [v for v in unit.villages if v.bayou is not None]
        if not with_data:
            return None, {"note": "尚无“八有”达标数据"}
        complete = sum(1 for v in with_data if set(v.bayou) >= set(BAYOU_STANDARDS))
        missing = len(unit.villages) - len(with_data)
        note = f"{missing}个村（社区）无数据，按未达标计" if missing else None
        return self.ratio(complete, len(unit.villages), note=note)

    def metric(self, key: str, unit: Unit, fraction: float, grace: bool = False) -> MetricResult:
        if key in LEVEL_KEYS:
            actual, extra = self.media(unit, LEVEL_KEYS[key])
        else:
            compute = {"training": self.training, "weijiangtang.coverage": self.weijiangtang,
                       "projects.brand": self.brand_projects, "volunteers.participation": self.participation,
                       "stations.bayou": self.bayou}[key]
            actual, extra = compute(unit)
        target = self.rules.targets[key].target
        status = pace_status(key, actual, target, fraction, grace=grace, denominator=extra.get("denominator"))
        return MetricResult(key, target, actual, status, **extra)

    def report(self) -> QuotaReport:
        fraction = elapsed_fraction(self.year, self.as_of)
        grace = in_grace_period(self.year, self.as_of)
        units = []
        for unit in self.registry.units:
            keys = [k for k in self.rules.targets if self.rules.applies(k, unit, set(self.platforms_led))]
            units.append(UnitQuota(unit, {k: self.metric(k, unit, fraction, grace) for k in keys}))
        return QuotaReport(self.year, self.as_of, self.rules, units)
