"""Raw HTML in Markdown bodies written through the CMS, cleaned to a safe allow-list; the Markdown stays as written.

Running nh3 over a whole body would break its Markdown (it escapes the ``>`` of blockquotes, ``&`` and autolinks
such as ``<https://…>``). So only the markup is touched: outside code (fenced and indented code blocks, code
spans), every piece of markup a browser would parse is replaced by its cleaned form, and the text between
stays byte for byte as it was:

- a start tag on the allow-list keeps only its allowed attributes, checked by nh3 (``a``: ``href`` with
  http/https/mailto or a relative URL, and ``title``; ``abbr``: ``title``);
- other tags are removed, and ``script``, ``style``, ``iframe`` and the like with everything up to their end tag;
- comments, declarations and processing instructions are removed;
- a ``<`` that starts markup a browser would read but that is not finished (no closing ``>``), or a tag-like
  word that is no HTML element name (``a<b，c>``), is written as ``&lt;``, which Markdown shows as ``<``.

Tags are read the way a browser's tokenizer reads them (quoted attribute values may hold ``>``), so what is
cleaned here is what a browser would see. Then the result is checked with the site's own Markdown renderer:
every piece of raw HTML it passes through must already be clean. If something taken for code here is raw HTML
to the renderer (an indented block inside a ``<div>``, say), the body is cleaned again with fewer exemptions.
"""

from __future__ import annotations

import re
import types

import markdown
import nh3
from markdown.extensions.fenced_code import FencedBlockPreprocessor

from wenming.media.markup import EXTENSIONS

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span", "div", "blockquote", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "figure", "figcaption", "a", "abbr", "details",
    "summary", "h2", "h3", "h4", "h5", "h6",
})
ALLOWED_ATTRIBUTES = types.MappingProxyType({"a": frozenset({"href", "title"}), "abbr": frozenset({"title"})})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with everything up to their end tag: their content is code, styles, or not meant to be shown as text.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "noscript", "noembed", "noframes", "template", "textarea", "title", "xmp",
    "object", "svg", "math", "select",
})
VOID_TAGS = frozenset({"br"})
# The extensions of the site's renderer (wenming.media.markup), which decides what is code and what raw HTML.


_SPACE = " \t\n\r\f"
_ELEMENT_NAME = re.compile(r"[a-z][a-z0-9-]*")
_SAFE_AUTOLINK = re.compile(r"<(?:https?|ftp)://[^\s<>\"'`]*>|<(?:mailto:)?[^\s<>\"'`!/=@]+@[^\s<>\"'`/=@]+>", re.I)
_ATTRIBUTE_IN_AUTOLINK = re.compile(r"/(?:on|style)[^/\s>=]*=", re.I)  # what a browser would read as a handler
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_BLOCK = re.compile(r"(?:^[ \t]*\S[^\n]*(?:\n|\Z))+", re.M)  # lines up to the next blank line
_INDENTED = re.compile(r"(?: {4}|\t)")
_LIST_ITEM = re.compile(r"(?:[*+-]|\d+\.)[ \t]")
_MARKUP_START = re.compile(r"<(?=[A-Za-z/!?])")

Region = tuple[int, int]


def sanitize_body(markdown_text: str) -> str:
    """The body with its raw HTML cleaned to the allow-list; a body without raw HTML comes back unchanged.

    A body with markup also gets LF line breaks (see ``normalize_line_breaks``).
    """
    if "<" not in markdown_text:
        return markdown_text
    text = normalize_line_breaks(markdown_text)
    for exempt in (code_regions, fenced_blocks):
        regions = exempt(text)
        cleaned = _clean_outside(text, regions)
        # Code without markup is harmless even where the renderer would not take it for code.
        if not any(_MARKUP_START.search(text, start, end) for start, end in regions) or renders_clean(cleaned):
            return cleaned
    return clean_markup(text)  # code included: clean whatever the renderer takes for code


def normalize_line_breaks(text: str) -> str:
    """Line breaks as the renderer reads them (CR LF and lone CR become LF; its placeholder marks STX and ETX
    go), so that a fenced block found here ends exactly where the renderer ends it."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "").replace("\x03", "")


def clean_markup(text: str) -> str:
    """``text`` with every piece of markup in it cleaned (no notion of code: see ``sanitize_body``)."""
    return _MarkupCleaner(text).clean()


def renders_clean(markdown_text: str) -> bool:
    """Whether every piece of raw HTML the site's renderer passes through for this body is already clean.

    Fenced code blocks are left out: the renderer takes them out first (so they are code whatever surrounds
    them) and stores their highlighted HTML beside the raw HTML, where it would look like raw HTML.
    """
    renderer = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
    renderer.convert(_without_fenced_blocks(markdown_text))
    # An element (not a string) is HTML with a ``markdown`` attribute, which clean markup never carries.
    return all(isinstance(raw, str) and clean_markup(raw) == raw for raw in renderer.htmlStash.rawHtmlBlocks)


def code_regions(text: str) -> list[Region]:
    """Where the body has code: fenced blocks, indented blocks (not list continuations) and code spans."""
    regions: list[Region] = []
    position = 0
    for fence_start, fence_end in [*fenced_blocks(text), (len(text), len(text))]:
        regions.extend(_code_between(text, position, fence_start))
        regions.append((fence_start, fence_end))
        position = fence_end
    return [(start, end) for start, end in regions if end > start]


def fenced_blocks(text: str) -> list[Region]:
    """The fenced code blocks, found with the renderer's own pattern (it takes them out before anything else)."""
    regions: list[Region] = []
    position = 0
    while match := FencedBlockPreprocessor.FENCED_BLOCK_RE.search(text, position):
        regions.append((match.start(), match.end()))
        position = match.end()
    return regions


def _without_fenced_blocks(text: str) -> str:
    """``text`` with each fenced block replaced by a line of text, as the renderer replaces it by a placeholder."""
    out: list[str] = []
    position = 0
    for start, end in fenced_blocks(text):
        out.append(text[position:start] + "\nfenced code\n")
        position = end
    out.append(text[position:])
    return "".join(out)


def _code_between(text: str, start: int, end: int) -> list[Region]:
    """Indented code blocks and code spans in ``text[start:end]`` (which has no fenced block)."""
    regions: list[Region] = []
    in_list = False
    for block in _BLOCK.finditer(text, start, end):
        indented = all(_INDENTED.match(line) for line in block.group().splitlines() if line.strip())
        if not indented:
            in_list = bool(_LIST_ITEM.match(block.group().lstrip(" ")))
        if indented and not in_list:
            regions.append(block.span())
        else:
            regions.extend(span.span() for span in _CODE_SPAN.finditer(text, block.start(), block.end()))
    return regions


def _clean_outside(text: str, regions: list[Region]) -> str:
    out: list[str] = []
    position = 0
    for start, end in regions:
        out.append(clean_markup(text[position:start]))
        out.append(text[start:end])
        position = end
    out.append(clean_markup(text[position:]))
    return "".join(out)


class _MarkupCleaner:
    """Cleans the markup of one text, reading tags as a browser's tokenizer does.

    Unfinished markup is written as text and reading goes on after its ``<``, which could read the same text
    again and again; so the characters read are counted, and past a few times the text's length every ``<``
    that is left and could start markup is written as ``&lt;`` (no markup at all is always safe).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.budget = 4 * len(text) + 4096

    def clean(self) -> str:
        text = self.text
        out: list[str] = []
        position = 0
        while (start := text.find("<", position)) >= 0:
            out.append(text[position:start])
            if self.budget <= 0:
                out.append(_MARKUP_START.sub("&lt;", text[start:]))
                return "".join(out)
            replacement, position = self._markup_at(start)
            out.append(replacement)
        out.append(text[position:])
        return "".join(out)

    def _markup_at(self, start: int) -> tuple[str, int]:
        """What replaces the markup starting with the ``<`` at ``start``, and where the text after it starts."""
        following = self.text[start + 1 : start + 2]
        autolink = _SAFE_AUTOLINK.match(self.text, start)
        if autolink and not _ATTRIBUTE_IN_AUTOLINK.search(autolink.group()):
            return autolink.group(), autolink.end()
        if following.isascii() and following.isalpha():
            return self._start_tag(start)
        if following == "/":
            return self._end_tag(start)
        if following in ("!", "?"):
            return self._declaration(start)
        return "<", start + 1  # "a < b", "<5": text to a browser too

    def _start_tag(self, start: int) -> tuple[str, int]:
        end = self._tag_end(start + 1)
        if end is None:
            return "&lt;", start + 1
        token = self.text[start:end]
        name = _tag_name(token[1:])
        if name in DROPPED_WITH_CONTENT:
            return "", self._after_end_tag(name, end)
        if name in ALLOWED_TAGS:
            return _allowed_start_tag(token, name), end
        if _ELEMENT_NAME.fullmatch(name):
            return "", end
        return "&lt;", start + 1

    def _end_tag(self, start: int) -> tuple[str, int]:
        following = self.text[start + 2 : start + 3]
        if not (following.isascii() and following.isalpha()):
            return "&lt;", start + 1  # "</>", "</ 3>": not an end tag
        end = self._tag_end(start + 2)
        if end is None:
            return "&lt;", start + 1
        name = _tag_name(self.text[start + 2 : end])
        if name in ALLOWED_TAGS:
            return f"</{name}>", end
        if _ELEMENT_NAME.fullmatch(name):
            return "", end
        return "&lt;", start + 1

    def _declaration(self, start: int) -> tuple[str, int]:
        """Comments, ``<!DOCTYPE …>``, ``<![CDATA[…]]>``, ``<?…?>``: removed; unfinished, written as text."""
        if self.text.startswith("<!--", start):
            end = self._comment_end(start + 4)
        else:
            close = self.text.find(">", start + 2)
            end = close + 1 if close >= 0 else None
        self.budget -= (end or len(self.text)) - start
        return ("", end) if end is not None else ("&lt;", start + 1)

    def _comment_end(self, body: int) -> int | None:
        """Where a comment whose text starts at ``body`` ends for a browser (``<!-->``, ``<!--->`` end at once)."""
        for opening in (">", "->"):
            if self.text.startswith(opening, body):
                return body + len(opening)
        ends = [found + len(mark) for mark in ("-->", "--!>") if (found := self.text.find(mark, body)) >= 0]
        return min(ends) if ends else None

    def _after_end_tag(self, name: str, position: int) -> int:
        """Where the text after ``</name>`` (searched from ``position``) starts; ``position`` if there is none."""
        for close in re.compile(rf"</{name}(?=[\s/>])", re.I).finditer(self.text, position):
            end = self._tag_end(close.start() + 2)
            if end is not None:
                self.budget -= close.start() - position
                return end
        self.budget -= len(self.text) - position
        return position

    def _tag_end(self, name_start: int) -> int | None:
        """The index after the ``>`` that ends the tag whose name starts at ``name_start``, read as a browser
        reads it (attribute values in quotes may hold ``>``); None when the text (or the budget) ends first."""
        text = self.text
        size = min(len(text), name_start + max(self.budget, 0))
        i = name_start
        while i < size and text[i] not in _SPACE and text[i] not in "/>":
            i += 1
        while i < size:
            if text[i] == ">":
                self.budget -= i - name_start
                return i + 1
            if text[i] in _SPACE or text[i] == "/":
                i += 1
                continue
            i += 1  # the attribute name's first character, which may be "="
            while i < size and text[i] not in _SPACE and text[i] not in "/>=":
                i += 1
            while i < size and text[i] in _SPACE:
                i += 1
            if i < size and text[i] == "=":
                i = _attribute_value_end(text, i + 1, size)
        self.budget -= size - name_start
        return None


def _attribute_value_end(text: str, i: int, size: int) -> int:
    """The index after an attribute value starting at or after ``i`` (``size`` for a quote never closed)."""
    while i < size and text[i] in _SPACE:
        i += 1
    if i < size and text[i] in "\"'":
        close = text.find(text[i], i + 1, size)
        return close + 1 if close >= 0 else size
    while i < size and text[i] not in _SPACE and text[i] != ">":
        i += 1
    return i


def _tag_name(token: str) -> str:
    """The name at the start of ``token`` (the text after ``<`` or ``</``), ASCII letters in lower case as a
    browser has them (``str.lower`` would also turn the Kelvin sign into a "k")."""
    name = re.split(r"[\s/>]", token, maxsplit=1)[0]
    return "".join(c.lower() if c.isascii() else c for c in name)


def _allowed_start_tag(token: str, name: str) -> str:
    """An allowed start tag with only its allowed attributes (and safe URLs), as nh3 writes it."""
    if name not in ALLOWED_ATTRIBUTES:
        return f"<{name}>"
    end_tag = "" if name in VOID_TAGS else f"</{name}>"
    cleaned = nh3.clean(
        token + end_tag,
        tags={name},
        attributes={name: set(ALLOWED_ATTRIBUTES[name])},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    if cleaned.startswith(f"<{name}") and cleaned.endswith(end_tag):
        return cleaned[: len(cleaned) - len(end_tag)]
    return f"<{name}>"
