"""The 文明实践 column: sub-columns per unit, platform, task, topic and kind, and the archive list.

Publishes ``column`` (a Column) in the shared context for the home page and
other templates; writes one paginated page per sub-column.
"""

from __future__ import annotations

import dataclasses
import itertools

from pelican import signals
from pelican.generators import Generator

from wenming.model import urls


@dataclasses.dataclass
class SubColumn:
    group: str
    name: str
    slug: str
    articles: list
    description: str | None = None

    @property
    def url(self) -> str:
        return urls.subcolumn(self.group, self.slug)


@dataclasses.dataclass
class MonthArchive:
    year: int
    month: int
    count: int

    @property
    def url(self) -> str:
        return urls.month_archive(self.year, self.month)


@dataclasses.dataclass
class Column:
    groups: dict[str, list[SubColumn]]
    months: list[MonthArchive]

    def group_title(self, group: str) -> str:
        return urls.SUBCOLUMN_GROUPS[group][1]

    def unit_articles(self, unit_name: str) -> list:
        """Published reports listing the unit, newest first (shared with the towns and feeds plugins)."""
        return next(sub.articles for sub in self.groups["units"] if sub.name == unit_name)


def _subcolumns(group, entries, articles, matches) -> list[SubColumn]:
    return [
        SubColumn(group, entry.name, entry.slug, [a for a in articles if matches(a.report, entry)],
                  getattr(entry, "description", None))
        for entry in entries
    ]


def build_column(registry, articles) -> Column:
    groups = {
        "units": _subcolumns("units", registry.units, articles, lambda r, e: e in r.units),
        "platforms": _subcolumns("platforms", registry.platforms, articles, lambda r, e: r.platform == e),
        "tasks": _subcolumns("tasks", registry.tasks, articles, lambda r, e: r.task == e),
        "topics": _subcolumns("topics", registry.topics, articles, lambda r, e: e in r.topics),
        "kinds": _subcolumns("kinds", registry.kinds, articles, lambda r, e: r.kind == e),
    }
    by_month = itertools.groupby(articles, key=lambda a: (a.report.date.year, a.report.date.month))
    months = [MonthArchive(year, month, len(list(group))) for (year, month), group in by_month]
    return Column(groups, months)


class ColumnGenerator(Generator):
    def generate_context(self):
        self.context["column"] = build_column(self.context["WM_REGISTRY"], self.context["articles"])

    def generate_output(self, writer):
        column = self.context["column"]
        template = self.get_template("subcolumn")
        for sub in itertools.chain.from_iterable(column.groups.values()):
            save_as = urls.save_as(sub.url)
            writer.write_file(
                save_as, template, self.context, articles=sub.articles, subcolumn=sub,
                paginated={"articles": sub.articles}, template_name="subcolumn", url=sub.url,
                page_name=save_as.removesuffix("/index.html"),
            )
        writer.write_file(urls.save_as(urls.COLUMN_ARCHIVES), self.get_template("column_archives"),
                          self.context, page_name="column/archives")


def get_generators(pelican):
    return ColumnGenerator


def register():
    signals.get_generators.connect(get_generators)
