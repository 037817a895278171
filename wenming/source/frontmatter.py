"""Reading one content file: decode, split front matter, validate, privacy-scan."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pydantic

from wenming.schema.content import ContentModel
from wenming.source.diagnostics import Diagnostics
from wenming.source.privacy import scan_text
from wenming.source.textfile import UndecodableFile, decode_content
from wenming.source.validation import report_validation_error, warn_unknown_keys
from wenming.source.yamlsource import FrontMatterError, Loc, YamlDocument, split_front_matter


@dataclasses.dataclass
class SourceFile:
    """A validated content file, before registry references are resolved."""

    path: Path
    meta: ContentModel
    doc: YamlDocument
    body: str
    body_first_line: int

    def line_of(self, *loc: str | int) -> int | None:
        return self.doc.line_of(tuple(loc))


# Parsed files kept between builds: path -> ((size, mtime, schema name), SourceFile). Only files
# that validated without any finding are kept, so a cache hit never hides a warning.
SourceCache = dict[str, tuple[tuple[int, int, str], SourceFile]]


def read_source(path: Path, model: type[ContentModel], diagnostics: Diagnostics,
                cache: SourceCache | None = None) -> SourceFile | None:
    """Read and validate ``path`` against ``model``; report problems and return None on errors.

    With a ``cache``, an unchanged file (same size and modification time) is not parsed again.
    """
    if cache is None:
        return _read_source(path, model, diagnostics)
    try:
        stat = path.stat()
    except OSError:
        return _read_source(path, model, diagnostics)
    stamp = (stat.st_size, stat.st_mtime_ns, model.__name__)
    key = str(path)
    hit = cache.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    findings = len(diagnostics.items)
    source = _read_source(path, model, diagnostics)
    if source is not None and len(diagnostics.items) == findings:
        cache[key] = (stamp, source)
    return source


def _read_source(path: Path, model: type[ContentModel], diagnostics: Diagnostics) -> SourceFile | None:
    try:
        decoded = decode_content(path.read_bytes())
    except UndecodableFile as exc:
        diagnostics.error(path, str(exc))
        return None
    except OSError as exc:
        diagnostics.error(path, f"cannot read file: {exc.strerror}")
        return None
    if decoded.warning:
        diagnostics.warning(path, decoded.warning)
    try:
        parsed = split_front_matter(decoded.text)
    except FrontMatterError as exc:
        diagnostics.error(path, str(exc), line=exc.line)
        return None
    doc = parsed.meta
    warn_unknown_keys(diagnostics, path, doc, model, doc.data)
    found_private = _scan_privacy(path, doc, parsed.body, parsed.body_first_line, diagnostics)
    try:
        meta = model.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        report_validation_error(diagnostics, path, doc, exc)
        return None
    if found_private:
        return None
    return SourceFile(path, meta, doc, parsed.body, parsed.body_first_line)


def _strings(value: Any, loc: Loc = ()):
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, loc + (str(key),))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, loc + (index,))


def _scan_privacy(path: Path, doc: YamlDocument, body: str, body_line: int, diagnostics: Diagnostics) -> bool:
    found = False
    for loc, text in _strings(doc.data):
        for finding in scan_text(text):
            found = True
            diagnostics.error(path, finding.message, line=doc.line_of(loc), field=".".join(map(str, loc)))
    for finding in scan_text(body):
        found = True
        diagnostics.error(path, finding.message, line=body_line + finding.line_offset, field="body")
    return found
