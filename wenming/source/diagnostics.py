"""Content diagnostics: errors and warnings that name the file, line and field."""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One finding about one place in the content."""

    severity: Severity
    path: str
    message: str
    line: int | None = None
    field: str | None = None

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {self.severity.value}: {what}"

    def as_dict(self) -> dict:
        return {
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
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

    def error(self, path, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.items.append(Diagnostic(Severity.ERROR, self.display_path(path), message, line, field))

    def warning(self, path, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.items.append(Diagnostic(Severity.WARNING, self.display_path(path), message, line, field))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.path, d.line or 0, d.severity.value))


class ContentError(Exception):
    """Raised when content cannot be built; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))
