"""Checking an edit before it is written: the whole site is validated as if the file held the new text,
exactly as ``build.py check`` would validate it, and the findings about that file are returned.

Parsed files and rendered bodies are kept between checks (as between builds), so a check reads only
what changed on disk since the last one.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from wenming.model.hall import HALL_FILE
from wenming.model.registry import Registry, load_registry
from wenming.model.site import LoadCaches, load_site
from wenming.schema.hall import HallConfig
from wenming.source.datafile import load_data_file
from wenming.source.diagnostics import Diagnostic, Diagnostics


class ContentChecker:
    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir.resolve()
        self._caches = LoadCaches()
        self._lock = threading.Lock()
        self._registry: tuple[tuple, Registry | None] | None = None
        self._registry_lock = threading.Lock()

    def display_path(self, path: Path) -> str:
        return Diagnostics(self.content_dir).display_path(path)

    def _errors(self, overlay: dict[Path, str | None]) -> list[Diagnostic]:
        with self._lock:
            _model, diagnostics = load_site(self.content_dir, caches=self._caches, overlay=overlay)
        return diagnostics.sorted()

    def check(self, path: Path, text: str) -> list[Diagnostic]:
        """The diagnostics about ``path`` if it held ``text``."""
        shown = self.display_path(path)
        return [d for d in self._errors({path: text}) if d.path == shown]

    def check_removal(self, path: Path) -> list[Diagnostic]:
        """The errors that deleting ``path`` would cause in other files (those naming it)."""
        def key(d: Diagnostic) -> tuple:
            return d.path, d.line, d.code, d.field

        before = {key(d) for d in self._errors({}) if d.severity.value == "error"}
        return [d for d in self._errors({path: None}) if d.severity.value == "error" and key(d) not in before]

    def check_data_file(self, path: Path, text: str) -> list[Diagnostic]:
        """The errors the whole site would have with a data file (content/data/…) changed to ``text``.

        Data files are read by many loaders, so the check runs on a copy of the content folder whose
        files are hard links (nothing is copied but the one file).
        """
        relative = path.relative_to(self.content_dir)
        with tempfile.TemporaryDirectory(prefix="wenming-check-") as temporary:
            view = Path(temporary) / self.content_dir.name
            shutil.copytree(self.content_dir, view, copy_function=_link, ignore=shutil.ignore_patterns(".git"))
            target = view / relative
            target.unlink(missing_ok=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            _model, diagnostics = load_site(view)
        return [d for d in diagnostics.sorted() if d.severity.value == "error"]

    def hall_sections(self) -> list[dict]:
        """The hall's sections (id and name) from content/data/hall.yml, for the exhibit form."""
        path = self.content_dir / "data" / HALL_FILE
        if not path.is_file():
            return []
        loaded = load_data_file(path, HallConfig, Diagnostics(self.content_dir))
        return [] if loaded is None else [{"id": s.id, "name": s.name} for s in loaded[0].sections]

    def registry(self) -> Registry | None:
        """The registry, read again only when a file under data/ changed (every request asks for it)."""
        data = self.content_dir / "data"
        stamp = tuple((str(p), s.st_mtime_ns, s.st_size) for p in sorted(data.rglob("*.y*ml")) for s in [p.stat()])
        with self._registry_lock:  # not the check lock: a request must not wait for another's site check
            if self._registry is None or self._registry[0] != stamp:
                self._registry = (stamp, load_registry(data, Diagnostics(self.content_dir)))
            return self._registry[1]


def _link(source: str, target: str) -> None:
    try:
        Path(target).hardlink_to(source)
    except OSError:
        shutil.copy2(source, target)
