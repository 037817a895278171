"""Finding content files: the one place that decides which files of a content folder are read."""

from __future__ import annotations

import functools
import os
import threading
import time
from pathlib import Path

from wenming.source.diagnostics import Diagnostics

CONTENT_SUFFIXES = (".md", ".markdown")
SKIPPED_PREFIX = "_"  # files kept beside the content but not published (templates, notes)


def is_content_file(path: Path) -> bool:
    """A Markdown file that is read (not hidden, not set aside with a leading underscore)."""
    return path.suffix in CONTENT_SUFFIXES and not path.name.startswith((".", SKIPPED_PREFIX))


@functools.lru_cache(maxsize=1 << 16)
def _path(text: str) -> Path:
    """The Path of a file found before, made once: a process that lists its content again and again (the CMS,
    for each list request and build) spent ~0.1 s a listing at 10,000 reports making the same Paths."""
    return Path(text)


class DirectoryScans:
    """Folder listings kept between calls of ``content_files`` by a process that lists the same content again
    and again (the CMS: every list request and every check of a report at 10,000 reports walked ~200 folders
    and sorted 10,000 paths, ~0.15 s). A folder's listing is reused while its modification time is the one it
    had when it was listed: adding, removing or renaming a file or folder in it changes that time. As git does
    for its index ("racily clean" entries), a listing is trusted only if the folder's time was already RACY_NS
    old when it was read: the clock that stamps folders ticks coarsely, so a change in the same tick as an
    earlier one could leave the time as it was. A changed file keeps its name: its content is the caller's to
    check (EntryFiles, ContentChecker)."""

    RACY_NS = 2_000_000_000
    _FOLDER, _CONTENT, _SET_ASIDE = 0, 1, 2

    def __init__(self) -> None:
        # folder -> (its time, its entries sorted by name: (name, kind, path), Markdown files and subfolders only)
        self._known: dict[str, tuple[int, list[tuple[str, int, Path | None]]]] = {}
        self._lock = threading.Lock()

    def files(self, top: str) -> tuple[list[Path], list[Path]]:
        """(the content files, the Markdown files set aside with ``_``) under ``top``, each in content_files'
        order: sorted part by part, as Path objects sort (a folder's files and subfolders by name, each subfolder
        at its name's place)."""
        content: list[Path] = []
        set_aside: list[Path] = []
        self._collect(top, content, set_aside)
        return content, set_aside

    def _collect(self, folder: str, content: list[Path], set_aside: list[Path]) -> None:
        for name, kind, path in self._entries(folder):
            if kind == self._FOLDER:
                self._collect(os.path.join(folder, name), content, set_aside)
            else:
                (content if kind == self._CONTENT else set_aside).append(path)

    def _entries(self, folder: str) -> list[tuple[str, int, Path | None]]:
        try:
            mtime = os.stat(folder).st_mtime_ns
        except OSError:
            return []
        with self._lock:
            known = self._known.get(folder)
        if known is not None and known[0] == mtime:
            return known[1]
        read_at = time.time_ns()
        entries: list[tuple[str, int, Path | None]] = []
        try:
            with os.scandir(folder) as found:
                for entry in found:
                    name = entry.name
                    if entry.is_dir():
                        if not entry.is_symlink():  # as os.walk by default
                            entries.append((name, self._FOLDER, None))
                    elif name.endswith(CONTENT_SUFFIXES):
                        path = _path(os.path.join(folder, name))
                        if is_content_file(path):
                            entries.append((name, self._CONTENT, path))
                        elif name.startswith(SKIPPED_PREFIX):
                            entries.append((name, self._SET_ASIDE, path))
        except OSError:
            return []
        entries.sort()
        with self._lock:
            if read_at - mtime > self.RACY_NS:
                self._known[folder] = (mtime, entries)
            else:
                self._known.pop(folder, None)
        return entries


def content_files(folder: Path, diagnostics: Diagnostics | None = None,
                  scans: DirectoryScans | None = None) -> list[Path]:
    """The content files under ``folder``, sorted; each Markdown file set aside with ``_`` gets a warning.
    ``scans``: folder listings kept from earlier calls (a long-running process); without, every folder is read.
    A directory scan tells files from folders (rglob + is_file would stat each file)."""
    if not folder.is_dir():
        return []
    files, set_aside = (scans or DirectoryScans()).files(os.fspath(folder))
    if diagnostics is not None:
        for path in set_aside:
            diagnostics.add("W401", path, prefix=SKIPPED_PREFIX)
    return files
