"""Volunteer activities (志愿活动): ``content/events/`` plus the monthly sessions projects declare.

Recurring sessions (茶乡微讲堂 every month, mid-month) are generated from a
project's ``sessions`` block, one per month of each of its years, instead of
being written as twelve files a year: the schedule lives in one place, and the
calendar, the iCalendar feeds and the API all see the same sessions. A past
session links to the project's reports of its month; a written activity links
to the report named by its ``report`` field.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

from wenming.media.markup import render_markdown
from wenming.model import urls
from wenming.model.news import NewsItem
from wenming.model.projects import ProjectItem
from wenming.model.references import References
from wenming.model.registry import Named, Registry, Unit
from wenming.schema.content import VolunteerEvent
from wenming.schema.practice import CHINA_TZ
from wenming.schema.registry import SiteInfo
from wenming.source.messages import Text
from wenming.source.slugs import SlugClaims, slug_for

EVENTS_FOLDER = "events"


@dataclasses.dataclass
class EventItem:
    """An activity in the calendar; ``source`` is None for a generated project session."""

    slug: str
    title: str
    start: datetime.datetime
    end: datetime.datetime
    location: str
    organizer: str
    towns: list[Unit]
    village: str | None
    platform: Named | None
    project: ProjectItem | None
    volunteers_needed: int | None
    signup: str | None
    reports: list[NewsItem]
    summary: str
    html: str
    status: str = "published"
    source: Path | None = None

    @property
    def anchor(self) -> str:
        return f"event-{self.slug}"

    @property
    def url(self) -> str:
        return f"{urls.activities_month(self.start.year, self.start.month)}#{self.anchor}"

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def is_generated(self) -> bool:
        return self.source is None

    def is_past(self, moment: datetime.datetime) -> bool:
        return self.end < moment

    def on(self, day: datetime.date) -> bool:
        return self.start.date() <= day <= self.end.date()


def reference_moment(as_of: datetime.date | None) -> datetime.datetime:
    """'Now' for past/upcoming: the start of the build's --as-of day, or the current time in Beijing."""
    if as_of is not None:
        return datetime.datetime.combine(as_of, datetime.time.min, CHINA_TZ)
    return datetime.datetime.now(CHINA_TZ)


def signup_text(event: EventItem, site: SiteInfo) -> str:
    """How to sign up: the event's own text, or the platform of record and the center's public hotline."""
    if event.signup:
        return event.signup
    if site.hotline:
        return f"在志愿服务平台报名，或拨打中心服务热线 {site.hotline}"
    return "在志愿服务平台报名"


def project_sessions(project: ProjectItem, registry: Registry, news: list[NewsItem]) -> list[EventItem]:
    """One activity per month of each of the project's years, on the day its ``sessions`` block names."""
    plan = project.sessions
    if plan is None or not project.is_published:
        return []
    towns = [project.owner_unit] if project.owner_unit and project.owner_unit.is_town else registry.towns
    sessions = []
    for year in project.years:
        for month in range(1, 13):
            day = datetime.date(year, month, plan.day)
            reports = [n for n in news if n.is_published and n.project == project.slug
                       and (n.date.year, n.date.month) == (year, month)]
            sessions.append(EventItem(
                slug=f"{project.slug}-{year}-{month:02d}", title=plan.title or project.title,
                start=datetime.datetime.combine(day, plan.start, CHINA_TZ),
                end=datetime.datetime.combine(day, plan.end, CHINA_TZ),
                location=plan.location, organizer=project.owner_name, towns=towns, village=None,
                platform=project.platforms[0] if project.platforms else None, project=project,
                volunteers_needed=None, signup=None, reports=sorted(reports, key=lambda n: (n.date, n.slug)),
                summary=project.summary, html="",
            ))
    return sessions


def _event(source, check: References, ctx, slug: str, projects: dict[str, ProjectItem],
           news: dict[str, NewsItem]) -> EventItem | None:
    meta = source.meta
    unit = check.unit(meta.unit, "unit")
    village = check.village(meta.village, unit, "village")
    platform = check.named(meta.platform, ctx.registry.platforms, "platform", "platform")
    project = check.slug(meta.project, projects, "project", "projects", "project", broken=ctx.broken("projects"))
    report = check.slug(meta.report, news, "news", "news", "report", broken=ctx.broken("news"))
    check.body(source, ctx.markdown)
    if not check.ok:
        return None
    reports = [news[report]] if report else []
    if reports and not reports[0].is_published:
        check.warning("W501", "report", slug=report)
        reports = []
    if project and not projects[project].is_published:
        check.warning("W502", "project", slug=project)
        project = None
    html = render_markdown(source.body, ctx.markdown, publish=meta.status == "published")
    return EventItem(
        slug=slug, title=meta.title, start=meta.start, end=meta.end, location=meta.location,
        organizer=unit.name, towns=[unit] if unit.is_town else [], village=village, platform=platform,
        project=projects[project] if project else None, volunteers_needed=meta.volunteers_needed,
        signup=meta.signup, reports=reports, summary=meta.summary or "", html=html, status=meta.status,
        source=source.path,
    )


def load_events(ctx) -> None:
    """Site-model loader (after projects and news): written and generated activities, by start time."""
    projects = {p.slug: p for p in ctx.collections.get("projects", [])}
    news = {n.slug: n for n in ctx.collections.get("news", [])}
    events = [s for p in projects.values() for s in project_sessions(p, ctx.registry, list(news.values()))]
    claims = SlugClaims(ctx.diagnostics)
    for event in events:
        claims.hold(event.slug, Text("model.generated_session", {"project": event.project.slug}))
    for source in ctx.read_folder(EVENTS_FOLDER, VolunteerEvent):
        check = References(source.path, source, ctx.registry, ctx.diagnostics)
        slug = slug_for(source)
        check.ok &= claims.claim(slug, source)
        event = _event(source, check, ctx, slug, projects, news)
        if event is not None:
            events.append(event)
    ctx.collections["events"] = sorted(events, key=lambda e: (e.start, e.slug))
