"""Errors the CMS answers with: an HTTP status and a catalog message in the reader's language."""

from __future__ import annotations

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
