"""Markdown to HTML for content bodies, local images as responsive <picture>, plain-text summaries."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .images import ImageStore

_EXTENSIONS = ["extra", "sane_lists", "smarty"]
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


def render_markdown(text: str, images: ImageStore | None = None) -> str:
    extensions = [*_EXTENSIONS, _PictureExtension(images)] if images is not None else _EXTENSIONS
    return markdown.Markdown(extensions=extensions, output_format="html").convert(text)


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
