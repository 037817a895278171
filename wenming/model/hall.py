"""The exhibition hall (功能展厅): its sections and settings from ``content/data/hall.yml``, and its URLs.

``load_hall`` is a site-model loader: it puts a ``Hall`` with empty sections
into ``ctx.extras['hall']`` (None when the site has no hall.yml); the exhibit
loader (wenming.exhibits) then fills the sections.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from wenming.media.images import ImageInfo, ImageProblem, ImageStore
from wenming.media.markup import render_markdown
from wenming.model import urls
from wenming.model.news import NewsItem
from wenming.schema.hall import AttractLoop, HallConfig, HallSection
from wenming.source.datafile import load_data_file
from wenming.source.diagnostics import Diagnostics
from wenming.source.yamlsource import YamlDocument

HALL_FILE = "hall.yml"


def section_url(section_id: str) -> str:
    return f"{urls.HALL}{section_id}/"


def exhibit_url(section_id: str, slug: str) -> str:
    return f"{urls.HALL}{section_id}/{slug}/"


@dataclasses.dataclass(frozen=True)
class Picture:
    """A validated picture: its path under content/ (as templates' ``picture()`` takes it), alt text, caption."""

    src: str
    alt: str
    caption: str | None
    info: ImageInfo

    @property
    def path(self) -> Path:
        return self.info.path

    @property
    def width(self) -> int:
        return self.info.width

    @property
    def height(self) -> int:
        return self.info.height

    @property
    def full_url(self) -> str:
        """Site URL of the largest published variant (once a page has shown the picture)."""
        return self.info.url(self.info.widths()[-1], self.info.fallback_ext)


def inspect_picture(images: ImageStore, src: str, alt: str, caption: str | None = None) -> Picture:
    """The validated picture ``src``; ImageProblem says what is wrong with it."""
    return Picture(src, alt, caption, images.inspect(src))


@dataclasses.dataclass(frozen=True)
class Video:
    src: str
    path: Path
    title: str | None
    captions: str | None
    captions_path: Path | None


@dataclasses.dataclass
class ExhibitItem:
    """A validated exhibit with its section, pictures and related reports resolved."""

    source: Path
    slug: str
    title: str
    section: Section
    order: int
    status: str
    cover: Picture | None
    images: list[Picture]
    video: Video | None
    related: list[NewsItem]  # published reports
    summary: str
    body: str
    html: str

    @property
    def url(self) -> str:
        return exhibit_url(self.section.id, self.slug)

    @property
    def key(self) -> str:
        """Identifier unique in the hall: <section id>/<slug>."""
        return f"{self.section.id}/{self.slug}"

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def media_url(self, src: str) -> str:
        """Site-relative URL of a video or captions file, published beside the exhibit's page."""
        return self.url + Path(src).name


@dataclasses.dataclass(eq=False)
class Section:
    id: str
    name: str
    intro: str
    order: int
    own_cover: Picture | None
    exhibits: list[ExhibitItem] = dataclasses.field(default_factory=list)

    @property
    def url(self) -> str:
        return section_url(self.id)

    @property
    def cover(self) -> Picture | None:
        """The section's cover, else the cover of its first exhibit that has one."""
        return self.own_cover or next((e.cover for e in self.exhibits if e.cover), None)


@dataclasses.dataclass
class Hall:
    title: str
    intro: str
    sections: list[Section]
    attract: AttractLoop
    idle_seconds: int
    countdown_seconds: int
    public_url: str

    url = urls.HALL

    @property
    def intro_html(self) -> str:
        return render_markdown(self.intro)

    @property
    def exhibits(self) -> list[ExhibitItem]:
        """Published exhibits, section by section, each section in order."""
        return [e for s in self.sections for e in s.exhibits]

    def section(self, value: str) -> Section | None:
        """The section whose id or name is ``value``."""
        return next((s for s in self.sections if value in (s.id, s.name)), None)

    def neighbours(self, item: ExhibitItem) -> tuple[ExhibitItem | None, ExhibitItem | None]:
        """Previous and next exhibit within the item's section."""
        items = item.section.exhibits
        index = items.index(item)
        return (items[index - 1] if index > 0 else None, items[index + 1] if index + 1 < len(items) else None)

    def attract_slides(self) -> list[ExhibitItem]:
        return [e for e in self.exhibits if e.cover][: self.attract.max_slides]

    def public(self, relative_url: str) -> str:
        """Absolute public URL of a site-relative URL, for QR codes."""
        return f"{self.public_url.rstrip('/')}/{relative_url}"


def load_hall(ctx) -> None:
    """Site-model loader: ``ctx.extras['hall']`` from content/data/hall.yml, or None without one."""
    path = ctx.content_dir / "data" / HALL_FILE
    ctx.extras["hall"] = _read_hall(path, ctx) if path.is_file() else None


def _read_hall(path: Path, ctx) -> Hall | None:
    loaded = load_data_file(path, HallConfig, ctx.diagnostics)
    if loaded is None:
        return None
    config, doc = loaded
    sections = _sections(config.sections, path, doc, ctx.images, ctx.diagnostics)
    if sections is None:
        return None
    return Hall(
        title=config.title, intro=config.intro, sections=sections, attract=config.attract,
        idle_seconds=config.idle_seconds, countdown_seconds=config.countdown_seconds,
        public_url=config.public_url or ctx.registry.site.base_url,
    )


def _sections(entries: list[HallSection], path: Path, doc: YamlDocument, images: ImageStore,
              diagnostics: Diagnostics) -> list[Section] | None:
    ok = True
    seen: dict[tuple[str, object], int] = {}
    sections = []
    for index, entry in enumerate(entries):
        for key in ("id", "name", "order"):
            value = getattr(entry, key)
            if (key, value) in seen:
                ok = False
                diagnostics.add("E609", path, line=doc.line_of(("sections", index, key)),
                                field=f"sections.{index}.{key}",
                                key=key, value=value, other=seen[key, value] + 1)
            seen.setdefault((key, value), index)
        cover = None
        if entry.cover is not None:
            try:
                cover = inspect_picture(images, entry.cover, entry.name)
            except ImageProblem as exc:
                ok = False
                diagnostics.add(exc.code, path, line=doc.line_of(("sections", index, "cover")),
                                field=f"sections.{index}.cover", **exc.params)
        sections.append(Section(entry.id, entry.name, entry.intro, entry.order, cover))
    return sorted(sections, key=lambda s: s.order) if ok else None
