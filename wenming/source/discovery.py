"""Finding content files: the one place that decides which files of a content folder are read."""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from wenming.source.diagnostics import Diagnostics

CONTENT_SUFFIXES = (".md", ".markdown")
SKIPPED_PREFIX = "_"  # files kept beside the content but not published (templates, notes)
T = TypeVar("T")


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
    and again (the CMS: every list request at 10,000 reports walked ~200 folders and sorted 10,000 paths,
    ~0.2 s). A folder's listing is reused while its modification time is the one it had when it was listed:
    adding, removing or renaming a file or folder in it changes that time. As git does for its index ("racily
    clean" entries), a listing is trusted only if the folder's time was already RACY_NS old when it was read:
    the clock that stamps folders ticks coarsely, so a change in the same tick as an earlier one could leave
    the time as it was. A changed file keeps its name: its content is the caller's to check (EntryFiles)."""

    RACY_NS = 2_000_000_000

    def __init__(self) -> None:
        self._known: dict[str, tuple[int, list[str], list[str]]] = {}  # folder -> (mtime, files, subfolders)
        self._results: dict[tuple, tuple[list, object]] = {}  # (top, make) -> (the walk's folders and times, result)
        self._lock = threading.Lock()

    def _scan(self, folder: str) -> tuple[int | None, list[str], list[str]]:
        """(the folder's time if its listing is trusted, else None; the names of its files; of its subfolders,
        symbolic links not included, as os.walk by default)."""
        try:
            mtime = os.stat(folder).st_mtime_ns
        except OSError:
            return None, [], []
        with self._lock:
            known = self._known.get(folder)
        if known is not None and known[0] == mtime:
            return mtime, known[1], known[2]
        read_at = time.time_ns()
        files, folders = [], []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.is_dir():
                        files.append(entry.name)
                    elif not entry.is_symlink():
                        folders.append(entry.name)
        except OSError:
            return None, [], []
        trusted = read_at - mtime > self.RACY_NS
        with self._lock:
            if trusted:
                self._known[folder] = (mtime, files, folders)
            else:
                self._known.pop(folder, None)
        return mtime if trusted else None, files, folders

    def listing(self, top: str, make: Callable[[list[tuple[str, list[str]]]], T]) -> T:
        """``make`` of the (folder, file names) of ``top`` and every folder below it; its last answer again when
        every folder was listed as it was then."""
        walked, times, pending = [], [], [top]
        while pending:
            folder = pending.pop()
            mtime, files, folders = self._scan(folder)
            walked.append((folder, files))
            times.append((folder, mtime))
            pending.extend(os.path.join(folder, name) for name in folders)
        with self._lock:
            known = self._results.get((top, make))
        if known is not None and known[0] == times and None not in (mtime for _, mtime in times):
            return known[1]
        result = make(walked)
        with self._lock:
            self._results[top, make] = (times, result)
        return result


def _markdown_files(walked: list[tuple[str, list[str]]]) -> tuple[list[Path], list[Path]]:
    """(the content files, the Markdown files set aside with ``_``) of a walk, each sorted."""
    found = [_path(path) for path in sorted((os.path.join(root, name) for root, names in walked
                                             for name in names if name.endswith(CONTENT_SUFFIXES)),
                                            key=lambda path: path.split(os.sep))]
    return [p for p in found if is_content_file(p)], [p for p in found if p.name.startswith(SKIPPED_PREFIX)]


def content_files(folder: Path, diagnostics: Diagnostics | None = None,
                  scans: DirectoryScans | None = None) -> list[Path]:
    """The content files under ``folder``, sorted; each Markdown file set aside with ``_`` gets a warning.
    ``scans``: folder listings kept from earlier calls (a long-running process); without, every folder is read."""
    if not folder.is_dir():
        return []
    # a directory scan tells files from folders (rglob + is_file would stat each file), and paths are sorted
    # (part by part, as Path objects sort) before they become Path objects (10,000 reports: 0.06 s, not 0.25 s)
    files, set_aside = (scans or DirectoryScans()).listing(os.fspath(folder), _markdown_files)
    if diagnostics is not None:
        for path in set_aside:
            diagnostics.add("W401", path, prefix=SKIPPED_PREFIX)
    return list(files)
