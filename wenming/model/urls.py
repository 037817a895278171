"""URL patterns of every generated page, defined once for plugins and templates.

All URLs are site-relative without a leading slash, ending in '/', and
contain only ASCII (pinyin slugs), never percent-encoded Chinese.
"""

from __future__ import annotations

COLUMN = "column/"
COLUMN_ARCHIVES = "column/archives/"
TOWNS = "towns/"
NEWS_FEED_ATOM = "feeds/column.atom.xml"
NEWS_FEED_JSON = "feeds/column.json"
EMBED_LATEST = "embed/latest.html"
API = "api/v1/"
QUOTA = "quota/"
SEARCH = "search/"

# Sub-column groups: key -> (URL prefix under column/, heading).
SUBCOLUMN_GROUPS = {
    "units": ("", "按单位"),
    "platforms": ("platform/", "按实践平台"),
    "tasks": ("task/", "按重点任务"),
    "topics": ("topic/", "专题"),
    "kinds": ("kind/", "按报道类型"),
}


def subcolumn(group: str, slug: str) -> str:
    prefix, _ = SUBCOLUMN_GROUPS[group]
    return f"{COLUMN}{prefix}{slug}/"


def town(slug: str) -> str:
    return f"{TOWNS}{slug}/"


def town_feed(slug: str) -> str:
    return f"feeds/towns/{slug}.atom.xml"


def month_archive(year: int, month: int) -> str:
    return f"{COLUMN}{year}/{month:02d}/"


def quota_year(year: int) -> str:
    return f"{QUOTA}{year}/"


def quota_unit(year: int, slug: str) -> str:
    return f"{QUOTA}{year}/{slug}/"


def save_as(url: str) -> str:
    """Output file of a directory-style URL."""
    return url + "index.html" if url.endswith("/") else url


# Volunteer service (志愿风采 · 品牌项目 · 志愿活动 · 点服务 · 实践排行).
VOLUNTEERS = "volunteers/"
PROJECTS = "projects/"
ACTIVITIES = "activities/"
ACTIVITIES_ICS = "activities/activities.ics"
SERVICES = "services/"
RANKINGS = "rankings/"


def volunteer(slug: str) -> str:
    return f"{VOLUNTEERS}{slug}/"


def volunteer_team(slug: str) -> str:
    return f"{VOLUNTEERS}teams/{slug}/"


def volunteer_town(slug: str) -> str:
    return f"{VOLUNTEERS}towns/{slug}/"


def project(slug: str) -> str:
    return f"{PROJECTS}{slug}/"


def activities_month(year: int, month: int) -> str:
    return f"{ACTIVITIES}{year}/{month:02d}/"


def activities_town_ics(slug: str) -> str:
    return f"{ACTIVITIES}towns/{slug}.ics"


def rankings_year(year: int) -> str:
    return f"{RANKINGS}{year}/"


NEWS = "news/"  # report pages: news/<slug>/
HALL = "hall/"

# First path segments of the generated site that no content page may take (a page is /<slug>/):
# every section above, the folders of assets, images and search, and the CMS and handbook.
RESERVED_TOP_LEVEL: frozenset[str] = frozenset(
    {url.split("/", 1)[0] for url in (COLUMN, TOWNS, NEWS_FEED_ATOM, EMBED_LATEST, API, QUOTA, SEARCH, VOLUNTEERS,
                                      PROJECTS, ACTIVITIES, SERVICES, RANKINGS, NEWS, HALL)}
    | {"theme", "images", "media", "pagefind", "sitemap.xml", "404", "index", "kiosk", "handbook", "admin"}
)
