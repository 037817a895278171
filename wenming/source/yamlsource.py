"""YAML parsing that keeps line numbers, and front matter splitting.

Every mapping key and sequence item gets the line it starts on, so that a
validation error on ``publications.1.outlet`` can point at its line.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

import yaml

from wenming.source.textfile import SourceProblem

Loc = tuple[str | int, ...]

# Aliases (*name) share nodes; a document whose aliases expand to more values than this is refused
# (a "billion laughs" bomb would otherwise exhaust memory). Real content has a few hundred values.
MAX_EXPANDED_VALUES = 100_000


class YamlSyntaxError(SourceProblem):
    """The YAML cannot be read (E003, E004), or its aliases expand too far (E008) or loop (E009)."""


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
    except yaml.reader.ReaderError as exc:
        # libyaml refuses control characters; its position is a byte offset into the UTF-8 text
        line = text.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n") + 1 + offset
        character = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlSyntaxError("E030", line, char=f"U+{character:04X}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + offset if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        detail = f"{context}, {problem}" if context else problem
        raise YamlSyntaxError("E003", line, detail=detail) from None
    if node is None:
        return YamlDocument(None, {(): first_line})
    _expanded_size(node, {}, offset)
    lines: dict[Loc, int] = {}
    _record_lines(node, (), lines, offset)
    loader = _Loader("")
    try:
        data = loader.construct_document(node)
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + offset if mark is not None else None
        raise YamlSyntaxError("E004", line, detail=getattr(exc, "problem", None) or str(exc)) from None
    finally:
        loader.dispose()
    return YamlDocument(data, lines)


def _expanded_size(node, sizes: dict[int, int | None], offset: int) -> int:
    """The number of values ``node`` stands for with every alias written out (each node counted once).

    Raises YamlSyntaxError when that exceeds MAX_EXPANDED_VALUES or an alias refers to its own block.
    """
    key = id(node)
    if key in sizes:
        size = sizes[key]
        if size is None:
            raise YamlSyntaxError("E009", node.start_mark.line + 1 + offset)
        return size
    sizes[key] = None  # being counted: meeting it again is a loop
    total = 1
    if isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        children = []
    for child in children:
        total += _expanded_size(child, sizes, offset)
        if total > MAX_EXPANDED_VALUES:
            raise YamlSyntaxError("E008", node.start_mark.line + 1 + offset, limit=MAX_EXPANDED_VALUES)
    sizes[key] = total
    return total


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


class FrontMatterError(SourceProblem):
    """The front matter block is missing (E005), not closed (E006), not fields (E007) or not YAML."""


def split_front_matter(text: str) -> FrontMatterFile:
    """Split ``---``-delimited YAML front matter from the Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError("E005", 1)
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            meta_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            try:
                meta = parse_yaml(meta_text, first_line=2)
            except YamlSyntaxError as exc:
                raise FrontMatterError(exc.code, exc.line, **exc.params) from None
            if meta.data is None:
                meta.data = {}
            if not isinstance(meta.data, dict):
                raise FrontMatterError("E007", 2)
            return FrontMatterFile(meta, body, index + 2)
    raise FrontMatterError("E006", 1)
