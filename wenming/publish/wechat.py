"""A report as the WeChat official-account editor takes it: one self-contained block of inline-styled HTML.

The editor keeps inline ``style`` attributes and drops stylesheets, scripts and classes, and fetches pictures
from their URLs when the text is pasted; so every element carries its own style (the site's typography),
every URL is absolute, raw HTML is shown as text, and nothing else is referenced.
"""

from __future__ import annotations

import html
import urllib.parse
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from wenming.media.images import ImageProblem, ImageStore
from wenming.media.markup import EXTENSIONS
from wenming.media.safemarkup import SafeMarkupExtension

FONT = "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', sans-serif"
ACCENT = "#8e1b1b"  # the site's 文明实践 red
STYLES = {
    "p": "margin: 0 0 1em; font-size: 16px; line-height: 1.8; color: #333333; text-align: justify;",
    "h1": f"margin: 0 0 0.6em; font-size: 22px; line-height: 1.4; font-weight: bold; color: {ACCENT};",
    "h2": f"margin: 1.4em 0 0.6em; font-size: 19px; line-height: 1.4; font-weight: bold; color: {ACCENT};",
    "h3": "margin: 1.2em 0 0.5em; font-size: 17px; line-height: 1.4; font-weight: bold; color: #333333;",
    "h4": "margin: 1em 0 0.5em; font-size: 16px; line-height: 1.4; font-weight: bold; color: #333333;",
    "blockquote": f"margin: 0 0 1em; padding: 0.6em 1em; border-left: 4px solid {ACCENT}; background: #f7f3ef; "
                  "color: #555555;",
    "ul": "margin: 0 0 1em; padding-left: 1.5em;",
    "ol": "margin: 0 0 1em; padding-left: 1.5em;",
    "li": "margin: 0 0 0.4em; font-size: 16px; line-height: 1.8; color: #333333;",
    "img": "display: block; max-width: 100%; height: auto; margin: 0.5em auto;",
    "a": f"color: {ACCENT}; text-decoration: underline;",
    "strong": "font-weight: bold;",
    "table": "width: 100%; margin: 0 0 1em; border-collapse: collapse; font-size: 14px;",
    "th": "border: 1px solid #dddddd; padding: 6px; background: #f7f3ef; text-align: left;",
    "td": "border: 1px solid #dddddd; padding: 6px;",
    "hr": "margin: 1.5em 0; border: none; border-top: 1px solid #dddddd;",
    "code": "font-family: monospace; background: #f4f4f4; padding: 0 3px;",
    "pre": "margin: 0 0 1em; padding: 0.8em; background: #f4f4f4; overflow-x: auto; font-size: 14px;",
}
WRAPPER = f"font-family: {FONT}; font-size: 16px; line-height: 1.8; color: #333333; max-width: 100%;"
META = "margin: 0 0 1.2em; font-size: 14px; line-height: 1.6; color: #888888;"
SOURCE = "margin: 1.5em 0 0; font-size: 14px; line-height: 1.6; color: #888888;"


class _Inline(Treeprocessor):
    """Styles every element and makes every URL absolute (pictures point at their published variants)."""

    def __init__(self, md, base_url: str, images: ImageStore | None) -> None:
        super().__init__(md)
        self.base_url = base_url
        self.images = images

    def absolute(self, url: str) -> str:
        return urllib.parse.urljoin(f"{self.base_url}/", url)

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            element.attrib.pop("class", None)
            element.attrib.pop("id", None)
            if element.tag in STYLES:
                element.set("style", STYLES[element.tag])
            if element.tag == "a" and element.get("href"):
                element.set("href", self.absolute(element.get("href")))
            if element.tag == "img" and element.get("src"):
                element.set("src", self.absolute(self.picture(element.get("src"))))
                element.attrib.pop("title", None)

    def picture(self, src: str) -> str:
        if self.images is None or urllib.parse.urlsplit(src).scheme:
            return src
        try:
            return self.images.published_url(src)
        except ImageProblem:
            return src


class _WeChat(Extension):
    def __init__(self, base_url: str, images: ImageStore | None) -> None:
        super().__init__()
        self.base_url, self.images = base_url, images

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.preprocessors.deregister("html_block")  # raw HTML is shown as text: the editor would drop it anyway
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Inline(md, self.base_url, self.images), "wm_wechat", -20)


def wechat_html(title: str, meta: str, body: str, base_url: str, page_url: str | None,
                images: ImageStore | None = None, source: str = "") -> str:
    """The report as inline-styled HTML: title, a line of date and units, the body, and where it comes from."""
    base_url = base_url.rstrip("/")
    converter = markdown.Markdown(extensions=[*EXTENSIONS, SafeMarkupExtension(), _WeChat(base_url, images)],
                                  output_format="html")
    parts = [f'<section style="{WRAPPER}">',
             f'<h1 style="{STYLES["h1"]}">{html.escape(title)}</h1>',
             f'<p style="{META}">{html.escape(meta)}</p>',
             converter.convert(body)]
    if page_url:
        link = html.escape(urllib.parse.urljoin(f"{base_url}/", page_url))
        parts.append(f'<p style="{SOURCE}">{html.escape(source)}原文链接：'
                     f'<a href="{link}" style="{STYLES["a"]}">{link}</a></p>')
    parts.append("</section>")
    return "\n".join(parts)
