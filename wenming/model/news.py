"""News reports (活动报道): resolving front matter against the registry into NewsItem."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection, Mapping
from pathlib import Path

from wenming.media.markup import MarkdownRenderer, derive_summary, render_markdown
from wenming.model import urls
from wenming.model.references import References
from wenming.model.registry import Named, Registry, Unit
from wenming.schema.registry import Level
from wenming.source.diagnostics import Diagnostics
from wenming.source.frontmatter import SourceFile
from wenming.source.slugs import slug_for
from wenming.source.suggest import did_you_mean


@dataclasses.dataclass(frozen=True)
class ResolvedPublication:
    outlet: str
    level: Level
    date: datetime.date
    url: str | None
    registered: bool


@dataclasses.dataclass
class NewsItem:
    """A validated report with every registry reference resolved."""

    source: Path
    slug: str
    title: str
    date: datetime.date
    status: str
    units: list[Unit]
    village: str | None
    platform: Named | None
    task: Named | None
    kind: Named
    topics: list[Named]
    publications: list[ResolvedPublication]
    summary: str
    html: str
    cover: str | None = None
    project: str | None = None
    volunteers: list[str] = dataclasses.field(default_factory=list)
    front_matter_digest: str = ""  # hash of the validated front matter (see render_cache.site_key)

    @property
    def url(self) -> str:
        return f"{urls.NEWS}{self.slug}/"

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def towns(self) -> list[Unit]:
        return [u for u in self.units if u.is_town]

    @property
    def levels(self) -> list[str]:
        """Distinct publication levels, highest first."""
        ranked = {p.level.key: p.level for p in self.publications}
        order = ("central", "provincial", "municipal", "county")
        return [ranked[k].name for k in order if k in ranked]


class _Resolver(References):
    """Checks one report's references, reporting each problem at its line."""

    def __init__(self, source: SourceFile, registry: Registry, diagnostics: Diagnostics) -> None:
        super().__init__(source.path, source, registry, diagnostics)
        self.source = source

    def units(self, values: list[str]) -> list[Unit]:
        units: list[Unit] = []
        for index, value in enumerate(values):
            unit = self.unit(value, "units", index)
            if unit is not None and unit in units:
                self.warning("W201", "units", index, value=value, unit=unit.name)
            elif unit is not None:
                units.append(unit)
        return units

    def village(self, value: str | None, units: list[Unit]) -> str | None:
        if value is None:
            return None
        towns = [u for u in units if u.is_town]
        if any(t.village(value) for t in towns):
            return value
        if not towns:
            self.error("E207", "village", value=value)
            return None
        names = [v.name for t in towns for v in t.villages]
        self.error("E208", "village", value=value, towns=[t.name for t in towns], hint=did_you_mean(value, names))
        return None

    def publications(self, report_date: datetime.date) -> list[ResolvedPublication]:
        resolved = []
        level_names = self.registry.level_names()
        for index, pub in enumerate(self.source.meta.publications):
            outlet = self.registry.outlet(pub.outlet)
            level_name = pub.level or (outlet.level if outlet else None)
            if level_name is None:
                hint = did_you_mean(pub.outlet, self.registry.outlet_choices(), lambda m: self.registry.outlet(m).name)
                self.error("E209", "publications", index, "outlet", outlet=pub.outlet, hint=hint, levels=level_names)
                continue
            level = self.registry.level(level_name)
            if level is None:
                self.error("E210", "publications", index, "level", level=level_name, levels=level_names)
                continue
            date = pub.date or report_date
            if date < report_date:
                self.warning("W202", "publications", index, "date", date=date, report_date=report_date)
            name = outlet.name if outlet else pub.outlet
            resolved.append(ResolvedPublication(name, level, date, pub.url, outlet is not None))
        return resolved

    def reference(self, slug: str, known: Mapping[str, Collection[str]], broken: Mapping[str, Collection[str]],
                  folder: str, what: str, *loc) -> None:
        """Check a slug naming another content item (a project, a volunteer) when that type was loaded."""
        if folder in known:
            self.slug(slug, known[folder], what, folder, *loc, broken=broken.get(folder, ()))



def newest_first(item: NewsItem) -> tuple:
    """The order of reports everywhere: newest first, then by slug, so that the same content always
    lists in the same order (file-system and hash order must never decide)."""
    return (-item.date.toordinal(), item.slug)


def resolve_news(source: SourceFile, registry: Registry, markdown: MarkdownRenderer, diagnostics: Diagnostics,
                 known: Mapping[str, Collection[str]] | None = None,
                 broken: Mapping[str, Collection[str]] | None = None) -> NewsItem | None:
    """The resolved report; ``known`` maps content folders (projects, volunteers) to their slugs,
    ``broken`` to the slugs of their files that have errors of their own."""
    meta = source.meta
    check = _Resolver(source, registry, diagnostics)
    units = check.units(meta.units)
    village = check.village(meta.village, units)
    platform = check.named(meta.platform, registry.platforms, "platform", "platform")
    task = check.named(meta.task, registry.tasks, "task", "task")
    kind = check.named(meta.kind or registry.default_kind, registry.kinds, "kind", "kind")
    topics = [check.named(t, registry.topics, "topic", "topics", i) for i, t in enumerate(meta.topics)]
    publications = check.publications(meta.date)
    cover = check.image(meta.cover, markdown.images, "cover")
    check.body(source, markdown)
    if meta.project is not None:
        check.reference(meta.project, known or {}, broken or {}, "projects", "project", "project")
    for index, slug in enumerate(meta.volunteers):
        check.reference(slug, known or {}, broken or {}, "volunteers", "volunteer", "volunteers", index)
    if not check.ok:
        return None
    html = render_markdown(source.body, markdown, publish=meta.status == "published")  # a draft publishes no image
    return NewsItem(
        source=source.path, slug=slug_for(source), title=meta.title, date=meta.date, status=meta.status,
        units=units, village=village, platform=platform, task=task, kind=kind, topics=topics,
        publications=publications, summary=meta.summary or derive_summary(html), html=html,
        cover=cover, project=meta.project, volunteers=meta.volunteers,
        front_matter_digest=source.meta_digest,
    )
