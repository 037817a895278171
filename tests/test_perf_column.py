"""The column's sub-columns are found in one pass over the reports: each sub-column has exactly the
reports listed under its entry, in the order of the reports, once each."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from wenming_plugins.column import build_column

from wenming.model.registry import Named


def _entry(name: str, slug: str) -> Named:
    return Named(name, slug)


TOWN, DEPT, OTHER = _entry("城北街道", "chengbei-jiedao"), _entry("县文明办", "wenmingban"), _entry("茶镇", "cha-zhen")
PLATFORM, TASK = _entry("理论宣讲平台", "lilun"), _entry("学习实践科学理论", "xuexi")
NEWS, FEATURE = _entry("新闻", "xinwen"), _entry("专题", "zhuanti")
TOPIC = _entry("二十大", "ershida")
REGISTRY = SimpleNamespace(units=[TOWN, DEPT, OTHER], platforms=[PLATFORM], tasks=[TASK], topics=[TOPIC],
                           kinds=[NEWS, FEATURE])


def _article(slug: str, month: int, units, platform=None, task=None, kind=NEWS, topics=()):
    report = SimpleNamespace(slug=slug, date=datetime.date(2022, month, 1), units=list(units), platform=platform,
                             task=task, kind=kind, topics=list(topics))
    return SimpleNamespace(report=report)


def _slugs(column, group):
    return {sub.slug: [a.report.slug for a in sub.articles] for sub in column.groups[group]}


def test_each_subcolumn_has_its_reports_in_order_once():
    articles = [
        _article("c", 9, [TOWN, DEPT], platform=PLATFORM, topics=[TOPIC]),
        _article("b", 8, [DEPT, DEPT], task=TASK, kind=FEATURE),  # a unit named twice is listed once
        _article("a", 8, [Named("城北街道", "chengbei-jiedao")], topics=[TOPIC, TOPIC]),  # an equal entry
    ]
    column = build_column(REGISTRY, articles)
    assert _slugs(column, "units") == {"chengbei-jiedao": ["c", "a"], "wenmingban": ["c", "b"], "cha-zhen": []}
    assert _slugs(column, "platforms") == {"lilun": ["c"]}
    assert _slugs(column, "tasks") == {"xuexi": ["b"]}
    assert _slugs(column, "topics") == {"ershida": ["c", "a"]}
    assert _slugs(column, "kinds") == {"xinwen": ["c", "a"], "zhuanti": ["b"]}
    assert [(m.year, m.month, m.count) for m in column.months] == [(2022, 9, 1), (2022, 8, 2)]
    assert [a.report.slug for a in column.unit_articles("县文明办")] == ["c", "b"]


def test_one_pass_scales_linearly_in_lookups():
    """Every report is looked at once per group, not once per sub-column: a registry of many entries
    does not multiply the work (counted through the reports' attribute reads)."""
    reads = []

    class Report(SimpleNamespace):
        def __getattribute__(self, name):
            if name in ("units", "platform", "task", "kind", "topics"):
                reads.append(name)
            return super().__getattribute__(name)

    towns = [_entry(f"镇{i}", f"zhen-{i}") for i in range(50)]
    registry = SimpleNamespace(**{**vars(REGISTRY), "units": towns})
    articles = [SimpleNamespace(report=Report(slug=f"r{i}", date=datetime.date(2022, 1, 1), units=[towns[i % 50]],
                                              platform=None, task=None, kind=NEWS, topics=[]))
                for i in range(100)]
    column = build_column(registry, articles)
    assert len(reads) == 5 * len(articles)
    assert [len(sub.articles) for sub in column.groups["units"]] == [2] * 50
