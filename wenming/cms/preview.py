"""One page rendered with the site's own templates from an unsaved entry, without a build.

The CMS keeps what its last build left in memory (the content model and Pelican's articles generator,
with the theme's templates and the site context), as ``build.py serve`` does for its quick renders. A
report is resolved against that model and rendered with ``article.html``; a page with ``page.html``;
the other collections show their body in the page layout, under their title.
"""

from __future__ import annotations

import threading
import urllib.parse
from pathlib import Path

from pelican.contents import Article
from pelican.contents import Page as PelicanPage

from wenming.build.engine import article_metadata, page_metadata
from wenming.build.quick_render import LastBuild
from wenming.cms.entries import Collection, entry_text
from wenming.cms.errors import CmsError
from wenming.media.images import ImageProblem
from wenming.media.markup import derive_summary, render_markdown
from wenming.model.news import resolve_news
from wenming.model.site import PageItem, known_slugs
from wenming.source.diagnostics import Diagnostic, Diagnostics
from wenming.source.frontmatter import parse_source
from wenming.source.slugs import slug_for


class Previewer:
    def __init__(self) -> None:
        self._last: LastBuild | None = None
        self._lock = threading.Lock()

    def update(self, last: LastBuild | None) -> None:
        """Use what a newer build left (called by the build worker after each good build), and take the one it
        replaces apart (LastBuild.dismantle): under the lock, so no render is using it."""
        if last is not None:
            with self._lock:
                previous, self._last = self._last, last
                if previous is not None and previous is not last:
                    previous.dismantle()

    def render(self, kind: Collection, path: Path, fields: dict, body: str) -> tuple[str | None, list[Diagnostic]]:
        """(the page's HTML, []) or (None, the diagnostics that keep it from rendering).

        Renders run one at a time: the last build's Markdown converter and templates are shared.
        """
        with self._lock:
            if self._last is None:
                raise CmsError("cms.preview_not_ready", 503)
            return self._render(self._last, kind, path, fields, body)

    def _render(self, last: LastBuild, kind: Collection, path: Path, fields: dict,
                body: str) -> tuple[str | None, list[Diagnostic]]:
        model = last.model
        diagnostics = Diagnostics(model.content_dir)
        source = parse_source(path, entry_text(fields, body), kind.model, diagnostics)
        if source is None:
            return None, diagnostics.sorted()
        generator = last.articles_generator
        settings, context = generator.settings, generator.context
        if kind.name == "news":
            item = resolve_news(source, model.registry, model.markdown, diagnostics, known_slugs(model.collections))
            if item is None:
                return None, diagnostics.sorted()
            article = Article(content=item.html, metadata=article_metadata(item, settings), settings=settings,
                              source_path=str(path), context=context)
            html = generator.get_template("article").render({
                **context, "article": article, "category": article.category, "blog": True, "url": article.url,
                "all_articles": generator.articles, "page_name": article.url.rstrip("/")})
            return self._unpublished_pictures(last, html, [item.cover, *self._pictures(model, source.body)]), []
        html_body = render_markdown(source.body, model.markdown, publish=False)
        title = getattr(source.meta, "title", None) or getattr(source.meta, "name", None) or kind.label
        item = PageItem(path, slug_for(source), title, derive_summary(html_body), 0, "published", html_body)
        page = PelicanPage(content=html_body, metadata=page_metadata(item, settings), settings=settings,
                           source_path=str(path), context=context)
        html = generator.get_template("page").render({**context, "page": page, "page_name": item.slug})
        return self._unpublished_pictures(last, html, self._pictures(model, source.body)), []

    @staticmethod
    def _pictures(model, body: str) -> list[str]:
        return [image.src for image in model.markdown.scan(body).images]

    @staticmethod
    def _unpublished_pictures(last: LastBuild, html: str, pictures: list[str | None]) -> str:
        """Point the variants no build has published yet (a photo just uploaded) at the CMS's preview images."""
        for src in filter(None, pictures):
            try:
                info = last.model.images.inspect(src)
            except ImageProblem:
                continue
            replacement = f"/api/preview-image?path={urllib.parse.quote(src)}"
            for width in info.widths():
                for ext in ("webp", info.fallback_ext):
                    url = info.url(width, ext)
                    if not (last.site_dir / url.lstrip("/")).is_file():
                        html = html.replace(url, replacement)
        return html
