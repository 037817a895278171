"""The whole content model of a site: registry plus every validated content item."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from .content import read_source
from .diagnostics import Diagnostics
from .markup import derive_summary, render_markdown
from .news import NewsItem, resolve_news, slug_for
from .registry import Registry, load_registry
from .schema import NewsReport, Page

CONTENT_SUFFIXES = (".md", ".markdown")


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
class SiteModel:
    content_dir: Path
    registry: Registry
    news: list[NewsItem]
    pages: list[PageItem]
    diagnostics: Diagnostics

    @property
    def published_news(self) -> list[NewsItem]:
        """Published reports, newest first."""
        items = [n for n in self.news if n.is_published]
        return sorted(items, key=lambda n: (n.date, n.slug), reverse=True)

    def item_for_source(self, path: Path) -> NewsItem | PageItem | None:
        return self._by_source.get(Path(path).resolve())

    @functools.cached_property
    def _by_source(self) -> dict[Path, NewsItem | PageItem]:
        return {i.source.resolve(): i for i in (*self.news, *self.pages)}


def content_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in CONTENT_SUFFIXES and p.is_file()
                  and not p.name.startswith((".", "_")))


def load_site(content_dir: Path) -> tuple[SiteModel | None, Diagnostics]:
    """Read and validate all content, collecting every problem of every file.

    The model is None when any error was found; the diagnostics hold them all.
    """
    diagnostics = Diagnostics(content_dir)
    model = _load(content_dir, diagnostics)
    return model, diagnostics


def _load(content_dir: Path, diagnostics: Diagnostics) -> SiteModel | None:
    registry = load_registry(content_dir / "data", diagnostics)
    if registry is None:
        return None
    news: list[NewsItem] = []
    slugs: dict[str, Path] = {}
    for path in content_files(content_dir / "news"):
        source = read_source(path, NewsReport, diagnostics)
        if source is None:
            continue
        slug = slug_for(source)
        if slug in slugs:
            diagnostics.error(path, f"slug {slug} is already used by {diagnostics.display_path(slugs[slug])}; "
                              "slugs must be unique", line=source.line_of("slug"), field="slug")
            continue
        slugs[slug] = path
        item = resolve_news(source, registry, content_dir, diagnostics)
        if item is not None:
            news.append(item)
    pages = _load_pages(content_dir, diagnostics)
    if diagnostics.has_errors():
        return None
    return SiteModel(content_dir, registry, news, pages, diagnostics)


def _load_pages(content_dir: Path, diagnostics: Diagnostics) -> list[PageItem]:
    pages: list[PageItem] = []
    for path in content_files(content_dir / "pages"):
        source = read_source(path, Page, diagnostics)
        if source is None:
            continue
        slug = slug_for(source)
        if any(p.slug == slug for p in pages):
            diagnostics.error(path, f"slug {slug} is already used by another page", field="slug",
                              line=source.line_of("slug"))
            continue
        html = render_markdown(source.body)
        pages.append(PageItem(path, slug, source.meta.title, source.meta.summary or derive_summary(html),
                              source.meta.order, source.meta.status, html))
    return pages
