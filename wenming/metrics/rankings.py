"""Rankings (实践排行) per year: towns by published reports, by reports carried at each media level
and by volunteer service hours; volunteers and teams by service hours.

Ties use standard competition ranking (1, 2, 2, 4): equal values share a rank
and the following rank is skipped. Tied entries are listed in registry order
(towns, teams) or by the pinyin of the name (volunteers), never by file order.
Media levels are counted exactly as the quota pages count them
(``QuotaCalculator.media`` with the year's level mapping).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import NamedTuple

from wenming.metrics.quotas import QuotaCalculator, default_as_of
from wenming.model import urls
from wenming.model.dates import cn_date
from wenming.model.quota_rules import QuotaRules

TIE_RULE = ("名次按数值从高到低排列；数值相同者名次并列，其后的名次顺延（如 1、2、2、4）。"
            "名次并列时，镇（街道）和志愿服务队按登记顺序排列，志愿者按姓名拼音排列。")


class Entry(NamedTuple):
    name: str
    value: int
    order: tuple
    url: str | None = None


@dataclasses.dataclass(frozen=True)
class RankedRow:
    rank: int
    name: str
    value: int
    url: str | None = None


@dataclasses.dataclass
class Ranking:
    key: str
    title: str
    unit: str
    method: str
    rows: list[RankedRow]
    without_data: list[str] = dataclasses.field(default_factory=list)

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "unit": self.unit, "method": self.method,
                "rows": [{"rank": r.rank, "name": r.name, "value": r.value, "url": f"/{r.url}" if r.url else None}
                         for r in self.rows],
                "without_data": self.without_data}


@dataclasses.dataclass
class YearRankings:
    year: int
    as_of: datetime.date
    rankings: list[Ranking]

    def as_json(self) -> dict:
        return {"year": self.year, "as_of": self.as_of.isoformat(), "tie_rule": TIE_RULE,
                "rankings": [r.as_json() for r in self.rankings]}


def competition_ranking(entries: list[Entry]) -> list[RankedRow]:
    """Rows ordered by value (highest first), then ``order``; equal values share a rank (1, 2, 2, 4)."""
    rows: list[RankedRow] = []
    for position, entry in enumerate(sorted(entries, key=lambda e: (-e.value, e.order)), start=1):
        rank = rows[-1].rank if rows and rows[-1].value == entry.value else position
        rows.append(RankedRow(rank, entry.name, entry.value, entry.url))
    return rows


def pinyin_order(name: str) -> tuple:
    from pypinyin import lazy_pinyin  # ~0.2 s to import: only builds that rank volunteers pay it
    return (tuple(lazy_pinyin(name)), name)


def ranking_years(model) -> list[int]:
    """Years with published reports, volunteer statistics or quota rules."""
    years = {n.date.year for n in model.news if n.is_published}
    years |= {year for _town, year in model.extras.get("volunteer_stats", {})}
    years |= set(model.extras.get("quota_rules", {}))
    return sorted(years)


def ranking_as_of(year: int, as_of: datetime.date | None, today: datetime.date) -> datetime.date:
    """The build's --as-of date within its year; otherwise the same default as the quota pages."""
    return as_of if as_of and as_of.year == year else default_as_of(year, as_of or today)


def counted_levels(registry, mapping: dict[str, str]) -> list[tuple[str, str]]:
    """(level key, label) of the levels reports count at after the year's mapping, highest first."""
    merged: dict[str, list[str]] = {}
    for level in registry.levels:
        target = registry.level(mapping.get(level.name, level.name)) or level
        merged.setdefault(target.key, [target.name])
        if level.name != target.name:
            merged[target.key].append(level.name)
    order = [lv.key for lv in registry.levels]
    return [(key, f"{names[0]}媒体" + (f"（含{'、'.join(names[1:])}媒体）" if names[1:] else ""))
            for key, names in sorted(merged.items(), key=lambda item: order.index(item[0]))]


def _town_rankings(model, year: int, as_of: datetime.date) -> list[Ranking]:
    registry = model.registry
    towns = registry.towns
    order = {t.name: (index,) for index, t in enumerate(towns)}
    rules = model.extras.get("quota_rules", {}).get(year) or QuotaRules(year, None, {}, {}, {})
    calculator = QuotaCalculator(registry, rules, model.news, as_of)
    period = f"{year}年（截至{cn_date(as_of)}）"
    reports = [Entry(t.name, len(calculator.reports_in_period(t)), order[t.name], urls.town(t.slug)) for t in towns]
    rankings = [Ranking("towns.reports", "镇（街道）已发布报道数", "篇",
                        f"{period}列有本镇（街道）的已发布报道篇数；一篇报道列有几个镇（街道）就各计一篇。",
                        competition_ranking(reports))]
    for key, label in counted_levels(registry, rules.level_mapping):
        entries = [Entry(t.name, calculator.media(t, key)[0], order[t.name], urls.town(t.slug)) for t in towns]
        rankings.append(Ranking(
            f"towns.media.{key}", f"镇（街道）{label}刊发报道数", "篇",
            f"{period}至少有一次{label}刊发、列有本镇（街道）的已发布报道篇数，与目标任务页的统计口径相同。",
            competition_ranking(entries)))
    stats = model.extras.get("volunteer_stats", {})
    with_stats = [t for t in towns if (t.name, year) in stats]
    hours = [Entry(t.name, stats[(t.name, year)].hours, order[t.name], urls.town(t.slug)) for t in with_stats]
    rankings.append(Ranking(
        "towns.hours", "镇（街道）志愿服务时长", "小时",
        f"志愿服务平台导出的{year}年本镇（街道）志愿服务总时长；没有导出数据的镇（街道）不参加排名。",
        competition_ranking(hours), [t.name for t in towns if t not in with_stats]))
    return rankings


def _volunteer_rankings(model, year: int) -> list[Ranking]:
    volunteers = [v for v in model.collections.get("volunteers", []) if v.is_published and v.since <= year]
    people = [Entry(v.name, v.hours, pinyin_order(v.name), v.url) for v in volunteers]
    teams = [Entry(team.name, sum(v.hours for v in volunteers if v.team == team), (index,),
                   urls.volunteer_team(team.slug))
             for index, team in enumerate(model.registry.teams)]
    return [
        Ranking("volunteers.hours", "志愿者服务时长", "小时",
                f"已发布并经本人同意公开的志愿者资料中记录的累计服务时长（{year}年及以前开始服务的志愿者）。",
                competition_ranking(people)),
        Ranking("teams.hours", "县级专业志愿服务队服务时长", "小时",
                "各服务队已公开资料的志愿者累计服务时长之和。", competition_ranking(teams)),
    ]


def year_rankings(model, year: int, today: datetime.date) -> YearRankings:
    as_of = ranking_as_of(year, model.as_of, today)
    return YearRankings(year, as_of, [*_town_rankings(model, year, as_of), *_volunteer_rankings(model, year)])
