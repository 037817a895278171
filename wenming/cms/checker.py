"""Checking an edit before it is written: the whole site is validated as if the file held the new text,
exactly as ``build.py check`` would validate it, and the findings about that file are returned.

Parsed files and rendered bodies are kept between checks (as between builds), so a check reads only
what changed on disk since the last one.
"""

from __future__ import annotations

import bisect
import os
import shutil
import tempfile
import threading
from pathlib import Path

from wenming.media.images import ImageStore
from wenming.media.markup import MarkdownRenderer
from wenming.model.hall import HALL_FILE
from wenming.model.news import resolve_news
from wenming.model.projects import load_projects
from wenming.model.registry import Registry, load_registry
from wenming.model.site import LoadCaches, LoadContext, known_slugs, load_site
from wenming.model.volunteers import load_volunteers
from wenming.schema.content import NewsReport
from wenming.schema.hall import HallConfig
from wenming.source.datafile import load_data_file
from wenming.source.diagnostics import Diagnostic, Diagnostics
from wenming.source.discovery import DirectoryScans, content_files, is_content_file
from wenming.source.frontmatter import SourceFile, read_source
from wenming.source.slugs import SlugClaims, slug_for


class ContentChecker:
    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir.resolve()
        self._caches = LoadCaches()
        self._lock = threading.Lock()
        self._registry: tuple[tuple, Registry | None] | None = None
        self._registry_lock = threading.Lock()
        self._scans = DirectoryScans()  # the reports' folders, listed again only when they changed
        self._slugs: dict[Path, tuple[tuple[int, int], str | None]] = {}  # report -> (size, mtime), its slug

    def display_path(self, path: Path) -> str:
        return Diagnostics(self.content_dir).display_path(path)

    def _errors(self, overlay: dict[Path, str | None]) -> list[Diagnostic]:
        with self._lock:
            _model, diagnostics = load_site(self.content_dir, caches=self._caches, overlay=overlay)
        return diagnostics.sorted()

    def check(self, path: Path, text: str) -> list[Diagnostic]:
        """The diagnostics about ``path`` if it held ``text``."""
        if _is_report(self.content_dir, path):
            return self._check_report(path, text)
        shown = self.display_path(path)
        return [d for d in self._errors({path: text}) if d.path == shown]

    def _check_report(self, path: Path, text: str) -> list[Diagnostic]:
        """check() of a report, without loading the whole site: what ``load_site`` says about a report comes
        from reading it, claiming its slug (taken when a report sorted before it holds the slug) and
        resolving it against the registry, the projects and the volunteers (the loaders run before reports);
        the later loaders report their own files only."""
        registry = self.registry()
        if registry is None:  # load_site stops at the registry: nothing is said about reports
            return []
        with self._lock:
            diagnostics = Diagnostics(self.content_dir)
            ctx = LoadContext(self.content_dir, registry, diagnostics,
                              MarkdownRenderer(ImageStore(self.content_dir), self._caches.markdown),
                              sources=self._caches.sources, overlay={path: text})
            load_volunteers(ctx)
            load_projects(ctx)
            source = ctx.read(path, NewsReport)
            if source is not None:
                slug = slug_for(source)
                claims = SlugClaims(diagnostics)
                holder = self._earlier_holder(path, slug)
                if holder is None or claims.claim(slug, holder) and claims.claim(slug, source):
                    known = known_slugs(ctx.collections)
                    resolve_news(source, registry, ctx.markdown, diagnostics, known,
                                 {folder: ctx.broken(folder) for folder in known})
        shown = self.display_path(path)
        return [d for d in diagnostics.sorted() if d.path == shown]

    def _earlier_holder(self, path: Path, slug: str) -> SourceFile | None:
        """The first valid report sorted before ``path`` whose slug is ``slug`` (it holds the slug when the
        site loads), from the slugs of the reports kept between checks by size and modification time."""
        for other in _reports_before(self.content_dir / "news", path, self._scans):
            if self._slug_of(other) == slug:
                return read_source(other, NewsReport, Diagnostics(self.content_dir), self._caches.sources)
        return None

    def _slug_of(self, report: Path) -> str | None:
        """The slug of ``report`` (None if it does not load), read again only when the file changed."""
        try:
            stat = os.stat(report)
        except OSError:
            return None
        stamp = (stat.st_size, stat.st_mtime_ns)
        known = self._slugs.get(report)
        if known is None or known[0] != stamp:
            source = read_source(report, NewsReport, Diagnostics(self.content_dir), self._caches.sources)
            known = self._slugs[report] = (stamp, slug_for(source) if source is not None else None)
        return known[1]

    def warm(self) -> None:
        """Read every report's slug, as the first check of a report would otherwise do while its editor waits
        (~5 s at 10,000 reports); later checks read only the reports changed since."""
        for report in content_files(self.content_dir / "news", scans=self._scans):
            with self._lock:
                self._slug_of(report)

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


def _is_report(content_dir: Path, path: Path) -> bool:
    return path.is_relative_to(content_dir / "news") and is_content_file(path)


def _reports_before(folder: Path, path: Path, scans: DirectoryScans) -> list[Path]:
    """The reports that the site loads before ``path`` (content_files sorts them as pathlib does: by parts)."""
    reports = content_files(folder, scans=scans)
    return reports[:bisect.bisect_left(reports, path)]


def _link(source: str, target: str) -> None:
    try:
        Path(target).hardlink_to(source)
    except OSError:
        shutil.copy2(source, target)
