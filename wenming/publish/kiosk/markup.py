"""Exhibit text for the kiosk, where no link may be followed: each link becomes a numbered
reference, and the page shows a QR code for every numbered target."""

from __future__ import annotations

import dataclasses
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from wenming.media.markup import EXTENSIONS as SITE_EXTENSIONS
from wenming.media.safemarkup import SafeMarkupExtension


@dataclasses.dataclass(frozen=True)
class OutsideLink:
    """A link target shown as a QR code: reference number, link text and absolute URL."""

    number: int
    text: str
    url: str

    @property
    def caption(self) -> str:
        """What the QR code opens: '[1] 中国文明网（www.wenming.cn）'."""
        return f"[{self.number}] {self.text}（{urllib.parse.urlsplit(self.url).hostname}）"


class _LinksToReferences(Treeprocessor):
    def __init__(self, md, resolve: Callable[[str], str | None], links: list[OutsideLink]) -> None:
        super().__init__(md)
        self.resolve = resolve
        self.links = links

    def run(self, root: ET.Element) -> None:
        for element in root.iter("a"):
            url = self.resolve(element.get("href", ""))
            element.tag = "span"
            element.attrib.clear()
            if url is None:
                continue
            number = len(self.links) + 1
            self.links.append(OutsideLink(number, "".join(element.itertext()).strip(), url))
            element.set("class", "link-ref")
            marker = ET.SubElement(element, "sup")
            marker.text = f"[{number}]"


class _LinkExtension(Extension):
    def __init__(self, resolve: Callable[[str], str | None], links: list[OutsideLink]) -> None:
        super().__init__()
        self.resolve = resolve
        self.links = links

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_LinksToReferences(md, self.resolve, self.links), "kiosk_links", 0)


def kiosk_body(text: str, public: Callable[[str], str]) -> tuple[str, list[OutsideLink]]:
    """HTML of an exhibit body without links, and the link targets it referred to.

    Web links are kept as they are; site links (/news/…) become the public site's
    URL via ``public``; other links (mail, anchors) are left as plain text.
    """
    def resolve(href: str) -> str | None:
        if href.startswith(("http://", "https://")):
            return href
        if href.startswith("/"):
            return public(href.lstrip("/"))
        return None

    links: list[OutsideLink] = []
    md = markdown.Markdown(extensions=[*SITE_EXTENSIONS, _LinkExtension(resolve, links), SafeMarkupExtension()],
                           output_format="html")
    return md.convert(text), links
