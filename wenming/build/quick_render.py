"""Live preview's fast path: when only the body of published reports changed, render just their pages.

``build.py serve`` keeps what the last full build left in memory (the content
model and Pelican's articles generator, with its templates and context). When
an editor saves a report whose front matter is unchanged, this module reads
and validates that one file, and renders again only the pages that show its
body: the report page, its month's archive and its JSON. They are written
next to the site and renamed into place one by one (each rename is atomic),
so the page is visible in well under a second even on a 10,000-report site.

Everything else (lists, feeds, search) is brought up to date by the full
incremental rebuild that the preview server starts right after. Anything
this path cannot handle alone (a new or deleted file, a front-matter change,
an image not yet published, a page that is not a report) returns None, and
the caller runs the full build instead. Errors are reported exactly as
``build.py check`` reports them, and nothing is written.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

from pelican.contents import Content
from pelican.writers import Writer

from wenming.build.heap import dismantled
from wenming.build.patch import media_published
from wenming.build.render_cache import SETTLED, RenderCache
from wenming.model import urls
from wenming.model.news import NewsItem, resolve_news
from wenming.model.site import SiteModel, known_slugs
from wenming.output import write_json
from wenming.publish import api
from wenming.schema.content import NewsReport
from wenming.source.diagnostics import Diagnostic, Diagnostics
from wenming.source.discovery import is_content_file
from wenming.source.frontmatter import read_source


@dataclasses.dataclass
class QuickOutcome:
    pages: list[str] = dataclasses.field(default_factory=list)  # site-relative files written
    problems: list[Diagnostic] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class LastBuild:
    """What a full build leaves for quick renders."""

    model: SiteModel
    articles_generator: object  # pelican.generators.ArticlesGenerator
    site_dir: Path
    cache_dir: Path

    def dismantle(self) -> None:
        """Once nothing renders with this build any more (a newer build replaced it): see dismantle_run."""
        dismantle_run(self.articles_generator)


def dismantle_run(articles_generator) -> None:
    """Break the reference cycles of a Pelican run, given its articles generator, so that reference counting frees
    the run as soon as it is dropped: a full garbage collection holds the interpreter (every request of the CMS)
    for ~1 s at 10,000 reports, to find ~110,000 objects that hang off these cycles.

    Every report's article keeps Pelican's context, which lists the articles; and the run's settings, which every
    article and category keeps, hold the settled pages' paginators (wenming.build.settled), which list them too.
    What is left in cycles (the template environments: ~3,000 objects a run at 10,000 reports) is left to the
    collector's own schedule (wenming.build.heap)."""
    articles_generator.settings.pop(SETTLED, None)
    articles_generator.context.clear()
    dismantled()


def forget_rendered_content(article: Content | None = None) -> None:
    """Drop Pelican's memoized article HTML and summaries (class-wide caches), of one article or all.

    Pelican keeps them for the life of the process; a preview server rebuilding
    all day would otherwise keep every build's articles alive.
    """
    for memo in (Content.get_content, Content.get_summary):
        cache = memo.cache
        if article is None:
            cache.clear()
        else:
            for key in [key for key in list(cache) if key and key[0] is article]:
                cache.pop(key, None)


class QuickRenderer:
    def __init__(self, last: LastBuild) -> None:
        self.last = last

    def update(self, changed: set[Path]) -> QuickOutcome | None:
        """Render the changed reports' pages, or None when a full build is needed."""
        model = self.last.model
        news_dir = (model.content_dir / "news").resolve()
        if not changed:
            return None
        diagnostics = Diagnostics(model.content_dir)
        known = known_slugs(model.collections)
        replacements: list[tuple[NewsItem, NewsItem]] = []
        for path in sorted(changed):
            if not is_content_file(path) or not path.resolve().is_relative_to(news_dir):
                return None
            old = model.item_for_source(path)
            if not isinstance(old, NewsItem) or not old.is_published or not path.is_file():
                return None
            source = read_source(path, NewsReport, diagnostics)
            if source is None:
                continue
            new = resolve_news(source, model.registry, model.markdown, diagnostics, known)
            if new is None:
                continue
            if new.front_matter_digest != old.front_matter_digest or not media_published(new, self.last.site_dir):
                return None
            replacements.append((old, new))
        if diagnostics.has_errors():
            return QuickOutcome(problems=diagnostics.sorted())
        articles = [self._replace(old, new) for old, new in replacements]
        return QuickOutcome(pages=self._render(articles))

    def _replace(self, old: NewsItem, new: NewsItem) -> Content:
        """Swap the new report in everywhere the last build's objects refer to the old one."""
        self.last.model.replace_news(old, new)
        article = next(a for a in self.last.articles_generator.articles if getattr(a, "report", None) is old)
        article._content = new.html
        article.report = article.metadata["report"] = new
        forget_rendered_content(article)
        return article

    def _render(self, articles: list[Content]) -> list[str]:
        generator, site_dir = self.last.articles_generator, self.last.site_dir
        settings = generator.settings
        wanted = {a.save_as for a in articles}
        wanted |= {settings["MONTH_ARCHIVE_SAVE_AS"].format(date=a.date) for a in articles}
        staging = Path(tempfile.mkdtemp(prefix=".quick-", dir=site_dir.parent))
        try:
            writer = Writer(str(staging), settings=settings)

            def write(name, *args, **kwargs):
                if name in wanted:
                    writer.write_file(name, *args, **kwargs)

            lists = ("articles", "translations", "hidden_articles", "hidden_translations")
            saved = {name: getattr(generator, name) for name in lists}
            try:  # Pelican's own article loop, over just these articles (it formats every URL it visits)
                for name in lists:
                    setattr(generator, name, articles if name == "articles" else [])
                generator.generate_articles(write)
            finally:
                for name, value in saved.items():
                    setattr(generator, name, value)
            generator.generate_period_archives(write)
            for article in articles:
                write_json(staging, f"{urls.API}news/{article.report.slug}.json", api.news_detail(article.report))
            written = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
            for name in written:
                target = site_dir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, target)
            RenderCache.invalidate(self.last.cache_dir, written)
            return written
        finally:
            shutil.rmtree(staging, ignore_errors=True)
