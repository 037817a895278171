"""Errors the CMS answers with: an HTTP status and a catalog message in the reader's language."""

from __future__ import annotations

from wenming.source.diagnostics import Diagnostic
from wenming.source.messages import render


class CmsError(Exception):
    """A request the CMS refuses. ``key`` names a message in the catalog (``cms.*``)."""

    def __init__(self, key: str, status: int = 400, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.status = status
        self.params = params

    @property
    def message(self) -> str:
        return render(self.key, self.params)

    def __str__(self) -> str:
        return self.message


class InvalidEntry(CmsError):
    """The edit does not validate: 422 with the diagnostics of ``build.py check --format json``."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("cms.invalid", 422, count=len(diagnostics))
        self.diagnostics = diagnostics


class StaleVersion(CmsError):
    """The entry changed since the client read it: 409 with the current entry, nothing overwritten."""

    def __init__(self, current: dict | None) -> None:
        super().__init__("cms.stale_version", 409)
        self.current = current
