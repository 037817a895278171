"""Turn pydantic validation results into diagnostics with file, line, field and advice."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pydantic

from wenming.source.diagnostics import Diagnostics
from wenming.source.suggest import did_you_mean
from wenming.source.yamlsource import Loc, YamlDocument

_TYPE_ADVICE = {
    "missing": "is required",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list (e.g. [a, b] or one '- item' per line)",
    "dict_type": "must be a block of 'key: value' fields",
    "model_type": "must be a block of 'key: value' fields",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date without a time, written YYYY-MM-DD",
    "greater_than_equal": "is too small",
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
}


def field_name(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind in {"value_error", "assertion_error"} or kind.startswith("wm_"):
        return error["msg"].removeprefix("Value error, ")
    advice = _TYPE_ADVICE.get(kind)
    if advice is None:
        return error["msg"]
    if kind == "missing":
        return advice
    value = error.get("input")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"{value!r} {advice}".replace("'", "")
    return advice


def report_validation_error(
    diagnostics: Diagnostics,
    path: Path,
    doc: YamlDocument,
    exc: pydantic.ValidationError,
    prefix: Loc = (),
) -> None:
    """Add one diagnostic per pydantic error, located by the YAML line map."""
    for error in exc.errors():
        loc = prefix + tuple(part for part in error["loc"] if not _is_union_tag(part))
        diagnostics.error(path, _message(error), line=doc.line_of(loc), field=field_name(loc) or None)


def _is_union_tag(part: Any) -> bool:
    # pydantic adds type names like 'list[str]' or 'str' into locations of union errors
    return isinstance(part, str) and (part in {"str", "int", "float", "bool"} or "[" in part)


def warn_unknown_keys(
    diagnostics: Diagnostics,
    path: Path,
    doc: YamlDocument,
    model: type[pydantic.BaseModel],
    data: Any,
    prefix: Loc = (),
) -> None:
    """Warn about keys the schema does not know, suggesting the nearest known key."""
    if not isinstance(data, dict):
        return
    fields = model.model_fields
    for key, value in data.items():
        key = str(key)
        loc = prefix + (key,)
        if key not in fields:
            hint = did_you_mean(key, fields)
            diagnostics.warning(
                path, f"unknown key is ignored{hint}", line=doc.line_of(loc), field=field_name(loc)
            )
            continue
        for sub_loc, sub_model, item in _nested(fields[key].annotation, value, loc):
            warn_unknown_keys(diagnostics, path, doc, sub_model, item, sub_loc)


def _nested(annotation: Any, value: Any, loc: Loc):
    """(location, model, value) of every nested model value inside a field's value."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        yield loc, annotation, value
        return
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and args and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nested(args[0], item, loc + (index,))
    elif origin is dict and len(args) == 2 and isinstance(value, dict):
        for key, item in value.items():
            yield from _nested(args[1], item, loc + (str(key),))
    elif args:  # Optional[...] and other unions
        for arg in args:
            if arg is not type(None):
                yield from _nested(arg, value, loc)
