"""Content diagnostics: errors and warnings with a stable code, naming the file, line and field.

The text of each code lives in the message catalog (wenming.source.messages); a diagnostic keeps
the code and its parameters and is rendered in the reader's language when shown:

    content/news/2022/05/x.md:4: error[E201]: units.0: “城北街办”不是登记的单位。您是不是要写“城北街道”？…
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from pathlib import Path

from wenming.source.messages import Text, catalog, render


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One finding about one place in the content."""

    severity: Severity
    path: str
    code: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)
    line: int | None = None
    field: str | None = None
    follow_on: bool = False  # a consequence of another error (reported after the causes)

    @classmethod
    def of(cls, code: str, path: str, *, line: int | None = None, field: str | None = None,
           follow_on: bool = False, **params: object) -> Diagnostic:
        """The diagnostic ``code`` (its severity from the catalog) with the message's parameters."""
        severity = Severity(catalog()[code].severity)
        return cls(severity, path, code, params, line, field, follow_on)

    def message_in(self, language: str | None = None) -> str:
        text = render(self.code, self.params, language)
        return text + render("hint.follow_on", lang=language) if self.follow_on else text

    @property
    def message(self) -> str:
        return self.message_in()

    def format(self, language: str | None = None) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        message = self.message_in(language)
        what = f"{self.field}: {message}" if self.field else message
        return f"{where}: {self.severity.value}[{self.code}]: {what}"

    def as_dict(self, language: str | None = None) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message_in(language),
            "follow_on": self.follow_on,
        }


class Diagnostics:
    """Collects findings from every stage so that one run reports all of them."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.items: list[Diagnostic] = []

    def display_path(self, path: Path | str) -> str:
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve().parent).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def add(self, code: str, path, *, line: int | None = None, field: str | None = None,
            follow_on: bool = False, **params: object) -> None:
        """Record the diagnostic ``code`` about ``path``; its severity comes from the catalog."""
        self.items.append(Diagnostic.of(code, self.display_path(path), line=line, field=field,
                                        follow_on=follow_on, **params))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        """Causes first, then follow-on errors; each group by file and line."""
        return sorted(self.items, key=lambda d: (d.follow_on, d.path, d.line or 0, d.severity.value))


class ContentError(Exception):
    """Raised when content cannot be built; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))


__all__ = ["ContentError", "Diagnostic", "Diagnostics", "Severity", "Text"]
