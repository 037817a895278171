"""Exhibits (展品): reading content/exhibits/, resolving each against the hall and the news.

``load_exhibits`` is a site-model loader that runs after the news and the
hall settings: it puts every exhibit into ``ctx.collections['exhibits']`` and
the published ones, in order, into their sections of ``ctx.extras['hall']``.
"""

from __future__ import annotations

from pathlib import Path

from wenming.media.images import ImageProblem
from wenming.media.markup import MarkdownRenderer, derive_summary, render_markdown
from wenming.model.hall import HALL_FILE, ExhibitItem, Hall, Picture, Section, Video, inspect_picture
from wenming.model.news import NewsItem
from wenming.model.references import References
from wenming.schema.content import Exhibit
from wenming.source.diagnostics import Diagnostics
from wenming.source.frontmatter import SourceFile
from wenming.source.messages import Text
from wenming.source.slugs import SlugClaims, slug_for
from wenming.source.suggest import allowed_list, did_you_mean

EXHIBITS_FOLDER = "exhibits"
VIDEO_SUFFIXES = (".mp4", ".webm")
CAPTION_SUFFIXES = (".vtt",)


class _Resolver(References):
    """Checks one exhibit's references, reporting each problem at its line."""

    def __init__(self, source: SourceFile, ctx) -> None:
        super().__init__(source.path, source, ctx.registry, ctx.diagnostics)
        self.source = source
        self.content_dir = ctx.content_dir
        self.image_store = ctx.images

    def section(self, hall: Hall) -> Section | None:
        value = self.source.meta.section
        section = hall.section(value)
        if section is None:
            names = [s.name for s in hall.sections]
            hint = did_you_mean(value, [*names, *(s.id for s in hall.sections)], lambda m: hall.section(m).name)
            self.error("E601", "section", value=value, hint=hint, allowed=allowed_list(names))
            return None
        folder = self.source.path.parent.name
        if self.source.path.parent.parent.name == EXHIBITS_FOLDER and folder not in (section.id, section.name):
            self.warning("W601", "section", folder=folder, section=section.name,
                         target=f"{EXHIBITS_FOLDER}/{section.id}")
        return section

    def picture(self, src: str, alt: str, caption: str | None, *loc: str | int) -> Picture | None:
        try:
            return inspect_picture(self.image_store, src, alt, caption)
        except ImageProblem as exc:
            self.error(exc.code, *loc, **exc.params)
            return None

    def images(self) -> list[Picture]:
        pictures = [self.picture(image.src, image.alt, image.caption, "images", index, "src")
                    for index, image in enumerate(self.source.meta.images)]
        return [p for p in pictures if p is not None]

    def cover(self, images: list[Picture]) -> Picture | None:
        meta = self.source.meta
        if meta.cover is None:
            return images[0] if images else None
        listed = next((p for p in images if p.src == meta.cover), None)
        return listed or self.picture(meta.cover, meta.title, None, "cover")

    def media_file(self, value: str, suffixes: tuple[str, ...], what: str, *loc: str | int) -> Path | None:
        if not value.lower().endswith(suffixes):
            self.error("E602", *loc, value=value, what=Text(f"noun.{what}"), suffixes=list(suffixes))
            return None
        root = self.content_dir.resolve()
        path = (root / value).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            self.error("E603", *loc, value=value, what=Text(f"noun.{what}"))
            return None
        return path

    def video(self) -> Video | None:
        video = self.source.meta.video
        if video is None:
            return None
        path = self.media_file(video.src, VIDEO_SUFFIXES, "video", "video", "src")
        captions = None
        if video.captions is not None:
            captions = self.media_file(video.captions, CAPTION_SUFFIXES, "captions", "video", "captions")
        return Video(video.src, path, video.title, video.captions, captions) if path else None

    def related(self, news_by_slug: dict[str, NewsItem], broken: set[str]) -> list[NewsItem]:
        """The published reports ``related:`` names; a report whose file has errors of its own gets the shared
        follow-on error (E206, listed after its cause), not a suggestion of another slug."""
        reports = []
        for index, slug in enumerate(self.source.meta.related):
            report = news_by_slug.get(slug)
            if report is None and slug in broken:
                self.slug(slug, news_by_slug, "news", "news", "related", index, broken=broken)
            elif report is None:
                self.error("E604", "related", index, slug=slug, hint=did_you_mean(slug, news_by_slug))
            elif not report.is_published:
                self.error("E605", "related", index, slug=slug, status=report.status)
            else:
                reports.append(report)
        return reports

    def body(self, source: SourceFile, markdown: MarkdownRenderer) -> None:
        """Pictures belong under ``images:`` (E606); raw HTML may load nothing from another host (E307)."""
        scan, first = markdown.scan(source.body), source.body_first_line
        for image in scan.images:
            self.error("E606", "body", line=first + image.offset)
        for resource in scan.resources:
            if resource.is_remote:
                self.error("E307", "body", line=first + resource.offset, tag=resource.tag, url=resource.url)


def _resolve(source: SourceFile, hall: Hall, news_by_slug: dict[str, NewsItem], ctx) -> ExhibitItem | None:
    meta: Exhibit = source.meta
    check = _Resolver(source, ctx)
    section = check.section(hall)
    images = check.images()
    cover = check.cover(images)
    video = check.video()
    related = check.related(news_by_slug, ctx.broken("news"))
    check.body(source, ctx.markdown)
    if not check.ok or section is None:
        return None
    html = render_markdown(source.body)
    return ExhibitItem(
        source=source.path, slug=slug_for(source), title=meta.title, section=section, order=meta.order,
        status=meta.status, cover=cover, images=images, video=video, related=related,
        summary=meta.summary or derive_summary(html), body=source.body, html=html,
    )


def _check_order(item: ExhibitItem, source: SourceFile, items: list[ExhibitItem], diagnostics: Diagnostics) -> bool:
    for other in items:
        if other.section is item.section and other.order == item.order:
            diagnostics.add("E607", item.source, line=source.line_of("order"), field="order", order=item.order,
                            other=diagnostics.display_path(other.source), section=item.section.name)
            return False
    return True


def load_exhibits(ctx) -> None:
    """Site-model loader: validated exhibits, the published ones placed in the hall's sections."""
    hall: Hall | None = ctx.extras.get("hall")
    news_by_slug = {n.slug: n for n in ctx.collections.get("news", [])}
    hall_path = ctx.content_dir / "data" / HALL_FILE
    items: list[ExhibitItem] = []
    claims: dict[str, SlugClaims] = {}  # slugs are unique within a section
    for source in ctx.read_folder(EXHIBITS_FOLDER, Exhibit):
        path = source.path
        if hall is None:
            if hall_path.is_file():
                continue  # hall.yml has errors of its own, already reported
            ctx.diagnostics.add("E608", path, line=source.line_of("section"), field="section")
            continue
        item = _resolve(source, hall, news_by_slug, ctx)
        if item is None or not _check_order(item, source, items, ctx.diagnostics):
            continue
        if claims.setdefault(item.section.id, SlugClaims(ctx.diagnostics)).claim(item.slug, source):
            items.append(item)
    ctx.collections["exhibits"] = items
    if hall is not None:
        for section in hall.sections:
            section.exhibits = sorted((i for i in items if i.section is section and i.is_published),
                                      key=lambda i: i.order)
