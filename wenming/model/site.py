"""The whole content model of a site: registry plus every validated content collection.

Each content type has a loader that reads its folder (or data file) and puts
its items into ``LoadContext.collections`` under its name. Loaders run in the
order of ``LOADERS``; a loader may look at collections loaded before it
(news checks the volunteer and project slugs it names, for example).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from wenming.media.images import ImageStore
from wenming.media.markup import MarkdownRenderer, derive_summary, render_markdown
from wenming.media.prerender import Prerender
from wenming.model import urls
from wenming.model.events import load_events
from wenming.model.exhibits import load_exhibits
from wenming.model.hall import load_hall
from wenming.model.news import NewsItem, newest_first, resolve_news
from wenming.model.projects import load_projects
from wenming.model.quota_rules import load_quotas
from wenming.model.references import References
from wenming.model.registry import Registry, load_registry
from wenming.model.services import load_services
from wenming.model.volunteer_stats import load_volunteer_stats
from wenming.model.volunteers import load_volunteers
from wenming.schema.content import NewsReport, Page
from wenming.source.diagnostics import Diagnostics
from wenming.source.discovery import content_files
from wenming.source.frontmatter import SourceCache, SourceFile, parse_source, read_source
from wenming.source.slugs import SlugClaims, file_slug, slug_for


@dataclasses.dataclass
class PageItem:
    source: Path
    slug: str
    title: str
    summary: str
    order: int
    status: str
    html: str

    @property
    def url(self) -> str:
        return f"{self.slug}/"


@dataclasses.dataclass
class LoadCaches:
    """What a build keeps from the previous one: rendered Markdown bodies, parsed files and image variants.

    With ``image_variants`` (the variant cache folder), variants of the images reports name are
    started in the background while the rest is still being read.
    """

    markdown: dict[str, object] = dataclasses.field(default_factory=dict)  # see media.markup.MarkdownRenderer
    sources: SourceCache = dataclasses.field(default_factory=dict)
    image_variants: Path | None = None
    registry: Registry | None = None  # the registry, when the data files are known to be unchanged (a patch)
    # Content files' (size, modification time) by path, as the build listed them (see read_source's ``found``).
    found: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class LoadContext:
    content_dir: Path
    registry: Registry
    diagnostics: Diagnostics
    markdown: MarkdownRenderer  # renders bodies; its ``images`` validates and publishes the pictures
    collections: dict[str, list] = dataclasses.field(default_factory=dict)
    extras: dict[str, object] = dataclasses.field(default_factory=dict)
    sources: SourceCache | None = None
    attempted: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # folder -> slugs of every file read
    # Files to read as if they held this text (None: as if deleted): the CMS checks an edit before writing it.
    overlay: Mapping[Path, str | None] = dataclasses.field(default_factory=dict)
    # Only these report files (a build that patches a few reports' pages reads their months' reports only).
    news_only: set[Path] | None = None
    found: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict)  # see LoadCaches

    @property
    def images(self) -> ImageStore:
        return self.markdown.images

    def read(self, path: Path, model: type) -> SourceFile | None:
        """Read and validate one content file (from the cache of parsed files when unchanged)."""
        if path in self.overlay:
            return parse_source(path, self.overlay[path], model, self.diagnostics)
        return read_source(path, model, self.diagnostics, self.sources, self.found.get(str(path)))

    def files(self, folder: str) -> list[Path]:
        """The content files of ``content/<folder>/``, with the overlay's files in place of the disk's."""
        root = self.content_dir / folder
        if folder == "news" and self.news_only is not None:
            return sorted(self.news_only)
        listed = content_files(root, self.diagnostics)  # sorted
        overlaid = {path: text for path, text in self.overlay.items() if path.is_relative_to(root)}
        if not overlaid:
            return listed
        found = set(listed)
        for path, text in overlaid.items():
            (found.add if text is not None else found.discard)(path)
        return sorted(found, key=lambda path: path.parts)  # as Path objects sort, without ~120,000 comparisons

    def read_folder(self, folder: str, model: type) -> Iterator[SourceFile]:
        """Every valid content file of ``content/<folder>/``, read and validated against ``model``."""
        attempted = self.attempted.setdefault(folder, set())
        for path in self.files(folder):
            source = self.read(path, model)
            attempted.add(slug_for(source) if source is not None else file_slug(path))
            if source is not None:
                yield source

    def broken(self, folder: str) -> set[str]:
        """Slugs of the files of ``content/<folder>/`` that were read but did not load (they have errors)."""
        return self.attempted.get(folder, set()) - {item.slug for item in self.collections.get(folder, [])}


@dataclasses.dataclass
class SiteModel:
    content_dir: Path
    registry: Registry
    diagnostics: Diagnostics
    markdown: MarkdownRenderer
    collections: dict[str, list]
    extras: dict[str, object]
    as_of: datetime.date | None = None

    @property
    def images(self) -> ImageStore:
        return self.markdown.images

    @property
    def news(self) -> list[NewsItem]:
        return self.collections["news"]

    @property
    def pages(self) -> list[PageItem]:
        return self.collections["pages"]

    @functools.cached_property
    def published_news(self) -> list[NewsItem]:
        """Published reports, newest first."""
        items = [n for n in self.news if n.is_published]
        return sorted(items, key=newest_first)

    def replace_news(self, old: NewsItem, new: NewsItem) -> None:
        """Put ``new`` wherever ``old`` is (a report re-read by a quick preview render)."""
        for items in (self.news, self.published_news):
            items[items.index(old)] = new
        for key, value in self._by_source.items():
            if value is old:
                self._by_source[key] = new

    def item_for_source(self, path: Path | str) -> NewsItem | PageItem | None:
        return self._by_source.get(os.path.abspath(path)) or self._by_source.get(os.path.realpath(path))

    @functools.cached_property
    def _by_source(self) -> dict[str, NewsItem | PageItem]:
        """Items by absolute source path, and by real path when symbolic links make that differ."""
        items = (*self.news, *self.pages)
        return {**{os.path.realpath(i.source): i for i in items}, **{os.path.abspath(i.source): i for i in items}}


def load_pages(ctx: LoadContext) -> None:
    pages: list[PageItem] = []
    claims = SlugClaims(ctx.diagnostics, {name: f"{name}/" for name in urls.RESERVED_TOP_LEVEL})
    for source in ctx.read_folder("pages", Page):
        slug = slug_for(source)
        if not claims.claim(slug, source):
            continue
        check = References(source.path, source, ctx.registry, ctx.diagnostics)
        check.body(source, ctx.markdown)
        if not check.ok:
            continue
        html = render_markdown(source.body, ctx.markdown, publish=source.meta.status == "published")
        pages.append(PageItem(source.path, slug, source.meta.title, source.meta.summary or derive_summary(html),
                              source.meta.order, source.meta.status, html))
    ctx.collections["pages"] = pages


def known_slugs(collections: dict[str, list]) -> dict[str, set[str]]:
    """The slugs reports may refer to, by content folder (projects, volunteers)."""
    return {name: {i.slug for i in collections.get(name, [])} for name in ("projects", "volunteers")}


def load_news(ctx: LoadContext) -> None:
    news: list[NewsItem] = []
    claims = SlugClaims(ctx.diagnostics)
    known = known_slugs(ctx.collections)
    sources = []
    with Prerender(ctx.markdown) as bodies:  # a cold build renders them in workers while it reads on
        for source in ctx.read_folder("news", NewsReport):
            sources.append(source)
            ctx.images.prefetch([source.meta.cover, *(image.src for image in ctx.markdown.scan(source.body).images)])
            bodies.add(source.body)
        bodies.finish()
    broken = {folder: ctx.broken(folder) for folder in known}
    for source in sources:
        if not claims.claim(slug_for(source), source):
            continue
        item = resolve_news(source, ctx.registry, ctx.markdown, ctx.diagnostics, known, broken)
        if item is not None:
            news.append(item)
    ctx.collections["news"] = news


# (name, loader) in load order. Content types add themselves here.
LOADERS: list[tuple[str, Callable[[LoadContext], None]]] = [
    ("pages", load_pages),
    ("volunteers", load_volunteers),
    ("projects", load_projects),
    ("news", load_news),
    ("events", load_events),
    ("services", load_services),
    ("volunteer_stats", load_volunteer_stats),
    ("quotas", load_quotas),
    ("hall", load_hall),
    ("exhibits", load_exhibits),
]


def load_site(content_dir: Path, as_of: datetime.date | None = None, caches: LoadCaches | None = None,
              overlay: Mapping[Path, str | None] | None = None,
              news_only: set[Path] | None = None) -> tuple[SiteModel | None, Diagnostics]:
    """Read and validate all content, collecting every problem of every file.

    The model is None when any error was found; the diagnostics hold them all. ``overlay`` maps
    content files (absolute paths) to the text to read instead of the file's (None: as if deleted).
    ``news_only``: read only these reports (a model of part of the site, see wenming.build.patch).
    """
    diagnostics = Diagnostics(content_dir)
    caches = caches or LoadCaches()
    registry = caches.registry or load_registry(content_dir / "data", diagnostics)
    if registry is None:
        return None, diagnostics
    images = ImageStore(content_dir, caches.image_variants)
    ctx = LoadContext(content_dir, registry, diagnostics, MarkdownRenderer(images, caches.markdown),
                      sources=caches.sources, overlay=dict(overlay or {}), news_only=news_only, found=caches.found)
    try:
        for _name, loader in LOADERS:
            loader(ctx)
    except BaseException:
        images.stop_variants(wait=False)
        raise
    if diagnostics.has_errors():
        images.stop_variants(wait=False)
        return None, diagnostics
    model = SiteModel(content_dir, registry, diagnostics, ctx.markdown, ctx.collections, ctx.extras, as_of)
    return model, diagnostics
