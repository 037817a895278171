"""Markdown to HTML for content bodies, and plain-text summaries."""

from __future__ import annotations

import html
import re

import markdown

_EXTENSIONS = ["extra", "sane_lists", "smarty"]
_TAG = re.compile(r"<[^>]+>")


def render_markdown(text: str) -> str:
    return markdown.Markdown(extensions=_EXTENSIONS, output_format="html").convert(text)


def plain_text(html_text: str) -> str:
    return html.unescape(_TAG.sub("", html_text)).strip()


def derive_summary(body_html: str, limit: int = 110) -> str:
    """First paragraph of the body as plain text, cut at ``limit`` characters."""
    for paragraph in re.findall(r"<p>(.*?)</p>", body_html, flags=re.S):
        text = " ".join(plain_text(paragraph).split())
        if text:
            return text if len(text) <= limit else text[: limit - 1].rstrip("，。；、 ") + "…"
    return ""
