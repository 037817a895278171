"""YAML parsing that keeps line numbers, and front matter splitting.

Every mapping key and sequence item gets the line it starts on, so that a
validation error on ``publications.1.outlet`` can point at its line.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

import yaml

Loc = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclasses.dataclass
class YamlDocument:
    data: object
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int | None:
        """Line of the deepest known prefix of ``loc``."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader (libyaml's C parser when present) that reads dates and keeps 'yes'/'no' as text."""


# YAML 1.1 booleans like 'yes'/'on' surprise editors; only true/false are booleans.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _timestamp_as_date_or_text(loader, node):
    """Dates become datetime.date; an impossible date (2022-02-30) stays text for the schema to report."""
    try:
        value = loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value
    return value.date() if isinstance(value, datetime.datetime) and len(node.value) <= 10 else value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_date_or_text)


def parse_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; ``first_line`` is the file line of ``text``'s first line."""
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + offset if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        detail = f"{context}, {problem}" if context else problem
        raise YamlSyntaxError(f"YAML syntax error: {detail}", line) from None
    if node is None:
        return YamlDocument(None, {(): first_line})
    lines: dict[Loc, int] = {}
    _record_lines(node, (), lines, offset)
    loader = _Loader("")
    try:
        data = loader.construct_document(node)
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + offset if mark is not None else None
        raise YamlSyntaxError(f"YAML value error: {getattr(exc, 'problem', exc)}", line) from None
    finally:
        loader.dispose()
    return YamlDocument(data, lines)


def _record_lines(node, loc: Loc, lines: dict[Loc, int], offset: int) -> None:
    lines.setdefault(loc, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = loc + (str(key_node.value),)
            lines[key] = key_node.start_mark.line + 1 + offset
            _record_lines(value_node, key, lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, loc + (index,), lines, offset)


@dataclasses.dataclass
class FrontMatterFile:
    meta: YamlDocument
    body: str
    body_first_line: int


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def split_front_matter(text: str) -> FrontMatterFile:
    """Split ``---``-delimited YAML front matter from the Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            "file must start with a front matter block: a line '---', YAML fields, and another '---'", 1
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            meta_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            try:
                meta = parse_yaml(meta_text, first_line=2)
            except YamlSyntaxError as exc:
                raise FrontMatterError(str(exc), exc.line) from None
            if meta.data is None:
                meta.data = {}
            if not isinstance(meta.data, dict):
                raise FrontMatterError("front matter must be YAML 'key: value' lines", 2)
            return FrontMatterFile(meta, body, index + 2)
    raise FrontMatterError("front matter is not closed: add a line '---' after the last field", 1)
