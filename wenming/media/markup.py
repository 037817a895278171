"""Markdown to HTML for content bodies, local images as responsive <picture>, plain-text summaries."""

from __future__ import annotations

import hashlib
import html
import multiprocessing
import os
import re
import xml.etree.ElementTree as etree
from concurrent.futures import ProcessPoolExecutor

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from wenming.media.images import ImageStore

# No "smarty": Chinese text already uses “” and its inline patterns cost a third of the render time.
_EXTENSIONS = ["extra", "sane_lists"]
_TAG = re.compile(r"<[^>]+>")
# ![alt](path "title") — used to find and check image references before rendering.
IMAGE_REFERENCE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


class _PictureProcessor(Treeprocessor):
    def __init__(self, md, images: ImageStore) -> None:
        super().__init__(md)
        self.images = images

    def run(self, root):
        images = [(parent, child) for parent in root.iter() for child in parent if child.tag == "img"]
        for parent, child in images:
            source_attrs, img_attrs = self.images.picture_parts(child.get("src"), child.get("alt", ""))
            picture = etree.Element("picture")
            etree.SubElement(picture, "source", source_attrs)
            etree.SubElement(picture, "img", img_attrs)
            picture.tail = child.tail
            index = list(parent).index(child)
            parent.remove(child)
            parent.insert(index, picture)


class _PictureExtension(Extension):
    def __init__(self, images: ImageStore) -> None:
        super().__init__()
        self.images = images

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.treeprocessors.register(_PictureProcessor(md, self.images), "wm_pictures", 0)


class MarkdownRenderer:
    """One reusable Markdown converter plus a cache of rendered bodies.

    The cache key is the body text and the content hashes of the images it
    references, so an edited body or a replaced image renders again and
    everything else is reused (the cache can be saved between builds).
    """

    def __init__(self, images: ImageStore | None, cache: dict[str, str] | None = None) -> None:
        extensions = [*_EXTENSIONS, _PictureExtension(images)] if images is not None else _EXTENSIONS
        self._markdown = markdown.Markdown(extensions=extensions, output_format="html")
        self.images = images
        self.cache = cache if cache is not None else {}
        self.used_keys: set[str] = set()

    def _key(self, text: str) -> str:
        digest = hashlib.sha256(text.encode("utf-8"))
        if self.images is not None:
            for _, _, src in image_references(text):
                try:
                    digest.update(self.images.inspect(src).digest.encode())
                except ValueError:
                    digest.update(src.encode())
        return digest.hexdigest()

    def render(self, text: str) -> str:
        key = self._key(text)
        self.used_keys.add(key)
        cached = self.cache.get(key)
        if cached is None:
            cached = self.cache[key] = self._markdown.reset().convert(text)
        elif self.images is not None:
            for _, alt, src in image_references(text):
                self.images.picture_parts(src, alt)  # mark as used, as a fresh render would
        return cached

    def prerender(self, texts: list[str], workers: int | None = None) -> int:
        """Render the bodies missing from the cache on every core, so that ``render`` finds them.

        Worth it for a cold build of thousands of reports; returns how many were rendered. A body
        that fails here (a broken image reference, say) is left for ``render`` to report.
        """
        missing = {}
        for text in texts:
            key = self._key(text)
            if key not in self.cache:
                missing[key] = text
        workers = workers or os.cpu_count() or 1
        if len(missing) < PARALLEL_MINIMUM or workers < 2:
            return 0
        global _FORKED_RENDERER
        _FORKED_RENDERER = self
        keys = list(missing)
        chunks = [keys[i::workers * 4] for i in range(workers * 4)]
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                results = pool.map(_render_in_child, [[missing[key] for key in chunk] for chunk in chunks])
                for chunk, rendered in zip(chunks, results):
                    self.cache.update((key, html) for key, html in zip(chunk, rendered) if html is not None)
        finally:
            _FORKED_RENDERER = None
        return len(missing)

    def used_entries(self) -> dict[str, str]:
        """The cache entries this build used: what is worth keeping for the next one."""
        return {key: self.cache[key] for key in self.used_keys}


PARALLEL_MINIMUM = 300  # below this, starting worker processes costs more than it saves
_FORKED_RENDERER: MarkdownRenderer | None = None  # inherited by forked workers


def _render_in_child(texts: list[str]) -> list[str | None]:
    renderer = _FORKED_RENDERER
    rendered: list[str | None] = []
    for text in texts:
        try:
            rendered.append(renderer._markdown.reset().convert(text))
        except Exception:  # noqa: BLE001 - reported with its file and line by the serial render
            rendered.append(None)
    return rendered


def render_markdown(text: str, images: ImageStore | None = None) -> str:
    if images is not None:
        return images.renderer.render(text)
    return MarkdownRenderer(None).render(text)


def image_references(text: str) -> list[tuple[int, str, str]]:
    """(0-based line offset, alt, src) of every Markdown image in ``text``."""
    return [(text.count("\n", 0, m.start()), m.group("alt"), m.group("src")) for m in IMAGE_REFERENCE.finditer(text)]


def plain_text(html_text: str) -> str:
    return html.unescape(_TAG.sub("", html_text)).strip()


def derive_summary(body_html: str, limit: int = 110) -> str:
    """First paragraph of the body as plain text, cut at ``limit`` characters."""
    for paragraph in re.findall(r"<p>(.*?)</p>", body_html, flags=re.S):
        text = " ".join(plain_text(paragraph).split())
        if text:
            return text if len(text) <= limit else text[: limit - 1].rstrip("，。；、 ") + "…"
    return ""
