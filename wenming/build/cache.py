"""Caches kept between builds in <output>/.cache/: rendered Markdown, parsed files, the input manifest.

All are keyed so that a stale entry cannot be used: rendered bodies by their
text and image hashes (see markup.MarkdownRenderer) and parsed files by their
size and modification time, each inside a file stamped with the code that
made them; the manifest by every input file's size and modification time,
the code, the date options and today's date, and valid until the next start or end of an activity.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import functools
import hashlib
import json
import os
import pickle
import sys
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from wenming import PACKAGE_DIR, PROJECT_DIR, THEME_DIR
from wenming.build.entry_store import EntryStore

# Where our code lives. Python modules (and the message catalogs) are loaded once per process; the
# theme's templates and static files are read again by every build.
CODE_FOLDERS = (PACKAGE_DIR, PROJECT_DIR / "plugins")
THEME_FOLDERS = (THEME_DIR,)
# Every installed distribution whose version can change what a build writes: the dependencies in
# pyproject.toml (pypinyin makes slugs, pydantic and PyYAML read and validate the content, …) and those
# of their own dependencies that do (pydantic-core validates for pydantic, MarkupSafe escapes for Jinja,
# Pagefind's extended binary indexes the search, blinker delivers the signals the sitemap is made from).
# tests/test_cache_fingerprint.py checks the list against pyproject.toml.
OUTPUT_LIBRARIES = (
    "pelican", "blinker", "markdown", "pyyaml", "pydantic", "pydantic-core", "pypinyin", "pillow", "jinja2",
    "markupsafe", "xlsxwriter", "icalendar", "pagefind", "pagefind-bin-extended", "segno", "fonttools",
    "pylopdf-fonts-zh-cn",
)
# Dependencies that shape no output (the file watcher of ``build.py serve``).
# serve, the CMS and the editors' handbook (which is not the site)
TOOL_LIBRARIES = ("watchdog", "fastapi", "uvicorn", "python-multipart", "argon2-cffi", "nh3", "mkdocs",
                  "mkdocs-material", "jieba")


def _tree_digest(folders: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                try:
                    data = path.read_bytes()
                except FileNotFoundError:  # an editor's scratch file, gone since the folder was listed
                    continue
                digest.update(str(path.relative_to(PROJECT_DIR)).encode())
                digest.update(data)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """The installed version of each library that shapes the output (and of Python)."""
    versions = {"python": sys.version}
    for package in OUTPUT_LIBRARIES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def code_on_disk() -> str:
    """Hash of our Python code (and message catalogs) as the files are now, and of the installed libraries."""
    digest = hashlib.sha256(_tree_digest(CODE_FOLDERS).encode())
    for package, version in library_versions().items():
        digest.update(f"\0{package}={version}".encode())
    return digest.hexdigest()


@functools.cache
def loaded_code() -> str:
    """Hash of the code this process runs: ``code_on_disk()`` at its first call, early in the process.

    Modules are imported once, so a file edited later changes the files but not the code that builds;
    caches must be stamped with the code that made them (``build.py serve`` restarts itself when the
    code on disk no longer matches, see wenming.preview.restart).
    """
    return code_on_disk()


def code_fingerprint() -> str:
    """Hash of the code this process runs, the theme as it is now and the libraries that shape the output."""
    return hashlib.sha256(f"{loaded_code()}\0{_tree_digest(THEME_FOLDERS)}".encode()).hexdigest()


@functools.cache
def markdown_fingerprint() -> str:
    """Hash of what shapes rendered Markdown: our Markdown and image code and the library version (as this
    process loaded them: hashed at the first call, like ``loaded_code``)."""
    digest = hashlib.sha256()
    for name in ("markup.py", "images.py"):
        digest.update((PACKAGE_DIR / "media" / name).read_bytes())
    digest.update(metadata.version("markdown").encode())
    return digest.hexdigest()


class PickledCache:
    """A dict saved between builds in one file, discarded when the code that filled it changes."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint

    def load(self) -> dict:
        try:
            with self.path.open("rb") as handle:
                stamp, entries = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
            return {}
        return entries if stamp == self.fingerprint else {}

    def save(self, entries: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # serve saves from threads
        with temporary.open("wb") as handle:
            pickle.dump((self.fingerprint, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def markdown_cache(cache_dir: Path) -> PickledCache:
    """Rendered Markdown bodies, keyed by their text and image hashes (see markup.MarkdownRenderer)."""
    return PickledCache(cache_dir / "markdown.pickle", markdown_fingerprint())


def pinyin_cache(cache_dir: Path, fingerprint: str) -> PickledCache:
    """Words of Chinese names already read as pinyin (see slugs.remember_words): pypinyin's version is in the
    code fingerprint."""
    return PickledCache(cache_dir / "pinyin.pickle", fingerprint)


def inspections_cache(cache_dir: Path, fingerprint: str) -> PickledCache:
    """Pictures already inspected (size, alpha, digest), by file stamp (see images.remember_inspections)."""
    return PickledCache(cache_dir / "inspected.pickle", fingerprint)


def source_cache(cache_dir: Path, fingerprint: str) -> EntryStore:
    """Parsed and validated content files, keyed by path, size and modification time (a row per file:
    a rebuild writes the files it parsed again, not all of them)."""
    return EntryStore(cache_dir / "sources.sqlite3", fingerprint)


Stamp = tuple[str, int, int]  # (path relative to content/, size, modification time in ns)


def content_relative(content_dir: str | os.PathLike) -> Callable[[str | os.PathLike], str]:
    """A function giving a source file's path relative to ``content_dir``, as stamps name it (a slice of
    the absolute path, not relpath's ~10 µs a call: it runs for every report several times a build). Its
    answers are remembered, and so is the function, per folder (named by a string or a Path alike); for a
    relative path (``build --content c`` hands Pelican relative paths) with the working folder it was given in."""
    return _relative_to(os.fspath(content_dir))


@functools.lru_cache(maxsize=8)
def _relative_to(content_dir: str) -> Callable[[str | os.PathLike], str]:
    top = os.path.join(os.path.abspath(content_dir), "")
    known: dict[str | os.PathLike | tuple[str, str], str] = {}

    def relative(source: str | os.PathLike) -> str:
        found = known.get(source)  # an absolute path asked for before, as it was given (a str or a Path)
        if found is not None:
            return found
        given, source = source, os.fspath(source)
        absolute = os.path.isabs(source)
        key = source if absolute else (os.getcwd(), source)  # a relative one, with where it was given
        found = known.get(key)
        if found is None:
            path = os.path.abspath(source)
            found = known[key] = path[len(top):] if path.startswith(top) else os.path.relpath(path, top)
        if absolute:
            known[given] = found
        return found

    return relative


def content_stamps(content_dir: Path) -> list[Stamp]:
    """Every content file's stamp, in a stable order: what tells a build what changed."""
    stamps = []
    top = os.fspath(content_dir)
    for root, folders, files in os.walk(top):
        folders.sort()
        # os.walk's folders start with ``top``: slicing is what relpath would give, without its ~10 µs a call
        folder = root[len(top):].lstrip(os.sep)
        for name in sorted(files):
            stat = os.stat(os.path.join(root, name))
            stamps.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return stamps


def found_files(content_dir: Path, stamps: list[Stamp]) -> dict[str, tuple[int, int]]:
    """The stamps by the path the content loader names a file with (``content_dir / relative``, as a string):
    the loader then need not ask each file's size and modification time again (wenming.model.site.LoadCaches)."""
    top = os.fspath(content_dir)
    return {os.path.join(top, relative): (size, mtime) for relative, size, mtime in stamps}


def input_manifest(stamps: list[Stamp], fingerprint: str, as_of: datetime.date | None) -> str:
    """Hash of everything a build reads: content files (path, size, mtime), code, options, today.

    The time of day matters too (an activity that has started is 进行中): see Timeline and ManifestStore.
    """
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(f"as_of={as_of} today={datetime.date.today()}".encode())
    for relative, size, mtime in stamps:
        digest.update(f"{relative}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class Timeline:
    """The moments at which pages that show "now" change: when an activity starts (未开始 → 进行中),
    when it ends (→ 已结束, and it moves from the upcoming to the recent list) and midnight (the
    calendar's 今天).

    A page rendered with ``now`` is keyed by ``state(now)`` (which of these moments have passed), and a
    build is up to date only until ``next_change(now)``.
    """

    starts: tuple[datetime.datetime, ...] = ()
    ends: tuple[datetime.datetime, ...] = ()

    @classmethod
    def of(cls, events) -> Timeline:
        """The timeline of activities (anything with ``start`` and ``end`` datetimes)."""
        events = list(events)
        return cls(tuple(sorted(e.start for e in events)), tuple(sorted(e.end for e in events)))

    def state(self, now: datetime.datetime) -> str:
        """What a page shown at ``now`` depends on: the day, how many activities have started
        (``start <= now``) and how many have ended (``end < now``)."""
        started = bisect.bisect_right(self.starts, now)
        ended = bisect.bisect_left(self.ends, now)
        return f"day={now.date()} started={started} ended={ended}"

    def next_change(self, now: datetime.datetime) -> datetime.datetime:
        """The first moment after ``now`` at which ``state`` may differ: the next start, end or midnight."""
        midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time.min, now.tzinfo)
        candidates = [midnight]
        position = bisect.bisect_right(self.starts, now)
        if position < len(self.starts):
            candidates.append(self.starts[position])
        position = bisect.bisect_left(self.ends, now)
        if position < len(self.ends):
            candidates.append(self.ends[position])
        return min(candidates)


class ManifestStore:
    """The manifest of the build whose output is in place, and until when that output is current
    (the next change of a time-dependent page; none when the build was made for a fixed ``--as-of`` date)."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / "manifest.json"

    def matches(self, manifest: str, site_dir: Path, now: datetime.datetime | None = None) -> bool:
        try:
            recorded = json.loads(self.path.read_text())
            if not site_dir.is_dir() or recorded["manifest"] != manifest:
                return False
            until = recorded.get("valid_until")
            if until is None:
                return True
            now = now or datetime.datetime.now(datetime.timezone.utc)
            return now < datetime.datetime.fromisoformat(until)
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def valid_until(self) -> datetime.datetime | None:
        """Until when the output in place is current (None: until its inputs change)."""
        try:
            until = json.loads(self.path.read_text()).get("valid_until")
            return datetime.datetime.fromisoformat(until) if until else None
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def save(self, manifest: str, valid_until: datetime.datetime | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        until = valid_until.isoformat() if valid_until is not None else None
        self.path.write_text(json.dumps({"manifest": manifest, "valid_until": until}))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
