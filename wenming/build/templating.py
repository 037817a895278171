"""Jinja filters and globals shared by the public theme's templates."""

from __future__ import annotations

import datetime

import markupsafe

from wenming.model import urls
from wenming.model.dates import cn_date, cn_month
from wenming.schema.content import STATUS_LABELS

LEVEL_CLASSES = {"central": "level-central", "provincial": "level-provincial",
                 "municipal": "level-municipal", "county": "level-county"}


def iso_date(value: datetime.date | datetime.datetime) -> str:
    return value.date().isoformat() if isinstance(value, datetime.datetime) else value.isoformat()


def by_month(articles) -> list[tuple[int, list]]:
    """A year's reports (or their articles) by month: (month, its reports newest first), the newest month
    first. Within a day the reports keep the order they came in (a year's archive shows the column's order)."""
    months: dict[int, list] = {}
    for article in articles:
        report = getattr(article, "report", article)
        months.setdefault(report.date.month, []).append(report)
    return [(month, sorted(months[month], key=lambda report: report.date, reverse=True))
            for month in sorted(months, reverse=True)]


def memoizer():
    """A per-build ``memoized(key, render, *args)`` for template fragments shared by many pages."""
    fragments: dict = {}

    def memoized(key, render, *args):
        if key not in fragments:
            fragments[key] = markupsafe.Markup(render(*args))
        return fragments[key]

    return memoized


def markup(function):
    """Wrap an HTML-producing function so that autoescaping templates trust its output."""

    def wrapper(*args, **kwargs):
        return markupsafe.Markup(function(*args, **kwargs))

    return wrapper


# URL kind -> builder(slug, *args); url_for('subcolumn', 'units', 'chengbei-jiedao') -> /column/chengbei-jiedao/
_URL_BUILDERS = {
    "home": lambda slug, *args: "",
    "column": lambda slug, *args: urls.COLUMN,
    "archives": lambda slug, *args: urls.COLUMN_ARCHIVES,
    "towns": lambda slug, *args: urls.TOWNS,
    "town": lambda slug, *args: urls.town(slug),
    "town_feed": lambda slug, *args: urls.town_feed(slug),
    "subcolumn": lambda slug, *args: urls.subcolumn(slug, *args),
    "month": lambda slug, *args: urls.month_archive(int(slug), *args),
    "feed_atom": lambda slug, *args: urls.NEWS_FEED_ATOM,
    "feed_json": lambda slug, *args: urls.NEWS_FEED_JSON,
    "embed": lambda slug, *args: urls.EMBED_LATEST,
    "api": lambda slug, *args: urls.API + slug,
    "quota": lambda slug, *args: urls.QUOTA,
    "search": lambda slug, *args: urls.SEARCH,
    "quota_year": lambda slug, *args: urls.quota_year(int(slug)),
    "quota_unit": lambda slug, *args: urls.quota_unit(int(slug), *args),
    "volunteers": lambda slug, *args: urls.VOLUNTEERS,
    "volunteer_team": lambda slug, *args: urls.volunteer_team(slug),
    "volunteer_town": lambda slug, *args: urls.volunteer_town(slug),
    "projects": lambda slug, *args: urls.PROJECTS,
    "activities": lambda slug, *args: urls.ACTIVITIES,
    "activities_month": lambda slug, *args: urls.activities_month(int(slug), *args),
    "activities_ics": lambda slug, *args: urls.ACTIVITIES_ICS,
    "activities_town_ics": lambda slug, *args: urls.activities_town_ics(slug),
    "services": lambda slug, *args: urls.SERVICES,
    "rankings": lambda slug, *args: urls.RANKINGS,
    "rankings_year": lambda slug, *args: urls.rankings_year(int(slug)),
}


def url_for(kind: str, slug: str = "", *args) -> str:
    """Site-relative URL with a leading '/'."""
    return "/" + _URL_BUILDERS[kind](slug, *args)


JINJA_FILTERS = {"cn_date": cn_date, "cn_month": cn_month, "iso_date": iso_date, "by_month": by_month}
JINJA_GLOBALS = {"url_for": url_for, "LEVEL_CLASSES": LEVEL_CLASSES, "STATUS_LABELS": STATUS_LABELS}
