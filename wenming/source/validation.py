"""Turn pydantic validation results into coded diagnostics with file, line, field and advice."""

from __future__ import annotations

import datetime
import re
import typing
from pathlib import Path
from typing import Any

import pydantic

from wenming.schema.base import SLUG_PATTERN
from wenming.source.diagnostics import Diagnostics
from wenming.source.messages import Text, catalog
from wenming.source.suggest import did_you_mean
from wenming.source.yamlsource import Loc, YamlDocument

# pydantic error type -> catalog code; the messages take the bad value (``value``) and the limits.
_TYPE_CODES = {
    "missing": "E010",
    "string_type": "E011",
    "int_type": "E012",
    "int_parsing": "E012",
    "int_parsing_size": "E012",
    "int_from_float": "E012",
    "float_type": "E013",
    "float_parsing": "E013",
    "bool_type": "E014",
    "bool_parsing": "E014",
    "list_type": "E015",
    "dict_type": "E016",
    "model_type": "E016",
    "model_attributes_type": "E016",
    "date_type": "E017",
    "date_parsing": "E017",
    "date_from_datetime_parsing": "E017",
    "date_from_datetime_inexact": "E018",
    "greater_than_equal": "E019",
    "string_too_short": "E020",
    "too_short": "E020",
    "literal_error": "E021",
    "extra_forbidden": "E025",
    "less_than_equal": "E026",
    "greater_than": "E027",
    "string_too_long": "E028",
    "too_long": "E028",
}
_LIMITS = {"E019": "ge", "E026": "le", "E027": "gt", "E028": "max_length"}
_SLUG_CODE, _URL_CODE, _PATTERN_CODE, _OTHER_CODE = "E022", "E023", "E024", "E029"
_SHOWN_LENGTH = 40  # longer bad values are shortened in messages


def field_name(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def quoted(value: Any) -> Text | str:
    """The bad value as a message fragment (“2022-5-12” in Chinese), or "" when it is not a plain value."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, datetime.date, datetime.time)):
        return ""
    shown = str(value)
    if len(shown) > _SHOWN_LENGTH:
        shown = shown[: _SHOWN_LENGTH - 1] + "…"
    return Text("source.value", {"value": shown})


def diagnostic_of(error: dict[str, Any]) -> tuple[str, dict[str, object]]:
    """The catalog code and message parameters of one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind.startswith("wm_") and kind[3:] in catalog():  # raised by a schema with its code
        params = {name: value for name, value in ctx.items() if name != "at"}
        if "value" in params:
            params["value"] = quoted(params["value"])
        return kind[3:], params
    value = quoted(error.get("input"))
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == SLUG_PATTERN:
            return _SLUG_CODE, {"value": value}
        if pattern.startswith("^https?://"):
            return _URL_CODE, {"value": value}
        return _PATTERN_CODE, {"value": value, "pattern": pattern}
    if kind == "literal_error":
        return "E021", {"value": value, "allowed": re.findall(r"'([^']*)'", str(ctx.get("expected", "")))}
    code = _TYPE_CODES.get(kind)
    if code is None:
        return _OTHER_CODE, {"value": value if kind not in {"value_error", "assertion_error"} else "",
                             "detail": error["msg"].removeprefix("Value error, ")}
    params: dict[str, object] = {"value": value}
    if code in _LIMITS:
        params["limit"] = ctx.get(_LIMITS[code], "")
    return code, params


def report_validation_error(
    diagnostics: Diagnostics,
    path: Path,
    doc: YamlDocument,
    exc: pydantic.ValidationError,
    prefix: Loc = (),
) -> None:
    """Add one coded diagnostic per pydantic error, located by the YAML line map."""
    for error in exc.errors():
        loc = prefix + tuple(part for part in error["loc"] if not _is_union_tag(part))
        loc += tuple((error.get("ctx") or {}).get("at", ()))  # the list item or key inside the field
        code, params = diagnostic_of(error)
        diagnostics.add(code, path, line=doc.line_of(loc), field=field_name(loc) or None, **params)


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
            diagnostics.add("W003", path, line=doc.line_of(loc), field=field_name(loc),
                            suggestion=did_you_mean(key, fields))
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
