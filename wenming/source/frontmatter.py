"""Reading one content file: decode, split front matter, validate, privacy-scan."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
from pathlib import Path

import pydantic

from wenming.schema.base import CONTROL_CHARACTER, character_name
from wenming.schema.content import ContentModel
from wenming.source.diagnostics import Diagnostics
from wenming.source.privacy import report_private_text, report_private_values
from wenming.source.textfile import read_text_file
from wenming.source.validation import report_validation_error, warn_unknown_keys
from wenming.source.yamlsource import FrontMatterError, YamlDocument, split_front_matter

_DOC_PICKLE = "_doc_pickle"  # SourceFile's pickled state: its document, pickled apart


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

    def __getstate__(self) -> dict:
        """Pickled without its path: the cache of parsed files is keyed by it, and ``read_source`` gives a
        parsed file taken from there the path it was asked for (10,000 ``Path`` objects rebuilt from their
        parts cost ~0.15 s of every build that loads the cache). The front matter's document (its values with
        the line of each, for messages) is pickled apart, and unpickled when first asked for: a build reads
        it only to point at a line, and unpickling 10,000 of them took ~0.1-0.2 s of every build."""
        state = dict(self.__dict__)
        state.pop("path", None)
        if "doc" in state:
            state[_DOC_PICKLE] = pickle.dumps(state.pop("doc"), protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __getattr__(self, name: str):
        """``doc``, unpickled at first use (see __getstate__)."""
        if name == "doc" and _DOC_PICKLE in self.__dict__:
            self.doc = pickle.loads(self.__dict__.pop(_DOC_PICKLE))
            return self.doc
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @functools.cached_property
    def meta_digest(self) -> str:
        """A hash of the validated front matter. Worked out once: it is pickled with the parsed file into the
        cache of parsed files (wenming.build.entry_store) when that file is saved after it was asked for."""
        return hashlib.sha1(self.meta.model_dump_json().encode()).hexdigest()


# Parsed files kept between builds: path -> ((size, mtime, schema name), SourceFile). Only files
# that validated without any finding are kept, so a cache hit never hides a warning.
SourceCache = dict[str, tuple[tuple[int, int, str], SourceFile]]


def read_source(path: Path, model: type[ContentModel], diagnostics: Diagnostics,
                cache: SourceCache | None = None, found: tuple[int, int] | None = None) -> SourceFile | None:
    """Read and validate ``path`` against ``model``; report problems and return None on errors.

    With a ``cache``, an unchanged file (same size and modification time) is not parsed again. ``found``: the
    file's size and modification time when the build listed it (its stamp, wenming.build.cache), instead of
    asking again. A file changed since then is still read whole when not cached, and kept under that older
    stamp, which the next build no longer finds.
    """
    if cache is None:
        return _read_source(path, model, diagnostics)
    if found is None:
        try:
            stat = path.stat()
        except OSError:
            return _read_source(path, model, diagnostics)
        found = stat.st_size, stat.st_mtime_ns
    stamp = (*found, model.__name__)
    key = str(path)
    hit = cache.get(key)
    if hit is not None and hit[0] == stamp:
        hit[1].path = path  # pickled without it (see SourceFile.__getstate__)
        return hit[1]
    findings = len(diagnostics.items)
    source = _read_source(path, model, diagnostics)
    if source is not None and len(diagnostics.items) == findings:
        cache[key] = (stamp, source)
    return source


def _read_source(path: Path, model: type[ContentModel], diagnostics: Diagnostics) -> SourceFile | None:
    text = read_text_file(path, diagnostics)
    if text is None:
        return None
    return parse_source(path, text, model, diagnostics)


def parse_source(path: Path, text: str, model: type[ContentModel], diagnostics: Diagnostics) -> SourceFile | None:
    """Validate the text of the content file ``path`` (read already, or not yet written: the CMS)."""
    try:
        parsed = split_front_matter(text)
    except FrontMatterError as exc:
        exc.report(diagnostics, path)
        return None
    doc = parsed.meta
    warn_unknown_keys(diagnostics, path, doc, model, doc.data)
    # A personal number or a control character is an error (nothing is published while there is one), yet the
    # file is checked further: its registry names, pictures and links too, so that one run lists every mistake.
    report_private_values(diagnostics, path, doc)
    report_private_text(diagnostics, path, parsed.body, parsed.body_first_line, "body")
    _report_control_characters(diagnostics, path, parsed.body, parsed.body_first_line)
    try:
        meta = model.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        report_validation_error(diagnostics, path, doc, exc)
        return None
    return SourceFile(path, meta, doc, parsed.body, parsed.body_first_line)


def _report_control_characters(diagnostics: Diagnostics, path: Path, body: str, first_line: int) -> None:
    """Report a control character in the Markdown body (tabs and line breaks are fine)."""
    match = CONTROL_CHARACTER.search(body)
    if match is not None:
        diagnostics.add("E030", path, line=first_line + body.count("\n", 0, match.start()), field="body",
                        char=character_name(match.group()))
