"""Pelican settings for a site build, derived from the content model and build options."""

from __future__ import annotations

import importlib
from pathlib import Path

import jinja2
from pelican.settings import read_settings

from wenming import THEME_DIR
from wenming.build import templating
from wenming.build.engine import MODEL_KEY, article_order
from wenming.model import urls
from wenming.model.site import SiteModel

PLUGIN_PACKAGE = "wenming_plugins"  # plugins/ is installed under this name (pyproject.toml)
# Plugin order matters only for generators: the sitemap collects what the others wrote.
PLUGINS = ["writer", "column", "towns", "feeds", "json_api", "quota", "hall", "volunteers",
           "projects", "activities", "services", "rankings", "sitemap_xml", "search_terms"]
# Where a year's and a month's archives go (also where a build finds them without Pelican: wenming.build.settled).
PERIOD_ARCHIVES = {
    "YEAR_ARCHIVE_SAVE_AS": "column/{date:%Y}/index.html",
    "YEAR_ARCHIVE_URL": "column/{date:%Y}/",
    "MONTH_ARCHIVE_SAVE_AS": "column/{date:%Y}/{date:%m}/index.html",
    "MONTH_ARCHIVE_URL": "column/{date:%Y}/{date:%m}/",
}


def pelican_settings(model: SiteModel, output_path: Path, cache_dir: Path | None = None,
                     search_bundles: list[str] | None = None, render_cache=None) -> dict:
    site = model.registry.site
    disabled = {f"{name}_SAVE_AS": "" for name in (
        "CATEGORY", "CATEGORIES", "TAG", "TAGS", "AUTHOR", "AUTHORS", "ARCHIVES", "DRAFT", "DRAFT_PAGE",
        "DAY_ARCHIVE",
    )}
    no_feeds = {name: None for name in (
        "FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS", "TAG_FEED_ATOM",
        "TAG_FEED_RSS", "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS",
        "FEED_RSS",
    )}
    overrides = {
        "PATH": str(model.content_dir.resolve()),
        "OUTPUT_PATH": str(output_path.resolve()),
        "THEME": str(THEME_DIR),
        "THEME_STATIC_DIR": "theme",
        "PLUGIN_PATHS": [],
        "PLUGINS": [importlib.import_module(f"{PLUGIN_PACKAGE}.{name}") for name in PLUGINS],
        "SITENAME": site.title,
        "SITEURL": "",
        "SITE_BASE_URL": site.base_url.rstrip("/"),
        "FEED_DOMAIN": site.base_url.rstrip("/"),
        "TIMEZONE": "Asia/Shanghai",
        "DEFAULT_LANG": "zh-CN",
        "ARTICLE_PATHS": ["news"],
        "PAGE_PATHS": ["pages"],
        "STATIC_PATHS": [],  # no file is copied as is: images are published only as processed variants
        "ARTICLE_URL": "news/{slug}/",
        "ARTICLE_SAVE_AS": "news/{slug}/index.html",
        "PAGE_URL": "{slug}/",
        "PAGE_SAVE_AS": "{slug}/index.html",
        "DIRECT_TEMPLATES": ["home", "index", "search", "404"],
        "SEARCH_SAVE_AS": urls.save_as(urls.SEARCH),
        "SEARCH_URL": urls.SEARCH,
        "HOME_SAVE_AS": "index.html",
        "HOME_URL": "",
        "INDEX_SAVE_AS": urls.save_as(urls.COLUMN),
        "INDEX_URL": urls.COLUMN,
        **PERIOD_ARCHIVES,
        "DEFAULT_PAGINATION": site.per_page,
        "PAGINATED_TEMPLATES": {"index": None, "subcolumn": None},
        # Lists are paginated from the oldest report (wenming.build.pagination), not by PAGINATION_PATTERNS.
        "WM_ARCHIVE_PAGE_URL": "{list_url}page/{number}/",
        "FEED_ATOM": urls.NEWS_FEED_ATOM,
        "FEED_MAX_ITEMS": 50,
        "READERS": {"html": None, "htm": None},
        "ARTICLE_ORDER_BY": article_order,
        "ARTICLE_TRANSLATION_ID": None,  # one language: skips Pelican's quadratic translation matching
        "PAGE_TRANSLATION_ID": None,
        "DELETE_OUTPUT_DIRECTORY": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "TYPOGRIFY": False,
        "RELATIVE_URLS": False,
        # Each build makes new environments, so templates cannot change under one: no stat() of the
        # template file on every get_template (about 1.5 s of a 10,000-report build).
        "JINJA_ENVIRONMENT": {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True,
                              "auto_reload": False},
        "JINJA_FILTERS": templating.JINJA_FILTERS,
        "JINJA_GLOBALS": templating.JINJA_GLOBALS,
        "WM_SITE": site,
        "WM_AS_OF": model.as_of,
        **disabled,
        **no_feeds,
    }
    settings = read_settings(override=overrides)
    # Added after read_settings, which deep-copies: plugins share the one model.
    settings[MODEL_KEY] = model
    settings["WM_REGISTRY"] = model.registry
    settings["SEARCH_BUNDLES"] = search_bundles
    settings["WM_RENDER_CACHE"] = render_cache  # wenming.render_cache.RenderCache, or None: render everything
    settings["JINJA_GLOBALS"] = {**settings["JINJA_GLOBALS"], "picture": templating.markup(model.images.picture),
                                 "memoized": templating.memoizer()}
    if cache_dir is not None:
        # Pelican makes a Jinja environment per generator; compiled templates are shared through this cache.
        (cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
        settings["JINJA_ENVIRONMENT"] = {**settings["JINJA_ENVIRONMENT"],
                                         "bytecode_cache": jinja2.FileSystemBytecodeCache(str(cache_dir / "jinja"))}
    return settings
