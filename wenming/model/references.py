"""Resolving the registry names, pictures and slugs one content file refers to, reporting each
problem at its line (used by the volunteer, project, activity and service loaders)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from wenming.media.images import ImageProblem, ImageStore
from wenming.media.markup import MarkdownRenderer, body_problems
from wenming.model.registry import Named, Registry, Unit
from wenming.source.diagnostics import Diagnostics
from wenming.source.frontmatter import SourceFile
from wenming.source.messages import Text
from wenming.source.suggest import allowed_list, did_you_mean
from wenming.source.yamlsource import Loc, YamlDocument


class References:
    """Checks the references of one file (or of one entry of a YAML list at ``prefix``)."""

    def __init__(self, path: Path, doc: YamlDocument | SourceFile, registry: Registry, diagnostics: Diagnostics,
                 prefix: Loc = ()) -> None:
        """``doc``: the front matter's document, or the parsed file that holds it (whose document a file taken
        from the build's cache unpickles only when it is asked for: here, when a problem needs its line)."""
        self.path = path
        self._doc = doc
        self.registry = registry
        self.diagnostics = diagnostics
        self.prefix = prefix
        self.ok = True

    def line_of(self, *loc: str | int) -> int | None:
        doc = self._doc.doc if isinstance(self._doc, SourceFile) else self._doc
        return doc.line_of(self.prefix + loc)

    def error(self, code: str, *loc: str | int, line: int | None = None, follow_on: bool = False,
              **params: object) -> None:
        """Record the error ``code`` at the field ``loc`` (at ``line`` when the field has none, as in a body)."""
        self.ok = False
        self.warning(code, *loc, line=line, follow_on=follow_on, **params)

    def warning(self, code: str, *loc: str | int, line: int | None = None, follow_on: bool = False,
                **params: object) -> None:
        """Record ``code`` at the field ``loc`` without failing the file (for a warning code)."""
        field = ".".join(str(part) for part in self.prefix + loc) or None
        self.diagnostics.add(code, self.path, line=line or self.line_of(*loc), field=field, follow_on=follow_on,
                             **params)

    def unit(self, value: str, *loc: str | int) -> Unit | None:
        unit = self.registry.unit(value)
        if unit is None:
            hint = did_you_mean(value, self.registry.unit_choices(), lambda m: self.registry.unit(m).name)
            self.error("E201", *loc, value=value, hint=hint)
        return unit

    def named(self, value: str | None, entries: list[Named], what: str, *loc: str | int) -> Named | None:
        if value is None:
            return None
        match = next((e for e in entries if e.name == value), None)
        if match is None:
            names = [e.name for e in entries]
            self.error("E202", *loc, value=value, what=Text(f"noun.{what}"), hint=did_you_mean(value, names),
                       allowed=allowed_list(names))
        return match

    def village(self, value: str | None, unit: Unit | None, *loc: str | int) -> str | None:
        if value is None or unit is None:
            return None
        if not unit.is_town:
            self.error("E203", *loc, value=value, unit=unit.name)
            return None
        if unit.village(value) is None:
            names = [v.name for v in unit.villages]
            self.error("E204", *loc, value=value, unit=unit.name, hint=did_you_mean(value, names))
            return None
        return value

    def image(self, value: str | None, images: ImageStore, *loc: str | int) -> str | None:
        if value is None:
            return None
        try:
            images.inspect(value)
        except ImageProblem as exc:
            self.error(exc.code, *loc, **exc.params)
            return None
        return value

    def body(self, source: SourceFile, markdown: MarkdownRenderer) -> None:
        """The body's pictures and embedded resources (wenming.media.markup.body_problems, E301-E308)."""
        for problem in body_problems(source.body, markdown):
            self.error(problem.code, "body", line=source.body_first_line + problem.offset, **problem.params)

    def slug(self, value: str | None, known: Collection[str], what: str, folder: str, *loc: str | int,
             broken: Collection[str] = ()) -> str | None:
        """``value`` when it is the slug of a loaded ``what`` of ``content/<folder>/``.

        A slug in ``broken`` belongs to a file of that folder that has errors of its own: the error
        here is reported as following from those.
        """
        if value is None:
            return None
        if value in broken and value not in known:
            self.error("E206", *loc, follow_on=True, value=value, what=Text(f"noun.{what}"), folder=folder)
            return None
        if value not in known:
            self.error("E205", *loc, value=value, what=Text(f"noun.{what}"), hint=did_you_mean(value, known),
                       folder=folder)
            return None
        return value
