"""Publishing a build by updating the live site in place, when it changed a small part of it.

A build renders into a staged site only the files whose inputs changed; the others stay where they are in
the live site (render_cache.RenderCache.link_kept is False, and the search indexer reads their pages and
keeps their bundles there). Making the staged site whole to swap it in would mean ~25,000 hard links and
~14,000 new folders at 10,000 reports (2-3 s measured on ext4, where creating folders in an output folder
that builds keep filling and emptying was 3-4 times slower than in a fresh one), and as many unlinks for the
tree retired.

So once everything is staged (a failed build never gets here and leaves the live site untouched),
``commit`` moves each staged file over its live counterpart with an atomic rename, swaps each rebuilt
search bundle in with ``exchange.swap_into_place``, then deletes the live files this build no longer
makes. A reader sees each file either old or new, never half written; between the first move and the
last (milliseconds for an edit) some pages may be new and others still old. When the build rendered
most of the site again (new code, another day, a template change), ``make_whole`` instead links the kept
files into the staged site, and the whole tree is swapped in one step as before.

The caller forgets the build manifest before ``commit`` and saves it after, and the render cache is only
saved after it: a build interrupted in between is followed by one that renders everything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from wenming.build.exchange import TRASH, swap_into_place
from wenming.output import link_or_copy
from wenming.publish.index_worker import link_tree


def _tree(root: Path, bundles: frozenset[str]) -> tuple[list[str], list[str]]:
    """The files under ``root`` (paths relative to it, with /) outside the folders named in ``bundles``,
    and those of ``bundles`` found there (not looked into)."""
    files, found, stack = [], [], [""]
    while stack:
        relative = stack.pop()
        with os.scandir(os.path.join(root, relative)) as entries:
            for entry in entries:
                path = relative + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if path in bundles:
                        found.append(path)
                    else:
                        stack.append(path + "/")
                else:
                    files.append(path)
    return files, found


def _make_room(target: str) -> None:
    """Clear the way for a file at ``target``: a folder there, or a file where one of its folders goes."""
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)
    parent = os.path.dirname(target)
    blocking = parent
    while blocking and not os.path.isdir(blocking):
        if os.path.lexists(blocking):
            os.unlink(blocking)
            break
        blocking = os.path.dirname(blocking)
    os.makedirs(parent, exist_ok=True)


def move_in(staged: Path, live: Path, files: Iterable[str], bundles: Iterable[str], keep_staged: bool = False) -> None:
    """Move ``files`` (paths relative to both sites) from the staged site over the live site's, each with an
    atomic rename, and swap the staged search ``bundles`` (folders) in (the retired ones go to the trash
    next to the live site, not inside it). ``keep_staged``: the staged files stay where they are too (each
    is hard-linked to a second staged name, which is renamed)."""
    for relative in files:
        source, target = os.path.join(staged, relative), os.path.join(live, relative)
        if keep_staged:
            source = _second_name(source)
        try:
            os.replace(source, target)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):  # a new folder, or a file in the way
            _make_room(target)
            os.replace(source, target)
    for bundle in bundles:
        (live / bundle).parent.mkdir(parents=True, exist_ok=True)
        swap_into_place(staged / bundle, live / bundle, trash=live.parent / TRASH)


def _second_name(path: str) -> str:
    """A new name for staged file ``path``, next to it: a hard link (a copy where links fail)."""
    second = f"{path}.live"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(second)
    link_or_copy(path, second)
    return second


@dataclasses.dataclass(frozen=True)
class Committed:
    moved: int  # files moved or swapped in
    deleted: int  # live files this build no longer makes
    files: frozenset[str]  # the live site's files now, outside the search bundles
    bundles: frozenset[str]  # the search bundle folders


def commit(staged: Path, live: Path, kept: Iterable[str], bundles: Iterable[str],
           last: Committed | None = None) -> Committed:
    """Move the staged site's files into the live site and delete the live files this build did not make
    or keep (``kept``: files left in place); ``bundles``: every search bundle folder of the build, staged or
    kept. ``last``: what the last commit left in the live site, which spares walking its ~14,000 folders at
    10,000 reports to find what to delete; None: walk them."""
    bundles = frozenset(bundles)
    files, staged_bundles = _tree(staged, bundles)
    move_in(staged, live, files, staged_bundles)
    expected = frozenset(files).union(kept)
    if last is None:
        live_files, _ = _tree(live, bundles)
    else:  # what the last commit left, and the files of the bundles no longer planned
        live_files = list(last.files)
        for folder in last.bundles - bundles:
            if (live / folder).is_dir():
                live_files.extend(f"{folder}/{relative}" for relative in _tree(live / folder, bundles)[0])
    obsolete = [relative for relative in live_files if relative not in expected]
    emptied: set[str] = set()
    for relative in obsolete:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(live, relative))
        emptied.add(os.path.dirname(relative))
    for folder in sorted(emptied, key=len, reverse=True):  # deepest first, then their parents
        while folder and folder not in bundles:
            try:
                os.rmdir(os.path.join(live, folder))
            except OSError:  # not empty (or gone): its parents are not empty either
                break
            folder = os.path.dirname(folder)
    return Committed(len(files) + len(staged_bundles), len(obsolete), expected, bundles)


def make_whole(staged: Path, live: Path, kept: Iterable[str], kept_bundles: Iterable[str]) -> int:
    """Hard-link the files and search bundles kept in the live site into the staged site, which then holds
    the whole site (to be swapped in as one tree); returns the number of files linked."""
    linked = 0
    for relative in kept:
        target = staged / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(live / relative, target)
            linked += 1
    for bundle in kept_bundles:
        linked += link_tree(live / bundle, staged / bundle)
    return linked
