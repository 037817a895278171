"""Markdown to HTML for content bodies, local images as responsive <picture>, plain-text summaries.

The images and raw-HTML resources of a body are found in the parsed Markdown (inline, titled and
reference-style images alike, none inside code), never by a pattern over the text, so that what is
checked, cached and published is exactly what Python-Markdown renders.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import re
import threading
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from wenming.media.bodyscan import (
    PICTURE_TAGS,
    REMOTE_URL,
    BodyProblem,
    BodyScan,
    scan_parsed,
)
from wenming.media.images import ImageProblem, ImageStore
from wenming.media.safemarkup import SafeMarkupExtension
from wenming.media.tables import TableExtension

# No "smarty": Chinese text already uses “” and its inline patterns cost a third of the render time.
EXTENSIONS = ("extra", "sane_lists")  # the site's Markdown dialect (the CMS's sanitiser renders with it too)
_TAG = re.compile(r"<[^>]+>")
_SCAN_MEMO = 4096  # bodies whose scan image_references keeps in memory


@dataclasses.dataclass(frozen=True)
class Rendered:
    """A rendered body as cached: its HTML, what it shows, and the content hash of each picture in it."""

    html: str
    scan: BodyScan
    digests: tuple[tuple[str, str], ...]


class _ImageCollector(Treeprocessor):
    """Collects (alt, src) of every image of the parsed body, in document order."""

    def __init__(self, md) -> None:
        super().__init__(md)
        self.found: list[tuple[str, str]] = []

    def run(self, root):
        self.found = [(element.get("alt", ""), element.get("src", "")) for element in root.iter("img")]


class _PictureProcessor(Treeprocessor):
    """Local images as <picture>s. An image that cannot be shown is left as it is and noted in ``problems``."""

    def __init__(self, md, images: ImageStore) -> None:
        super().__init__(md)
        self.images = images
        self.publish = True  # whether the body is published: its pictures are marked as used
        self.problems: list[ImageProblem] = []
        self.digests: list[tuple[str, str]] = []

    def run(self, root):
        self.problems, self.digests = [], []
        images = [(parent, child) for parent in root.iter() for child in parent if child.tag == "img"]
        for parent, child in images:
            src = child.get("src", "")
            if REMOTE_URL.match(src):
                self.problems.append(ImageProblem("E305", src=src))
                continue
            try:
                source_attrs, img_attrs = self.images.picture_parts(src, child.get("alt", ""), use=self.publish)
            except ImageProblem as exc:
                self.problems.append(exc)
                continue
            self.digests.append((src, self.images.inspect(src).digest))
            picture = etree.Element("picture")
            etree.SubElement(picture, "source", source_attrs)
            etree.SubElement(picture, "img", img_attrs)
            picture.tail = child.tail
            index = list(parent).index(child)
            parent.remove(child)
            parent.insert(index, picture)


class _BodyExtension(Extension):
    def __init__(self, images: ImageStore | None) -> None:
        super().__init__()
        self.images = images
        self.collector: _ImageCollector | None = None
        self.pictures: _PictureProcessor | None = None

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        # After "inline" (20), which makes the <img> elements, and "unescape" (0, registered earlier), which
        # restores backslash-escaped characters; then the pictures (same priority, registered later).
        self.collector = _ImageCollector(md)
        md.treeprocessors.register(self.collector, "wm_images", 0)
        if self.images is not None:
            self.pictures = _PictureProcessor(md, self.images)
            md.treeprocessors.register(self.pictures, "wm_pictures", 0)


class _Converter:
    """One reusable Markdown converter that also reports what a body shows."""

    def __init__(self, images: ImageStore | None) -> None:
        self.extension = _BodyExtension(images)
        self.markdown = markdown.Markdown(extensions=[*EXTENSIONS, self.extension, TableExtension(),
                                                      SafeMarkupExtension()],
                                          output_format="html")

    def convert(self, text: str, publish: bool = True) -> tuple[str, BodyScan, list[ImageProblem], tuple]:
        pictures = self.extension.pictures
        if pictures is not None:
            pictures.publish = publish
        output = self.markdown.reset().convert(text)
        scan = scan_parsed(text, self.extension.collector.found, self.markdown.htmlStash.rawHtmlBlocks)
        if pictures is None:
            return output, scan, [], ()
        return output, scan, list(pictures.problems), tuple(pictures.digests)


class MarkdownRenderer:
    """One reusable Markdown converter plus a cache of rendered bodies.

    A body is cached under the hash of its text, with the content hash of every picture it shows:
    an entry is used only while each of those pictures is unchanged, so an edited body or a replaced
    image renders again and everything else is reused (the cache can be saved between builds).
    """

    def __init__(self, images: ImageStore | None, cache: dict | None = None) -> None:
        self._converter = _Converter(images)
        self.images = images
        self.cache = cache if cache is not None else {}
        self.used_keys: set[str] = set()
        self._failed: dict[str, tuple[BodyScan, list[ImageProblem]]] = {}  # bodies that cannot render, by key

    @staticmethod
    @functools.lru_cache(maxsize=65536)
    def key(text: str) -> str:
        """The cache key of a body: asked for four times per report a build (the string hashes its own text
        once, so the lookup is cheaper than the ~6 µs of SHA-256 over a 1.5 KB body)."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _valid(self, entry) -> bool:
        if not isinstance(entry, Rendered):
            return False
        try:
            return all(self.images.inspect(src).digest == digest for src, digest in entry.digests)
        except ImageProblem:
            return False

    def _lookup(self, key: str) -> Rendered | None:
        entry = self.cache.get(key)
        return entry if self._valid(entry) else None

    def cached(self, key: str) -> bool:
        """Whether the body of ``key`` (see ``key``) is in the cache, its pictures unchanged."""
        return self._lookup(key) is not None

    def fresh(self, text: str) -> Rendered | None:
        """``text`` rendered anew for the cache (nothing marked as used); None when it has a problem."""
        output, scan, problems, digests = self._converter.convert(text, publish=False)
        return None if problems else Rendered(output, scan, digests)

    def _convert(self, key: str, text: str, publish: bool) -> Rendered | None:
        output, scan, problems, digests = self._converter.convert(text, publish)
        if problems:
            self._failed[key] = (scan, problems)
            return None
        entry = self.cache[key] = Rendered(output, scan, digests)
        return entry

    def scan(self, text: str) -> BodyScan:
        """The images and raw-HTML resources of ``text`` (from the cache when it was rendered before)."""
        key = self.key(text)
        entry = self.cache.get(key)
        if isinstance(entry, Rendered):  # what a body shows depends on its text only
            self.used_keys.add(key)
            return entry.scan
        if key in self._failed:
            return self._failed[key][0]
        return scan_body(text)

    def render(self, text: str, publish: bool = True) -> str:
        """The HTML of ``text``; its pictures are marked as used unless ``publish`` is false (a draft).

        Raises the ImageProblem of the first picture that cannot be shown.
        """
        key = self.key(text)
        entry = self._lookup(key)
        if entry is None:
            entry = self._convert(key, text, publish)
            if entry is None:
                raise self._failed[key][1][0]
        elif publish and self.images is not None:
            for image in entry.scan.images:
                self.images.picture_parts(image.src, image.alt)  # mark as used, as a fresh render would
        self.used_keys.add(key)
        return entry.html

    def used_entries(self) -> dict:
        """The cache entries this build used: what is worth keeping for the next one."""
        return {key: self.cache[key] for key in self.used_keys if key in self.cache}


def render_markdown(text: str, renderer: MarkdownRenderer | None = None, publish: bool = True) -> str:
    """HTML of a body; with a ``renderer``, local pictures become <picture>s (marked as used when ``publish``)."""
    if renderer is not None:
        return renderer.render(text, publish)
    return _plain_converter().convert(text)[0]


_local = threading.local()


def _plain_converter() -> _Converter:
    """This thread's converter without pictures (Markdown instances are not thread-safe)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _Converter(None)
    return converter


@functools.lru_cache(maxsize=_SCAN_MEMO)
def scan_body(text: str) -> BodyScan:
    """The images and raw-HTML resources of a Markdown body, from the parsed document."""
    if "![" not in text and "<" not in text:
        return BodyScan()  # no image and no HTML: nothing to parse for
    return _plain_converter().convert(text)[1]


def image_references(text: str) -> list[tuple[int, str, str]]:
    """(0-based line offset, alt, src) of every Markdown image in ``text`` (inline, titled or reference-style)."""
    return [(image.offset, image.alt, image.src) for image in scan_body(text).images]


def body_problems(text: str, renderer: MarkdownRenderer) -> list[BodyProblem]:
    """What is wrong with the pictures and embedded resources of a body, in the order they appear.

    Markdown images must be local files under content/ with alt text; raw HTML may load nothing
    from another host (the site loads no external assets) and shows no local pictures (only
    processed images are published: write them as Markdown images).
    """
    scan, images = renderer.scan(text), renderer.images
    problems = []
    for image in scan.images:
        if REMOTE_URL.match(image.src):
            problems.append(BodyProblem(image.offset, "E305", {"src": image.src}))
        elif not image.alt.strip():
            problems.append(BodyProblem(image.offset, "E306", {"src": image.src}))
        else:
            try:
                images.inspect(image.src)
            except ImageProblem as exc:
                problems.append(BodyProblem(image.offset, exc.code, dict(exc.params)))
    for resource in scan.resources:
        if resource.is_remote:
            problems.append(BodyProblem(resource.offset, "E307", {"tag": resource.tag, "url": resource.url}))
        elif resource.tag in PICTURE_TAGS and not resource.url.startswith("data:"):
            problems.append(BodyProblem(resource.offset, "E308", {"tag": resource.tag, "url": resource.url}))
    return sorted(problems, key=lambda problem: problem.offset)


def plain_text(html_text: str) -> str:
    return html.unescape(_TAG.sub("", html_text)).strip()


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", flags=re.S)


@functools.lru_cache(maxsize=32768)
def derive_summary(body_html: str, limit: int = 110) -> str:
    """First paragraph of the body as plain text, cut at ``limit`` characters (remembered: a long-running
    process derives every report's summary again each build, from the same cached HTML)."""
    for paragraph in _PARAGRAPH.finditer(body_html):
        text = " ".join(plain_text(paragraph[1]).split())
        if text:
            return text if len(text) <= limit else text[: limit - 1].rstrip("，。；、 ") + "…"
    return ""
