"""The slug rule: URL slugs from Chinese names via pinyin (pypinyin reads polyphonic characters by
phrase), the slug of a content file, and the one check that a slug is unique in its URL space."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from wenming.schema.base import SLUG_PATTERN
from wenming.source.diagnostics import Diagnostics
from wenming.source.frontmatter import SourceFile
from wenming.source.messages import Text

# Administrative suffixes become their own slug word: 城北街道 -> chengbei-jiedao.
_SUFFIXES = ("街道", "社区", "镇", "乡", "村", "局")
_SLUG = re.compile(SLUG_PATTERN)


def is_valid_slug(value: str) -> bool:
    return bool(_SLUG.match(value))


# Words already read: text -> slug word. A build keeps them between runs (remember_words), so that it
# imports pypinyin only for a name it has not seen.
_WORDS: dict[str, str] = {}


def _pinyin_word(text: str) -> str:
    known = _WORDS.get(text)
    if known is not None:
        return known
    # Imported here: pypinyin loads its phrase dictionary on import (0.3-0.5 s), which only names without
    # an explicit slug need, not every command that imports this module.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))
    joined = "".join(syllables).lower()
    _WORDS[text] = word = re.sub(r"[^a-z0-9]+", "-", joined).strip("-")
    return word


def remember_words(words: Mapping[str, str]) -> None:
    """Words read by an earlier run of the same code and pypinyin (see known_words)."""
    _WORDS.update(words)


def known_words() -> dict[str, str]:
    return dict(_WORDS)


def pinyin_slug(name: str) -> str:
    """Slug of a registry name: pinyin words, an administrative suffix split off.

    >>> pinyin_slug("城北街道")
    'chengbei-jiedao'
    >>> pinyin_slug("五知五行·知行合一")
    'wuzhiwuxing-zhixingheyi'
    """
    parts = [p for p in re.split(r"[\s·・,，、/()（）\-—]+", name.strip()) if p]
    words: list[str] = []
    for index, part in enumerate(parts):
        suffix = ""
        if index == len(parts) - 1:
            suffix = next((s for s in _SUFFIXES if part.endswith(s) and len(part) > len(s)), "")
        stem = part[: len(part) - len(suffix)] if suffix else part
        words.extend(w for w in (_pinyin_word(stem), _pinyin_word(suffix)) if w)
    return "-".join(words)


def slug_for(source: SourceFile) -> str:
    """A content file's slug: its ``slug:`` field, else the file name (in pinyin when it is Chinese)."""
    return source.meta.slug or file_slug(source.path)


def file_slug(path: Path) -> str:
    """The slug a content file gets from its name: the name itself, or its pinyin when it is Chinese."""
    return path.stem if is_valid_slug(path.stem) else pinyin_slug(path.stem)


class SlugClaims:
    """The slugs taken in one URL space (reports, pages, a hall section…) and by whom.

    ``reserved`` maps slugs the site itself uses there to the path they would take over.
    """

    def __init__(self, diagnostics: Diagnostics, reserved: Mapping[str, str] | None = None) -> None:
        self.diagnostics = diagnostics
        self.reserved = dict(reserved or {})
        self.holders: dict[str, Path | Text] = {}

    def hold(self, slug: str, holder: Text) -> None:
        """Record a slug taken by something other than a content file (a generated page)."""
        self.holders.setdefault(slug, holder)

    def claim(self, slug: str, source: SourceFile) -> bool:
        """Take ``slug`` for ``source``; False, with a diagnostic at its ``slug`` line, when it is taken."""
        if slug not in self.reserved and slug not in self.holders:
            self.holders[slug] = source.path  # shown as a display path only when another file collides
            return True
        where = {"line": source.line_of("slug"), "field": "slug", "slug": slug}  # a line only for a message
        if slug in self.reserved:
            self.diagnostics.add("E402", source.path, url=self.reserved[slug], **where)
            return False
        holder = self.holders[slug]
        other = self.diagnostics.display_path(holder) if isinstance(holder, Path) else holder
        self.diagnostics.add("E401", source.path, other=other, **where)
        return False
