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


# Sub-column group -> the registry's entries of the group, and the entries of the group a report is listed under.
GROUPS = {
    "units": (lambda registry: registry.units, lambda report: report.units),
    "platforms": (lambda registry: registry.platforms, lambda report: [report.platform]),
    "tasks": (lambda registry: registry.tasks, lambda report: [report.task]),
    "topics": (lambda registry: registry.topics, lambda report: report.topics),
    "kinds": (lambda registry: registry.kinds, lambda report: [report.kind]),
}


def _subcolumns(group, entries, articles, listed_under) -> list[SubColumn]:
    """One sub-column per registry entry, with its reports in the order of ``articles``, found in one pass
    over the reports (an entry is known by its slug, the sub-column's URL)."""
    members: dict[str, list] = {entry.slug: [] for entry in entries}
    for article in articles:
        for slug in dict.fromkeys(entry.slug for entry in listed_under(article.report) if entry is not None):
            if slug in members:
                members[slug].append(article)
    return [SubColumn(group, entry.name, entry.slug, members[entry.slug], getattr(entry, "description", None))
            for entry in entries]


def build_column(registry, articles) -> Column:
    groups = {group: _subcolumns(group, entries(registry), articles, listed_under)
              for group, (entries, listed_under) in GROUPS.items()}
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
