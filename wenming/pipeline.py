"""The build recipe: read and validate, generate with Pelican, swap the output into place.

The site is generated into a staging directory next to the output and only
renamed into place when every stage succeeded, so a failed build leaves the
previously published site untouched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
from pelican import Pelican

from .build_cache import ManifestStore, MarkdownCache, code_fingerprint, input_manifest, markdown_fingerprint
from .diagnostics import ContentError, Diagnostic, Diagnostics, Severity
from .kiosk import write_kiosk
from .pelican_config import pelican_settings
from .search_index import SearchIndexError, index_site
from .site_model import SiteModel, load_site

Progress = Callable[[str], None]


@dataclasses.dataclass
class BuildResult:
    site_dir: Path
    model: SiteModel | None  # None when the build was skipped as up to date
    diagnostics: Diagnostics
    up_to_date: bool = False


# Output trees written next to site/ (the kiosk bundle, say): (name, writer(model, tree_dir, site_dir)).
# Each is staged with the site and swapped into place with it.
OUTPUT_TREES: list[tuple[str, Callable[[SiteModel, Path, Path], None]]] = [
    ("kiosk", write_kiosk),
]


def read_and_validate(content_dir: Path, as_of: datetime.date | None = None,
                      markdown_cache: dict[str, str] | None = None) -> SiteModel:
    """Stage 1: the content model, or ContentError with every problem found."""
    if not (content_dir / "data").is_dir():
        raise ContentError([Diagnostic(Severity.ERROR, str(content_dir),
                                       "not a content directory: it has no data/ registry folder")])
    model, diagnostics = load_site(content_dir, as_of, markdown_cache)
    if model is None:
        raise ContentError(diagnostics.sorted())
    return model


class _PelicanLogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _captured_pelican_logs() -> Iterator[_PelicanLogCollector]:
    logger = logging.getLogger("pelican")
    collector = _PelicanLogCollector()
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers, logger.propagate = [collector], False
    logger.setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def generate_site(model: SiteModel, site_dir: Path, cache_dir: Path | None = None) -> list[str]:
    """Stage 2: run Pelican and our plugins into ``site_dir``; returns Pelican's warnings.

    Any error Pelican logs (a file it could not process, a template problem)
    fails the build instead of silently producing a partial site.
    """
    settings = pelican_settings(model, site_dir, cache_dir)
    with (_captured_pelican_logs() as logs, open(os.devnull, "w") as devnull,
          contextlib.redirect_stdout(devnull)):
        try:
            Pelican(settings).run()
        except jinja2.TemplateError as exc:
            where = f"{exc.filename}:{exc.lineno}" if getattr(exc, "filename", None) else "theme"
            raise ContentError([Diagnostic(Severity.ERROR, where, f"template error: {exc}")]) from exc
    errors = [r.getMessage() for r in logs.records if r.levelno >= logging.ERROR]
    if errors:
        raise ContentError([Diagnostic(Severity.ERROR, "pelican", message) for message in errors])
    return [r.getMessage() for r in logs.records if r.levelno < logging.ERROR]


def swap_into_place(staged: Path, target: Path) -> None:
    """Last stage: replace ``target`` with ``staged`` (both on one file system)."""
    retired = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.rename(target, retired)
    os.rename(staged, target)
    shutil.rmtree(retired, ignore_errors=True)


def write_assets(model: SiteModel, site_dir: Path, cache_dir: Path, progress: Progress) -> None:
    """Stage 3: image variants (from the cache when unchanged) and the search index."""
    written, processed = model.images.write_used(site_dir, cache_dir / "images")
    progress(f"images: {written} variants ({processed} newly processed, the rest from the cache)")
    progress("indexing for search")
    try:
        progress(index_site(site_dir))
    except SearchIndexError as exc:
        raise ContentError([Diagnostic(Severity.ERROR, "search", str(exc))]) from exc


def build(content_dir: Path, output_dir: Path, progress: Progress = lambda message: None,
          as_of: datetime.date | None = None, force: bool = False) -> BuildResult:
    """The recipe: check for changes, read and validate, generate, write assets and extra trees, swap."""
    cache_dir = output_dir / ".cache"
    fingerprint = code_fingerprint()
    manifest = input_manifest(content_dir, fingerprint, as_of)
    manifests = ManifestStore(cache_dir)
    if not force and manifests.matches(manifest, output_dir / "site"):
        progress("nothing changed since the last build; the site is up to date")
        return BuildResult(output_dir / "site", None, Diagnostics(content_dir), up_to_date=True)
    markdown_cache = MarkdownCache(cache_dir, markdown_fingerprint())
    progress(f"reading and validating {content_dir}")
    model = read_and_validate(content_dir, as_of, markdown_cache.load())
    progress(f"validated {len(model.news)} reports ({len(model.published_news)} published), "
             f"{len(model.pages)} pages, {len(model.registry.units)} units")
    output_dir.mkdir(parents=True, exist_ok=True)
    manifests.forget()
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=output_dir))
    try:
        progress("generating the public site")
        for warning in generate_site(model, staging / "site", cache_dir):
            model.diagnostics.warning("pelican", warning)
        progress(f"generated {sum(1 for p in (staging / 'site').rglob('*') if p.is_file())} files")
        write_assets(model, staging / "site", cache_dir, progress)
        for name, write_tree in OUTPUT_TREES:
            progress(f"writing {name}")
            write_tree(model, staging / name, staging / "site")
        progress(f"swapping into {output_dir}")
        for name in ["site", *(name for name, _ in OUTPUT_TREES)]:
            swap_into_place(staging / name, output_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    markdown_cache.save(model.images.renderer.used_entries())
    manifests.save(manifest)
    return BuildResult(output_dir / "site", model, model.diagnostics)
