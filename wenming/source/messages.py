"""The registry of diagnostic codes and their messages, in Simplified Chinese and English.

Every message a content diagnostic can carry is declared once, under a stable code, in the YAML
catalogs beside this module (``catalog/*.yml``, one file per area). A code starting with ``E`` is an
error, ``W`` a warning; other keys (``hint.*``) are message fragments used inside other messages.

Each entry has ``zh`` and ``en`` templates with ``{name}`` placeholders, and for codes also ``fix``:
what causes it and how to fix it, in Chinese, for the editors' handbook. The language of the
messages is ``WENMING_LANG`` (``zh``, the default, or ``en``), which ``build.py --lang`` sets.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import string
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_VARIABLE = "WENMING_LANG"
_LIST_SEPARATOR = {"zh": "、", "en": ", "}
# The catalog is our own trusted file and needs no line numbers: libyaml's loader reads it several times
# faster than the pure-Python one (the content's YAML goes through source.yamlsource instead).
_CATALOG_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclasses.dataclass(frozen=True)
class Message:
    """One catalog entry: a code (or fragment key) and its templates."""

    key: str
    zh: str
    en: str
    fix: str = ""  # cause and fix, in Chinese (codes only)
    area: str = ""  # the catalog file it is declared in

    @property
    def is_code(self) -> bool:
        return self.key[:1] in ("E", "W") and self.key[1:].isdigit()

    @property
    def severity(self) -> str:
        return "error" if self.key.startswith("E") else "warning"

    def template(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def placeholders(self, language: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.template(language)) if name}


@dataclasses.dataclass(frozen=True)
class Text:
    """A message fragment to render in the reader's language: a catalog key and its parameters."""

    key: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        return render(self.key, self.params, language)

    def __str__(self) -> str:
        return self.render()


class CatalogError(Exception):
    """The catalog itself is broken (a programming error caught by the tests)."""


@functools.cache
def catalog() -> dict[str, Message]:
    """Every message, by key, from all catalog files (each key declared exactly once)."""
    messages: dict[str, Message] = {}
    for path in sorted(CATALOG_DIR.glob("*.yml")):
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_CATALOG_LOADER) or {}
        for key, entry in entries.items():
            if key in messages:
                raise CatalogError(f"{key} is declared in {messages[key].area}.yml and {path.stem}.yml")
            messages[key] = Message(key, entry["zh"], entry["en"], entry.get("fix", ""), path.stem)
    return messages


def codes() -> list[Message]:
    """The diagnostic codes, in code order (for the handbook's message list)."""
    return sorted((m for m in catalog().values() if m.is_code), key=lambda m: m.key)


def language() -> str:
    chosen = os.environ.get(LANGUAGE_VARIABLE, DEFAULT_LANGUAGE).strip().lower()[:2]
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _value(value: object, lang: str) -> str:
    if isinstance(value, Text):
        return value.render(lang)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return _LIST_SEPARATOR[lang].join(_value(item, lang) for item in value)
    return str(value)


def render(key: str, params: Mapping[str, object] | None = None, lang: str | None = None) -> str:
    """The message ``key`` in ``lang`` (default: the reader's language) with its parameters filled in."""
    lang = lang or language()
    message = catalog().get(key)
    if message is None:
        raise CatalogError(f"no message {key} in the catalog")
    values = {name: _value(value, lang) for name, value in (params or {}).items()}
    try:
        return message.template(lang).format_map(values)
    except KeyError as exc:
        raise CatalogError(f"message {key} needs the parameter {exc}") from exc


def allowed(choices: Iterable[str], limit: int = 8) -> Text:
    """The allowed values as a fragment, shortened when long."""
    choices = list(choices)
    if len(choices) <= limit:
        return Text("hint.allowed", {"values": choices})
    return Text("hint.allowed_more", {"values": choices[:limit], "count": len(choices)})
