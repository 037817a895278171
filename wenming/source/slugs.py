"""URL slugs from Chinese names via pinyin (pypinyin reads polyphonic characters by phrase)."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

# Administrative suffixes become their own slug word: 城北街道 -> chengbei-jiedao.
_SUFFIXES = ("街道", "社区", "镇", "乡", "村", "局")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_valid_slug(value: str) -> bool:
    return bool(_SLUG.match(value))


def _pinyin_word(text: str) -> str:
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))
    joined = "".join(syllables).lower()
    return re.sub(r"[^a-z0-9]+", "-", joined).strip("-")


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
