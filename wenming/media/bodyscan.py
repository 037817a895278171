"""What a Markdown body shows and loads: its images (with their lines) and the resources its raw HTML
would fetch, taken from the parsed document (see wenming.media.markup), never from a pattern over the text."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

# A URL on another host: http://…, https://…, //host/…
REMOTE_URL = re.compile(r"^\s*([a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# Raw-HTML elements that load a resource, and the attributes naming it.
RESOURCE_ATTRIBUTES = {
    "img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "iframe": ("src",), "frame": ("src",), "embed": ("src",), "script": ("src",),
    "link": ("href",), "object": ("data",), "input": ("src",),
}
PICTURE_TAGS = ("img", "source")  # local pictures in raw HTML would be published unprocessed: not at all


@dataclasses.dataclass(frozen=True)
class BodyImage:
    """A Markdown image of a body: 0-based line offset in the body, alt text, path or URL."""

    offset: int
    alt: str
    src: str


@dataclasses.dataclass(frozen=True)
class HtmlResource:
    """A resource a raw-HTML element of a body loads: line offset, tag and URL."""

    offset: int
    tag: str
    url: str

    @property
    def is_remote(self) -> bool:
        return bool(REMOTE_URL.match(self.url))


@dataclasses.dataclass(frozen=True)
class BodyScan:
    """What a body shows besides text, in the order it appears."""

    images: tuple[BodyImage, ...] = ()
    resources: tuple[HtmlResource, ...] = ()


@dataclasses.dataclass(frozen=True)
class BodyProblem:
    """Something wrong with a body's media: line offset in the body, catalog code and parameters."""

    offset: int
    code: str
    params: dict


class _ResourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        names = RESOURCE_ATTRIBUTES.get(tag, ())
        for name, value in attrs:
            if name in names and value:
                urls = [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value]
                self.found.extend((tag, url.strip()) for url in urls)

    handle_startendtag = handle_starttag


def _raw_resources(blocks) -> list[tuple[str, str]]:
    """(tag, url) of every resource the raw HTML Python-Markdown stashed loads."""
    found: list[tuple[str, str]] = []
    for block in blocks:
        if isinstance(block, str):
            finder = _ResourceFinder()
            finder.feed(block)
            finder.close()
            found.extend(finder.found)
        else:  # an element (md_in_html)
            for element in block.iter():
                for name in RESOURCE_ATTRIBUTES.get(element.tag, ()):
                    if element.get(name):
                        found.append((element.tag, element.get(name)))
    return found


class _Locator:
    """Line offsets of strings in a body, found in order (falling back to the first occurrence)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cursor = 0

    def offset(self, *needles: str) -> int:
        """The line of the first of ``needles`` found after the previous one (or anywhere)."""
        for needle in filter(None, needles):
            position = self.text.find(needle, self.cursor)
            if position < 0:
                position = self.text.find(needle)
            if position >= 0:
                self.cursor = position + len(needle)
                return self.text.count("\n", 0, position)
        return self.text.count("\n", 0, self.cursor)


def scan_parsed(text: str, images: list[tuple[str, str]], blocks) -> BodyScan:
    """The scan of ``text`` from what Python-Markdown found: its images (alt, src) and raw HTML blocks."""
    locate = _Locator(text)
    # The image's own "![alt]" (a reference-style image's too), else its path (as in its definition).
    found = tuple(BodyImage(locate.offset(f"![{alt}]", src), alt, src) for alt, src in images)
    locate = _Locator(text)
    resources = tuple(HtmlResource(locate.offset(url), tag, url) for tag, url in _raw_resources(blocks))
    return BodyScan(found, resources)
