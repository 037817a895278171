"""A dict kept between builds in SQLite, one row per entry, so that saving it writes only what changed.

The parsed-files cache of a 10,000-report site is ~20 MB of pickled models: pickling all of it again
after every build cost ~0.8 s, for a one-report edit that changes one entry. Entries are pickled one
by one; ``save`` writes the entries that are not the very objects ``load`` returned and deletes those
no longer there. Every entry must carry what makes it valid (the caches keep a file's size and
modification time, or are keyed by a content hash), so an entry written by another process between
``load`` and ``save`` is never wrong, at worst not the newest. The whole store is discarded when the
code that filled it changes (its fingerprint).

A process that builds again and again (the CMS, ``build.py serve``) keeps what it saved last in memory
and takes it from there while the file is still the one it wrote (same size, modification time and
inode), instead of reading and unpickling every entry again.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
from pathlib import Path

_ABSENT = object()
_SCHEMA = ("CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, value BLOB NOT NULL)",
           "CREATE TABLE IF NOT EXISTS stamp (fingerprint TEXT NOT NULL)")
_UNREADABLE = (sqlite3.Error, OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError,
               TypeError, IndexError)


# Per store file: (its stat after this process saved it, fingerprint, the entries saved).
_SAVED_BY_THIS_PROCESS: dict[Path, tuple[tuple[int, int, int], str, dict]] = {}


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class EntryStore:
    """Same use as PickledCache (``load()`` a dict, ``save(entries)``), stored a row per entry."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self._loaded: dict = {}  # what load() returned: key -> the very object
        self.written = 0  # entries the last save wrote

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=60)
        for statement in _SCHEMA:
            connection.execute(statement)
        return connection

    def _stamp(self, connection: sqlite3.Connection) -> str | None:
        row = connection.execute("SELECT fingerprint FROM stamp").fetchone()
        return row[0] if row else None

    def load(self) -> dict:
        self._loaded = {}
        saved = _SAVED_BY_THIS_PROCESS.get(self.path)
        if saved is not None and saved[1] == self.fingerprint and saved[0] == _file_stamp(self.path):
            self._loaded = dict(saved[2])
            return dict(saved[2])
        try:
            with contextlib.closing(self._connect()) as connection:
                if self._stamp(connection) != self.fingerprint:
                    return {}
                entries = {pickle.loads(key): pickle.loads(value)
                           for key, value in connection.execute("SELECT key, value FROM entries")}
        except _UNREADABLE:
            return {}
        self._loaded = dict(entries)
        return entries

    def load_only(self, keys) -> dict:
        """The entries of ``keys`` that are stored (a build that reads a few files of many); ``save`` then
        keeps every other stored entry as it is."""
        wanted = [_dumps(key) for key in keys]
        entries: dict = {}
        try:
            with contextlib.closing(self._connect()) as connection:
                if self._stamp(connection) != self.fingerprint:
                    return {}
                for start in range(0, len(wanted), 500):  # SQLite's limit on host parameters
                    chunk = wanted[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = connection.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk)
                    entries.update((pickle.loads(key), pickle.loads(value)) for key, value in rows)
        except _UNREADABLE:
            return {}
        return entries

    def save(self, entries: dict) -> None:
        try:
            self._save(entries)
        except sqlite3.DatabaseError:  # a damaged file: start it again
            self.path.unlink(missing_ok=True)
            self._loaded = {}
            self._save(entries)

    def _save(self, entries: dict) -> None:
        loaded = self._loaded
        with contextlib.closing(self._connect()) as connection, connection:
            if self._stamp(connection) != self.fingerprint:
                connection.execute("DELETE FROM entries")
                connection.execute("DELETE FROM stamp")
                connection.execute("INSERT INTO stamp (fingerprint) VALUES (?)", (self.fingerprint,))
                loaded = {}
            changed = [(_dumps(key), _dumps(value)) for key, value in entries.items()
                       if loaded.get(key, _ABSENT) is not value]
            connection.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", changed)
            connection.executemany("DELETE FROM entries WHERE key = ?",
                                   [(_dumps(key),) for key in loaded.keys() - entries.keys()])
        self.written = len(changed)
        self._loaded = dict(entries)
        stamp = _file_stamp(self.path)
        if stamp is not None:
            _SAVED_BY_THIS_PROCESS[self.path] = (stamp, self.fingerprint, dict(entries))
