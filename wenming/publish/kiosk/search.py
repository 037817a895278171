"""Offline search for the kiosk: an index embedded as a script, matched by exact substrings.

Pagefind cannot run from file:// (Chromium refuses fetch() and ES-module
imports there), and a kiosk holds tens of exhibits, so the bundle carries
its texts in ``assets/search-index.js`` and the page matches every search
term as a substring: exact for Chinese without any word segmentation.
"""

from __future__ import annotations

import json

from wenming.media.markup import plain_text
from wenming.model.hall import Hall

INDEX_FILE = "assets/search-index.js"


def search_entries(hall: Hall, page_of) -> list[dict]:
    """One entry per exhibit: its title, section, page (relative to the bundle root) and plain text."""
    entries = []
    for section in hall.sections:
        for item in section.exhibits:
            captions = " ".join(p.caption or p.alt for p in item.images)
            text = " ".join(plain_text(item.html).split())
            entries.append({"title": item.title, "section": section.name, "url": page_of(item),
                            "summary": item.summary or "", "text": f"{text} {captions}".strip()})
    return entries


def search_index_script(entries: list[dict]) -> str:
    return "window.KIOSK_SEARCH = " + json.dumps(entries, ensure_ascii=False) + ";\n"
