"""Jinja filters and globals shared by the public theme's templates."""

from __future__ import annotations

import datetime

import markupsafe

from . import urls
from .schema import STATUS_LABELS

LEVEL_CLASSES = {"central": "level-central", "provincial": "level-provincial",
                 "municipal": "level-municipal", "county": "level-county"}


def cn_date(value: datetime.date | datetime.datetime | None) -> str:
    """2022年5月12日"""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月"


def iso_date(value: datetime.date | datetime.datetime) -> str:
    return value.date().isoformat() if isinstance(value, datetime.datetime) else value.isoformat()


def markup(function):
    """Wrap an HTML-producing function so that autoescaping templates trust its output."""

    def wrapper(*args, **kwargs):
        return markupsafe.Markup(function(*args, **kwargs))

    return wrapper


def url_for(kind: str, slug: str = "", *args) -> str:
    """Site-relative URL with a leading '/': url_for('subcolumn', 'units', 'chengbei-jiedao')."""
    builders = {
        "home": lambda: "",
        "column": lambda: urls.COLUMN,
        "archives": lambda: urls.COLUMN_ARCHIVES,
        "towns": lambda: urls.TOWNS,
        "town": lambda: urls.town(slug),
        "town_feed": lambda: urls.town_feed(slug),
        "subcolumn": lambda: urls.subcolumn(slug, *args),
        "month": lambda: urls.month_archive(int(slug), *args),
        "feed_atom": lambda: urls.NEWS_FEED_ATOM,
        "feed_json": lambda: urls.NEWS_FEED_JSON,
        "embed": lambda: urls.EMBED_LATEST,
        "api": lambda: urls.API + slug,
        "quota": lambda: urls.QUOTA,
        "search": lambda: urls.SEARCH,
        "quota_year": lambda: urls.quota_year(int(slug)),
        "quota_unit": lambda: urls.quota_unit(int(slug), *args),
    }
    return "/" + builders[kind]()


JINJA_FILTERS = {"cn_date": cn_date, "cn_month": cn_month, "iso_date": iso_date}
JINJA_GLOBALS = {"url_for": url_for, "LEVEL_CLASSES": LEVEL_CLASSES, "STATUS_LABELS": STATUS_LABELS}
