"""What the kiosk bundle keeps between builds: resized pictures, QR codes and the font subset, by input digest.

These are the slow parts of the bundle (a picture is decoded and re-encoded, the font subset is cut from
a 16 MB font) and they seldom change: an edit to a report changes none of them. Each file is made once
into ``<cache>/kiosk/`` under a name hashed from everything it is made from (the source's digest or
text, the sizes and options, the code and library that make it), then hard-linked into the bundle. Files
no build used are deleted after each build, so the folder holds one bundle's worth.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from wenming import PACKAGE_DIR
from wenming.output import link_or_copy

FOLDER = "kiosk"
FORMAT = "kiosk-cache-1"  # part of every key: change it to make every file again
_MISSING = object()


@functools.cache
def code_digest(*modules: str) -> str:
    """Hash of the named modules' source (relative to the package) and of the libraries they use."""
    digest = hashlib.sha256(FORMAT.encode())
    for module in modules:
        digest.update((PACKAGE_DIR / module).read_bytes())
    for library in ("pillow", "segno", "fonttools", "brotli", "pylopdf-fonts-zh-cn"):
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none".encode())
    return digest.hexdigest()


def key_of(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


class KioskCache:
    """Files made once and hard-linked into each bundle (``folder`` None: made straight into the bundle)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.made = 0
        self.kept = 0

    def place(self, name: str, target: Path, make: Callable[[Path], object]) -> object:
        """Put the file cached as ``name`` at ``target``, made with ``make(path)`` when it is not cached.

        Returns what ``make`` returned (kept beside the file as JSON, so a cached file answers the same).
        """
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        if self.folder is None:
            self.made += 1
            return make(target)
        cached, note = self.folder / name, self.folder / f"{name}.json"
        self.used.update((cached.name, note.name))
        try:
            result = json.loads(note.read_text(encoding="utf-8")) if cached.is_file() else _MISSING
        except (OSError, ValueError):
            result = _MISSING
        if result is _MISSING:
            result = self._make(cached, note, make)
        else:
            self.kept += 1
        link_or_copy(cached, target)
        return result

    def _make(self, cached: Path, note: Path, make: Callable[[Path], object]) -> object:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".making-", suffix=cached.suffix, dir=self.folder)
        os.close(handle)
        try:
            result = make(Path(temporary))
            note_text = json.dumps(result, ensure_ascii=False)
            os.replace(temporary, cached)
        finally:
            Path(temporary).unlink(missing_ok=True)
        note.write_text(note_text, encoding="utf-8")  # written last: a file without its note is made again
        self.made += 1
        return json.loads(note_text)

    def prune(self) -> None:
        """Delete the cached files this build did not use (and scraps of interrupted ones)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self.used:
                path.unlink(missing_ok=True)
