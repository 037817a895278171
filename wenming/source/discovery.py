"""Finding content files: the one place that decides which files of a content folder are read."""

from __future__ import annotations

import functools
import os
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


def content_files(folder: Path, diagnostics: Diagnostics | None = None) -> list[Path]:
    """The content files under ``folder``, sorted; each Markdown file set aside with ``_`` gets a warning."""
    if not folder.is_dir():
        return []
    # os.walk rather than rglob + is_file: its directory scan already tells files from folders, and paths
    # are sorted (part by part, as Path objects sort) before they become Path objects (10,000 reports:
    # 0.06 s instead of 0.25 s).
    found = [_path(path) for path in sorted((os.path.join(root, name) for root, _, names in os.walk(folder)
                                             for name in names if name.endswith(CONTENT_SUFFIXES)),
                                            key=lambda path: path.split(os.sep))]
    if diagnostics is not None:
        for path in found:
            if path.name.startswith(SKIPPED_PREFIX):
                diagnostics.add("W401", path, prefix=SKIPPED_PREFIX)
    return [p for p in found if is_content_file(p)]
