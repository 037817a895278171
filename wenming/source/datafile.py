"""Reading one YAML data file (registry, quota rules, hall settings, services): decode, parse, validate.

Problems are reported with the file, line and field; unknown keys are warnings. Every value is
scanned for ID and mobile numbers, as in content files.
"""

from __future__ import annotations

import typing
from pathlib import Path

import pydantic

from wenming.source.diagnostics import Diagnostics
from wenming.source.privacy import report_private_values
from wenming.source.textfile import read_text_file
from wenming.source.validation import report_validation_error, warn_unknown_keys
from wenming.source.yamlsource import YamlDocument, YamlSyntaxError, parse_yaml


def read_yaml_file(path: Path, diagnostics: Diagnostics) -> YamlDocument | None:
    text = read_text_file(path, diagnostics)
    if text is None:
        return None
    try:
        return parse_yaml(text)
    except YamlSyntaxError as exc:
        exc.report(diagnostics, path)
        return None


def load_data_file(path: Path, schema: typing.Any, diagnostics: Diagnostics) -> tuple[typing.Any, YamlDocument] | None:
    """The validated value of ``path`` and its line map, or None when it has errors.

    ``schema`` is a pydantic model or ``list[Model]``.
    """
    doc = read_yaml_file(path, diagnostics)
    if doc is None:
        return None
    report_private_values(diagnostics, path, doc)  # errors stop the build; the value is still usable
    try:
        value = pydantic.TypeAdapter(schema).validate_python(doc.data)
    except pydantic.ValidationError as exc:
        report_validation_error(diagnostics, path, doc, exc)
        return None
    if isinstance(schema, type):
        warn_unknown_keys(diagnostics, path, doc, schema, doc.data)
    else:
        item_model = typing.get_args(schema)[0]
        for index, item in enumerate(doc.data or []):
            warn_unknown_keys(diagnostics, path, doc, item_model, item, (index,))
    return value, doc
