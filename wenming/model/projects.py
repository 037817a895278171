"""Brand projects (品牌项目): reading ``content/projects/`` and resolving owners and platforms.

The quota code counts ``ctx.collections['projects']`` for the projects.brand
metric through ``title``, ``slug``, ``is_published``, ``years``,
``owner_unit``, ``owner_platform`` and ``platforms``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from wenming.media.markup import render_markdown
from wenming.model import urls
from wenming.model.references import References
from wenming.model.registry import Named, Unit
from wenming.schema.content import BrandProject
from wenming.schema.practice import STAGES, MonthlySessions
from wenming.source.slugs import SlugClaims, slug_for
from wenming.source.suggest import did_you_mean

PROJECTS_FOLDER = "projects"


@dataclasses.dataclass
class ProjectItem:
    """A validated brand project; exactly one of owner_unit and owner_platform is set."""

    source: Path
    slug: str
    title: str
    owner_unit: Unit | None
    owner_platform: Named | None
    platforms: list[Named]
    years: list[int]
    stage: str
    summary: str
    cover: str | None
    cover_alt: str | None
    volunteers_recruited: int
    outcomes: list[str]
    sessions: MonthlySessions | None
    status: str
    html: str

    @property
    def url(self) -> str:
        return urls.project(self.slug)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def owner_name(self) -> str:
        return self.owner_unit.name if self.owner_unit else f"{self.owner_platform.name}平台"

    @property
    def stage_index(self) -> int:
        """0-based position of the stage in the five-step lifecycle."""
        return STAGES.index(self.stage)


def _owner(check: References, value: str, registry) -> tuple[Unit | None, Named | None]:
    unit = registry.unit(value)
    platform = next((p for p in registry.platforms if p.name == value), None)
    if unit is None and platform is None:
        choices = [*registry.unit_choices(), *(p.name for p in registry.platforms)]
        hint = did_you_mean(value, choices, lambda m: registry.unit(m).name if registry.unit(m) else m)
        check.error("E503", "owner", value=value, hint=hint)
    return unit, (platform if unit is None else None)


def load_projects(ctx) -> None:
    """Site-model loader: every project (drafts included) into ``collections['projects']``.

    Without a content/projects/ folder the site keeps no project data: the collection is left
    out, and the quota pages show "no data" rather than zero projects.
    """
    if not (ctx.content_dir / PROJECTS_FOLDER).is_dir():
        return
    items: list[ProjectItem] = []
    claims = SlugClaims(ctx.diagnostics)
    for source in ctx.read_folder(PROJECTS_FOLDER, BrandProject):
        path, meta = source.path, source.meta
        check = References(path, source, ctx.registry, ctx.diagnostics)
        slug = slug_for(source)
        check.ok &= claims.claim(slug, source)
        owner_unit, owner_platform = _owner(check, meta.owner, ctx.registry)
        platforms = [check.named(p, ctx.registry.platforms, "platform", "platforms", i)
                     for i, p in enumerate(meta.platforms)]
        cover = check.image(meta.cover, ctx.images, "cover")
        check.body(source, ctx.markdown)
        if not check.ok:
            continue
        items.append(ProjectItem(
            source=path, slug=slug, title=meta.title, owner_unit=owner_unit, owner_platform=owner_platform,
            platforms=platforms, years=meta.years, stage=meta.stage, summary=meta.summary, cover=cover,
            cover_alt=meta.cover_alt, volunteers_recruited=meta.volunteers_recruited, outcomes=meta.outcomes,
            sessions=meta.sessions, status=meta.status,
            html=render_markdown(source.body, ctx.markdown, publish=meta.status == "published"),
        ))
    ctx.collections["projects"] = items


@dataclasses.dataclass(frozen=True)
class ProjectYear:
    """One year of a project: published reports, activities in the calendar and volunteers named."""

    year: int
    reports: int
    activities: int
    volunteers: int


def project_years(project: ProjectItem, reports: list, events: list, public_volunteers: set[str]) -> list[ProjectYear]:
    """Counts for each of the project's years and any other year it has reports or activities in."""
    years = sorted(set(project.years) | {n.date.year for n in reports}
                   | {e.start.year for e in events if e.is_published})
    return [ProjectYear(
        year,
        sum(1 for n in reports if n.date.year == year),
        sum(1 for e in events if e.is_published and e.start.year == year),
        len({v for n in reports if n.date.year == year for v in n.volunteers if v in public_volunteers}),
    ) for year in years]
