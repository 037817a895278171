"""Base of every schema (content types and data files), shared by ``wenming.schema`` and the schemas kept beside it.

``SchemaModel`` rejects control characters in every text field; ``schema_error`` raises a validation
error with a catalog code (``wenming/source/catalog/source.yml``), which the loaders report with its
parameters in the reader's language.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

Status = Literal["published", "review", "draft"]
STATUS_LABELS = {"published": "已发布", "review": "待审核", "draft": "草稿"}
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://\S+$"

# C0 and C1 controls except tab and line feed, DEL, lone surrogates and the non-characters U+FFFE/U+FFFF:
# invisible, and fatal to the XML of the feeds and sitemap.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def character_name(character: str) -> str:
    return f"U+{ord(character):04X}"


def schema_error(code: str, **params: Any) -> PydanticCustomError:
    """A validation error with the catalog ``code`` and its parameters; wenming.source.validation turns it into
    the diagnostic ``code`` with its message from the catalog (the schema itself knows no message text)."""
    return PydanticCustomError(f"wm_{code}", code, params)


def _control_character(value: Any, at: tuple = ()) -> tuple[tuple, str] | None:
    """(position inside the value, character) of the first control character in a text, list or dict."""
    if isinstance(value, str):
        match = CONTROL_CHARACTER.search(value)
        return (at, match.group()) if match else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
    for key, item in items:
        found = _control_character(key, at) if isinstance(key, str) else None
        found = found or _control_character(item, at + (key,))
        if found:
            return found
    return None  # numbers, dates; nested models check their own fields


class SchemaModel(BaseModel):
    """Base of every schema: no text field may hold a control character (only tabs and line breaks).

    Validators are built when a model first validates, not when it is defined: a build that patches one
    report validates one model and would otherwise pay ~0.1 s at start-up for all of them."""

    model_config = ConfigDict(defer_build=True)

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        found = _control_character(value)
        if found is not None:
            at, character = found
            raise schema_error("E030", char=character_name(character), at=list(at))
        return value


class ContentModel(SchemaModel):
    """Base of every content type's front matter."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
