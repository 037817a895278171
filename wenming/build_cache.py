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
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


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
        digest.update((PACKAGE_DIR / name).read_bytes())
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
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump((self.fingerprint, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def markdown_cache(cache_dir: Path) -> PickledCache:
    """Rendered Markdown bodies, keyed by their text and image hashes (see markup.MarkdownRenderer)."""
    return PickledCache(cache_dir / "markdown.pickle", markdown_fingerprint())


def source_cache(cache_dir: Path, fingerprint: str) -> PickledCache:
    """Parsed and validated content files, keyed by path, size and modification time."""
    return PickledCache(cache_dir / "sources.pickle", fingerprint)


def input_manifest(content_dir: Path, fingerprint: str, as_of: datetime.date | None) -> str:
    """Hash of everything a build reads: content files (path, size, mtime), code, options, today."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(f"as_of={as_of} today={datetime.date.today()}".encode())
    for root, folders, files in os.walk(content_dir):
        folders.sort()
        for name in sorted(files):
            stat = os.stat(os.path.join(root, name))
            digest.update(f"{os.path.relpath(os.path.join(root, name), content_dir)}\0{stat.st_size}\0"
                          f"{stat.st_mtime_ns}\n".encode())
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
