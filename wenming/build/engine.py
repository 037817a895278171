"""Pelican, fed from the content model and with its quadratic archive code made linear.

Content is read and validated once, into the model (wenming.model.site). The generators below hand
Pelican one content object per model item: they walk no folder and read no file (``ModelReaders``).

Pelican 4.12 finds a month's articles with ``[a for a in articles if a in dates]`` and a
category's with ``[a for a in dates if a in articles]``: list membership inside a loop, about
10⁸ comparisons at 10,000 reports (4 to 5 s of a cold build). The site has no category, tag
or author pages, and its archives need only the grouping, so the generator below keeps
Pelican's results and computes them by identity look-ups instead.
"""

from __future__ import annotations

import datetime
import functools
import html
import os
import zoneinfo
from itertools import chain

from pelican import Pelican, signals
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.readers import Readers
from pelican.urlwrappers import Category
from pelican.utils import SafeDatetime

from wenming.build.cache import content_relative
from wenming.build.side_outputs import SideOutputs
from wenming.model.news import NewsItem, newest_first
from wenming.model.site import PageItem
from wenming.output import plain_relative

MODEL_KEY = "WM_MODEL"  # setting: the validated SiteModel every generator and plugin reads
WRITE_ORDER = "WM_WRITE_ORDER"  # setting: output path -> rank; report pages are written in that order
SIDE_PROCESS = "WM_SIDE_PROCESS"  # setting: write the side generators' output in a forked process (side_outputs)


class ReportDate(SafeDatetime):
    """A report's date, formatted once per format: Pelican formats every report's date as it reads it
    (``locale_date``, ~0.2 ms each in its locale-safe strftime), and reports share a few hundred dates."""

    def strftime(self, fmt, safe=True):
        formatted = self.__dict__.setdefault("_formatted", {})
        if (fmt, safe) not in formatted:
            formatted[fmt, safe] = super().strftime(fmt, safe)
        return formatted[fmt, safe]


@functools.lru_cache(maxsize=4096)
def report_date(day: datetime.date, timezone: str) -> ReportDate:
    """The one ReportDate of a day: noon (Pelican shows no time) in the site's time zone (which Pelican
    would otherwise add by making a plain SafeDatetime of it)."""
    return ReportDate.combine(day, datetime.time(12, 0), zoneinfo.ZoneInfo(timezone))


class SiteArticle(Article):
    """Pelican's article, with what Pelican works out for every report of every build made cheaper:

    * its path relative to the content folder, without os.path.relpath (~20 µs, and Pelican asks three times per
      report; see content_relative);
    * whether it is written inside the output folder: a plain relative ``save_as`` (the reports' are made from
      their slugs) is, without sanitised_join's two ``abspath`` calls;
    * its links to static files: none unless the body names ``static`` or ``attach`` (the only kinds Pelican
      collects), found without running Pelican's link pattern over the whole body.
    """

    def get_relative_source_path(self, source_path: str | None = None) -> str | None:
        path = source_path or self.source_path
        if path is None:
            return None
        return content_relative(self.settings["PATH"])(os.path.join(self.settings["PATH"], path))

    def _has_valid_save_as(self) -> bool:
        save_as = self.save_as
        if save_as and plain_relative(save_as):
            return True
        return super()._has_valid_save_as()

    def get_static_links(self) -> set[str]:
        content = self._content or ""
        if "static" not in content and "attach" not in content:
            return set()
        return super().get_static_links()


def article_metadata(item: NewsItem, settings: dict) -> dict:
    """Pelican metadata of a report: what Pelican's lists and archives need, and the report itself."""
    return {
        "title": item.title,
        "slug": item.slug,
        "summary": html.escape(item.summary),
        "date": report_date(item.date, settings.get("TIMEZONE", "UTC")),
        "status": "published" if item.is_published else "draft",
        "report": item,
        "category": Category("news", settings),
    }


def page_metadata(item: PageItem, settings: dict) -> dict:
    return {
        "title": item.title,
        "slug": item.slug,
        "summary": html.escape(item.summary),
        "status": "published" if item.status == "published" else "draft",
        "entry": item,
    }


class ModelReaders(Readers):
    """Pelican's readers, answering from model items: a content object per item, without reading a file."""

    def __init__(self, settings: dict, items: dict[str, NewsItem | PageItem], metadata) -> None:
        super().__init__(settings)
        self.items = items  # path relative to the content folder -> model item
        self.metadata = metadata
        self._categories: dict[str, Category] = {}

    def read_file(self, base_path, path, content_class=Page, fmt=None, context=None, preread_signal=None,
                  preread_sender=None, context_signal=None, context_sender=None):
        item = self.items[path]
        if preread_signal:
            preread_signal.send(preread_sender)
        metadata = self.metadata(item, self.settings)
        if "category" in metadata:  # one object per category: Pelican hashes it by its slug, made at first use
            metadata["category"] = self._categories.setdefault(metadata["category"].name, metadata["category"])
        if content_class is Article:
            content_class = SiteArticle
        if context_signal:
            context_signal.send(context_sender, metadata=metadata)
        content = content_class(content=item.html, metadata=metadata, settings=self.settings,
                                source_path=str(item.source), context=context)
        # Pelican formats url and save_as from the settings at every access (a relpath and a dict copy
        # each, ~5 times per report and build): fixed once here, as Pelican's own overrides.
        content.override_url, content.override_save_as = _urls(content)
        return content


def _urls(content) -> tuple[str, str]:
    """A content object's url and save_as. A published article's come from ARTICLE_URL and ARTICLE_SAVE_AS
    formatted with its slug alone (Pelican's ``url_format`` formats every date field first, ~0.1 ms);
    settings naming other fields, drafts and other content go through Pelican."""
    if isinstance(content, Article) and content.status == "published" and content.in_default_lang:
        settings = content.settings
        try:
            return (settings["ARTICLE_URL"].format(slug=content.slug),
                    settings["ARTICLE_SAVE_AS"].format(slug=content.slug))
        except (KeyError, IndexError):
            pass
    return content.url, content.save_as


def _fed_from_model(generator, items, metadata) -> None:
    relative = content_relative(generator.path)
    generator.readers = ModelReaders(generator.settings, {relative(item.source): item for item in items}, metadata)


def article_order(article) -> tuple:
    """ARTICLE_ORDER_BY: the model's order (Pelican would otherwise keep the order in which it found the
    files, which comes from a set and changes from one run to the next for reports of the same day)."""
    report = getattr(article, "report", None)
    return newest_first(report) if report is not None else (-article.date.toordinal(), article.slug)


class _ModelFed:
    """A generator fed from the model, which is the cache: Pelican's per-file content cache is off
    (CACHE_CONTENT), but it would still stat every file twice to stamp entries it never saves."""

    def get_cached_data(self, filename, default=None):
        return default

    def cache_data(self, filename, data) -> None:
        pass


class SiteArticlesGenerator(_ModelFed, ArticlesGenerator):
    """The model's reports as Pelican articles, written in search-bundle order, with linear archives."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _fed_from_model(self, self.settings[MODEL_KEY].news, article_metadata)

    def get_files(self, paths, exclude=(), extensions=None) -> set[str]:
        """The model's reports (Pelican would walk ARTICLE_PATHS here)."""
        return set(self.readers.items)

    def generate_pages(self, writer):
        self._writer = writer  # generate_articles links unchanged report pages through it
        return super().generate_pages(writer)

    def generate_articles(self, write):
        """Pelican's article pages, written in the order of WRITE_ORDER (search bundle by search bundle).

        A report page whose key is unchanged is kept from the previous site before Pelican makes its
        page context (IncrementalWriter.keep_unchanged), and one the build knows unchanged without even
        keying it (a settled page, IncrementalWriter.settle) before anything else is done for it, Pelican's
        ``article_generator_write_article`` included; the others are written by Pelican as usual."""
        order = self.settings.get(WRITE_ORDER)
        articles = list(chain(self.translations, self.articles, self.hidden_translations, self.hidden_articles))
        writer = getattr(self, "_writer", None)
        settle = getattr(writer, "settle", None)
        if settle is not None:
            settled = settle([article.save_as for article in articles], self.context)
            articles = [article for article in articles if article.save_as not in settled]
        if order:
            articles = sorted(articles, key=lambda article: order.get(article.save_as, len(order)))
        keep_unchanged = getattr(writer, "keep_unchanged", None)
        for article in articles:
            signals.article_generator_write_article.send(self, content=article)
            template = self.get_template(article.template)
            category = getattr(article, "category", None)
            if keep_unchanged is not None:
                kept = keep_unchanged(article.save_as, template.name,
                                      {"article": article, "category": category, "blog": True})
                if kept is not None:
                    signals.content_written.send(kept, context=self.context, kept=True)
                    continue
            write(article.save_as, template, self.context, article=article, category=category,
                  override_output=hasattr(article, "override_save_as"), url=article.url, blog=True)

    def _build_period_archives(self, sorted_articles, articles, settings):
        """Pelican's archives (URLs, periods, dates), with each archive's articles found in one pass."""
        archives = super()._build_period_archives(sorted_articles, [], settings)
        position = {id(article): index for index, article in enumerate(articles)}
        for periods in archives.values():
            for archive in periods:
                members = [a for a in archive["dates"] if id(a) in position]
                archive["articles"] = sorted(members, key=lambda a: position[id(a)])
        return archives

    def generate_categories(self, write):
        if self.settings.get("CATEGORY_SAVE_AS"):
            super().generate_categories(write)

    def generate_tags(self, write):
        if self.settings.get("TAG_SAVE_AS"):
            super().generate_tags(write)

    def generate_authors(self, write):
        if self.settings.get("AUTHOR_SAVE_AS"):
            super().generate_authors(write)


class SitePagesGenerator(_ModelFed, PagesGenerator):
    """The model's static pages as Pelican pages."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _fed_from_model(self, self.settings[MODEL_KEY].pages, page_metadata)

    def get_files(self, paths, exclude=(), extensions=None) -> set[str]:
        """The model's pages (Pelican would walk PAGE_PATHS here)."""
        return set(self.readers.items)


class SitePelican(Pelican):
    """Pelican with the generators above in place of its own articles and pages generators."""

    REPLACED = {ArticlesGenerator: SiteArticlesGenerator, PagesGenerator: SitePagesGenerator}

    def _get_generator_classes(self):
        """Pelican's generators, ours in place of its own, those that say ``WRITES_FIRST`` first (in Pelican's
        order otherwise): a generator that starts slow work elsewhere (the quota workbook, in another
        process) starts it before the other generators' pages are rendered, not after."""
        classes = super()._get_generator_classes()
        if not set(self.REPLACED) <= set(classes):  # a Pelican whose internals moved: fail loudly, not slowly
            raise RuntimeError("this Pelican version does not list its articles and pages generators")
        classes = [self.REPLACED.get(cls, cls) for cls in classes]
        return sorted(classes, key=lambda cls: not getattr(cls, "WRITES_FIRST", False))

    def run(self):
        """Pelican's run; with SIDE_PROCESS, the side generators write in a forked process (side_outputs)."""
        self._generators: list = []
        self._side: SideOutputs | None = None
        try:
            with signals.all_generators_finalized.connected_to(self._generators.extend):
                super().run()
            if self._side is not None:
                self._side.join()
        finally:
            if self._side is not None:
                self._side.abandon()
                self._side.release()

    def _get_writer(self):
        """Pelican asks for its writer once, when every context is made and just before the output: the moment
        to fork the side generators' process."""
        writer = super()._get_writer()
        if self.settings.get(SIDE_PROCESS) and self._generators:
            self._side = SideOutputs.start(self._generators, writer, self._generators[0].context)
        return writer
