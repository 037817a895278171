"""A page farm: a folder of hard links to the pages of one search bundle at a time, for Pagefind to index.

Pagefind indexes a folder and takes each page's URL from its path, so a bundle's ~300 pages are linked into a
farm under their own paths (``news/<slug>/index.html``): a folder for every report. A farm per bundle made and
deleted ~10,000 folders in a full build; on this machine's file system each new folder then also paid for the
ones deleted in the last 30 s (the kernel looks them up when it hands out an inode: bench/measure.py
settle_file_system). So one farm serves every bundle a worker writes: the links of the last bundle's pages are
removed and their emptied folders renamed for the next bundle's pages, which makes no new folder and deletes
none (a full build's farms: ~2.3 s of CPU -> ~0.7 s, measured alone at 10,000 reports).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from wenming.build.discard import discard
from wenming.output import link_or_copy

PREFIX = "farm-"  # farm-<pid of its worker>-<random>, in the cache folder


class PageFarm:
    """A farm in ``cache_dir``, made at the first ``hold``, deleted by ``discard``."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.root: str | None = None
        self._pages: set[str] = set()  # linked now
        self._folders: set[str] = {""}  # that exist in the farm ("" is the farm itself)

    def hold(self, pages: Iterable[str], source: Callable[[str], str]) -> str:
        """Make the farm hold links to exactly ``pages`` (paths relative to the site; each linked to the file
        ``source(page)``); returns the farm's folder. On an error the farm is discarded (the next ``hold``
        starts a new one)."""
        try:
            return self._hold(set(pages), source)
        except BaseException:
            self.discard()
            raise

    def _hold(self, wanted: set[str], source: Callable[[str], str]) -> str:
        if self.root is None:
            self.root = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=self.cache_dir)
        root = self.root
        freed = []
        for page in self._pages:  # a page held again is linked again: its file may have been replaced
            os.unlink(os.path.join(root, page))
            if page not in wanted:
                freed.append(os.path.dirname(page))
        self._pages = set()
        # A freed folder is renamed for a new page when no wanted page is in it or below it, and no other folder
        # is below it (its path would go stale).
        busy = set()
        for page in wanted:
            folder = os.path.dirname(page)
            while folder not in busy and folder:
                busy.add(folder)
                folder = os.path.dirname(folder)
        kept = busy | {os.path.dirname(folder) for folder in self._folders if folder}
        reusable = [folder for folder in dict.fromkeys(freed) if folder and folder not in kept]
        for page in sorted(wanted):  # os.path rather than pathlib: ~10,000 pages per full build
            folder = os.path.dirname(page)
            if folder not in self._folders:
                self._make_folder(folder, reusable)
            link_or_copy(source(page), os.path.join(root, page))
            self._pages.add(page)
        return root

    def _make_folder(self, folder: str, reusable: list[str]) -> None:
        parent = os.path.dirname(folder)
        if parent not in self._folders:
            os.makedirs(os.path.join(self.root, parent), exist_ok=True)
            while parent not in self._folders:
                self._folders.add(parent)
                parent = os.path.dirname(parent)
        if reusable:
            old = reusable.pop()
            os.rename(os.path.join(self.root, old), os.path.join(self.root, folder))
            self._folders.discard(old)
        else:
            os.mkdir(os.path.join(self.root, folder))
        self._folders.add(folder)

    def discard(self) -> None:
        """Delete the farm (in the background)."""
        root, self.root = self.root, None
        self._pages, self._folders = set(), {""}
        if root is None:
            return
        retired = os.path.join(os.path.dirname(root), f"retired-{os.path.basename(root)}")
        try:
            os.rename(root, retired)
        except OSError:
            shutil.rmtree(root, ignore_errors=True)
        else:
            discard(Path(retired))


def remove_abandoned(cache_dir: Path) -> None:
    """Delete page farms left behind by workers that were killed (their process is gone)."""
    for retired in cache_dir.glob(f"retired-{PREFIX}*"):  # a remover that was interrupted
        discard(retired)
    for farm in cache_dir.glob(f"{PREFIX}*-*"):
        try:
            os.kill(int(farm.name.split("-")[1]), 0)
        except ValueError:
            continue
        except ProcessLookupError:
            shutil.rmtree(farm, ignore_errors=True)
        except PermissionError:
            continue
