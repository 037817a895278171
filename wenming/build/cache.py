"""Caches kept between builds in <output>/.cache/: rendered Markdown, parsed files, the input manifest.

All are keyed so that a stale entry cannot be used: rendered bodies by their
text and image hashes (see markup.MarkdownRenderer) and parsed files by their
size and modification time, each inside a file stamped with the code that
made them; the manifest by every input file's size and modification time,
the code, the date options and today's date.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import pickle
import threading
from importlib import metadata
from pathlib import Path

from wenming import PACKAGE_DIR, PROJECT_DIR


def code_fingerprint() -> str:
    """Hash of our code, theme and the versions of the libraries that shape the output."""
    digest = hashlib.sha256()
    for folder in (PACKAGE_DIR, PROJECT_DIR / "plugins", PROJECT_DIR / "theme"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PROJECT_DIR)).encode())
                digest.update(path.read_bytes())
    for package in ("pelican", "markdown", "pillow", "jinja2", "pagefind", "segno", "fonttools",
                    "pylopdf-fonts-zh-cn", "icalendar", "openpyxl"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()


def markdown_fingerprint() -> str:
    """Hash of what shapes rendered Markdown: our Markdown and image code and the library version."""
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


def source_cache(cache_dir: Path, fingerprint: str) -> PickledCache:
    """Parsed and validated content files, keyed by path, size and modification time."""
    return PickledCache(cache_dir / "sources.pickle", fingerprint)


Stamp = tuple[str, int, int]  # (path relative to content/, size, modification time in ns)


def content_stamps(content_dir: Path) -> list[Stamp]:
    """Every content file's stamp, in a stable order: what tells a build what changed."""
    stamps = []
    for root, folders, files in os.walk(content_dir):
        folders.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            stat = os.stat(path)
            stamps.append((os.path.relpath(path, content_dir), stat.st_size, stat.st_mtime_ns))
    return stamps


def input_manifest(stamps: list[Stamp], fingerprint: str, as_of: datetime.date | None) -> str:
    """Hash of everything a build reads: content files (path, size, mtime), code, options, today."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(f"as_of={as_of} today={datetime.date.today()}".encode())
    for relative, size, mtime in stamps:
        digest.update(f"{relative}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()


class ManifestStore:
    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / "manifest.json"

    def matches(self, manifest: str, site_dir: Path) -> bool:
        try:
            return site_dir.is_dir() and json.loads(self.path.read_text())["manifest"] == manifest
        except (OSError, ValueError, KeyError):
            return False

    def save(self, manifest: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"manifest": manifest}))

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
