"""The CMS's git writer: files under the content folder written atomically and committed to git, one write at a time.

Every write is a small transaction: the files are replaced atomically, exactly those paths are committed with the
editor as author and committer, and any failure puts every touched file and its index entry back as it was. Other
uncommitted work in the repository (modified or staged files) is never touched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import logging
import os
import re
import stat
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from wenming.cms.errors import CmsError

GIT_TIMEOUT = 120  # seconds: a hook that hangs fails the write instead of holding the lock for ever
NEW_FILE_MODE = 0o644
# Variables that would point git at another repository or index, or fix the dates of every commit.
FOREIGN_GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                         "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX", "GIT_NAMESPACE", "GIT_AUTHOR_DATE",
                         "GIT_COMMITTER_DATE")
FIELD, RECORD = "\x1f", "\x1e"
LOG_FORMAT = "%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1e"
IDENT_UNSAFE = re.compile(r"[<>\x00-\x1f\x7f]")

logger = logging.getLogger(__name__)


def file_version(data: bytes) -> str:
    """The version of a file's content: the sha256 of its bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


@dataclasses.dataclass(frozen=True)
class Author:
    """The editor a commit is made for: git author and committer."""

    name: str
    email: str


@dataclasses.dataclass(frozen=True)
class Change:
    """One file of a commit: its path (relative to the content folder, or absolute) and new bytes, None to delete."""

    path: Path
    data: bytes | None


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One commit in a file's history."""

    commit: str
    author: str
    email: str
    date: datetime.datetime
    message: str


class GitFailed(Exception):
    """A git command exited with an error (or did not finish); str() is what git said."""


@dataclasses.dataclass(frozen=True)
class _Target:
    """A file a change touches: where it is on disk and its path in the work tree (for git)."""

    file: Path
    name: str
    data: bytes | None


@dataclasses.dataclass
class _Before:
    """A touched file as it was before the write, to put back if the write fails."""

    target: _Target
    data: bytes | None  # None: the file did not exist
    mode: int
    created_dirs: list[Path] = dataclasses.field(default_factory=list)


def _describe(exc: BaseException) -> str:
    """A short account of a failure for the message shown to the editor (git's last lines, or the OS error)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    lines = [line.strip() for line in str(exc).splitlines() if line.strip() and not line.startswith("hint:")]
    verdicts = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return " ".join(verdicts[:2] or lines[-3:])[-400:] or exc.__class__.__name__


def _ident(value: str, fallback: str) -> str:
    """A name or email git accepts: no angle brackets or control characters, never empty."""
    cleaned = IDENT_UNSAFE.sub("", value).strip()
    return cleaned or fallback


def _sync_directory(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_atomically(file: Path, data: bytes, mode: int) -> None:
    """Replace ``file`` with ``data`` in one step: a synced temporary file in the same folder, then a rename."""
    descriptor, temporary = tempfile.mkstemp(dir=file.parent, prefix=".cms-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(file.parent)


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the folders created, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir()
    return list(reversed(missing))


class Repository:
    """The git work tree that holds a content folder, written only through atomic, committed changes."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = Path(os.path.abspath(content_dir))
        self._real_content = Path(os.path.realpath(self.content_dir))
        self._lock = threading.RLock()
        self._environment = {key: value for key, value in os.environ.items() if key not in FOREIGN_GIT_VARIABLES}
        self._environment["GIT_TERMINAL_PROMPT"] = "0"
        self.worktree = self._find_worktree()

    def _find_worktree(self) -> Path:
        command = ["git", "-C", str(self._real_content), "rev-parse", "--show-toplevel"]
        try:
            found = subprocess.run(command, capture_output=True, env=self._environment, timeout=GIT_TIMEOUT)
        except FileNotFoundError as exc:
            raise CmsError("cms.repo.git_missing", 503) from exc
        except subprocess.TimeoutExpired as exc:
            raise CmsError("cms.repo.not_a_repository", 503, path=self.content_dir, error=_describe(exc)) from exc
        if found.returncode != 0 or not found.stdout.strip():
            error = _describe(GitFailed(found.stderr.decode("utf-8", "replace")))
            raise CmsError("cms.repo.not_a_repository", 503, path=self.content_dir, error=error)
        return Path(os.path.realpath(os.fsdecode(found.stdout.rstrip(b"\r\n"))))

    def lock(self) -> contextlib.AbstractContextManager:
        """The one write lock (reentrant): hold it around "check version -> validate -> commit"."""
        return self._lock

    # -- reading ---------------------------------------------------------------------------------------------

    def version(self, path: Path) -> str | None:
        """The version of the file as it is on disk now, None if it does not exist."""
        target = self._target(path)
        try:
            return file_version(target.file.read_bytes())
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise CmsError("cms.repo.read_failed", 503, error=_describe(exc)) from exc

    def head(self) -> str | None:
        """The commit HEAD points at, None in a repository without commits."""
        try:
            found = self._git("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
        except GitFailed as exc:
            raise CmsError("cms.repo.read_failed", 503, error=_describe(exc)) from exc
        return found.stdout.decode("ascii").strip() if found.returncode == 0 else None

    def history(self, path: Path, limit: int = 50) -> list[HistoryEntry]:
        """The commits that changed the file (following renames), newest first."""
        target = self._target(path)
        if limit <= 0 or self.head() is None:
            return []
        try:
            found = self._git("log", "--follow", f"--max-count={limit}", "--encoding=UTF-8", "--no-show-signature",
                              f"--format={LOG_FORMAT}", "--", target.name)
        except GitFailed as exc:
            raise CmsError("cms.repo.read_failed", 503, error=_describe(exc)) from exc
        records = found.stdout.decode("utf-8", "replace").split(RECORD)
        return [self._history_entry(record.strip("\n")) for record in records if record.strip()]

    def diff(self, path: Path, commit: str) -> str:
        """The change ``commit`` made to the file, as a unified diff (empty when it did not touch it)."""
        if not re.fullmatch(r"[0-9a-f]{7,64}", commit or ""):
            raise CmsError("cms.repo.bad_commit", 400, commit=str(commit)[:64])
        target = self._target(path)
        try:
            found = self._git("show", "--format=", "--no-color", "--encoding=UTF-8", commit, "--", target.name)
        except GitFailed as exc:
            raise CmsError("cms.repo.bad_commit", 404, commit=commit) from exc
        return found.stdout.decode("utf-8", "replace")

    @staticmethod
    def _history_entry(record: str) -> HistoryEntry:
        commit, author, email, date, message = record.split(FIELD, 4)
        return HistoryEntry(commit, author, email, datetime.datetime.fromisoformat(date), message.strip())

    # -- writing ---------------------------------------------------------------------------------------------

    def commit(self, changes: Sequence[Change], message: str, author: Author) -> str:
        """Write the changes atomically and commit exactly those paths; the new commit (or HEAD if nothing changed).

        Any failure restores every touched file and its index entry and raises CmsError (503)."""
        if not message.strip():
            raise ValueError("a commit needs a message")
        with self._lock:
            targets = [dataclasses.replace(self._target(change.path), data=change.data) for change in changes]
            if len({target.name for target in targets}) != len(targets):
                raise ValueError("a commit names the same file twice")
            head = self.head()
            committed = self._transaction(targets, message, author, head)
            if committed is not None:
                return committed
            if head is None:
                raise CmsError("cms.repo.nothing_changed", 400)
            return head

    def _transaction(self, targets: list[_Target], message: str, author: Author, head: str | None) -> str | None:
        """Write, stage and commit; the new commit, or None when the files already were as asked."""
        names = [target.name for target in targets]
        index_before = self._index_entries(names)
        before = [self._read_before(target) for target in targets]
        try:
            for saved in before:
                self._apply(saved)
            self._stage(targets)
            changed = self._staged_changes(names)
            if not changed:
                return None
            self._git("commit", "--quiet", "--cleanup=whitespace", "--file=-", "--only", "--", *changed,
                      stdin=message.encode("utf-8"), author=author)
            return self.head()
        except BaseException as exc:
            self._roll_back(before, names, index_before, head, message)
            if isinstance(exc, Exception):
                raise CmsError("cms.repo.save_failed", 503, error=_describe(exc)) from exc
            raise

    def _read_before(self, target: _Target) -> _Before:
        try:
            return _Before(target, target.file.read_bytes(), stat.S_IMODE(target.file.stat().st_mode))
        except (FileNotFoundError, NotADirectoryError):
            return _Before(target, None, NEW_FILE_MODE)
        except OSError as exc:
            raise CmsError("cms.repo.save_failed", 503, error=_describe(exc)) from exc

    @staticmethod
    def _apply(saved: _Before) -> None:
        target = saved.target
        if target.data is not None:
            saved.created_dirs = _make_parents(target.file.parent)
            write_atomically(target.file, target.data, saved.mode)
        elif saved.data is not None:
            target.file.unlink()
            _sync_directory(target.file.parent)

    def _stage(self, targets: list[_Target]) -> None:
        written = [target.name for target in targets if target.data is not None]
        deleted = [target.name for target in targets if target.data is None]
        if written:
            self._git("add", "--force", "--", *written)
        if deleted:
            self._git("rm", "--cached", "--quiet", "--ignore-unmatch", "--", *deleted)

    def _staged_changes(self, names: list[str]) -> list[str]:
        """Which of the paths differ between the index and HEAD (or the empty tree before the first commit)."""
        found = self._git("diff", "--cached", "--no-renames", "--name-only", "-z", "--", *names)
        return [os.fsdecode(name) for name in found.stdout.split(b"\0") if name]

    def _index_entries(self, names: list[str]) -> bytes:
        """The index entries of the paths, in the format `git update-index --index-info -z` reads back."""
        try:
            return self._git("ls-files", "--stage", "-z", "--", *names).stdout
        except GitFailed as exc:
            raise CmsError("cms.repo.save_failed", 503, error=_describe(exc)) from exc

    def _roll_back(self, before: list[_Before], names: list[str], index_before: bytes, head: str | None,
                   message: str) -> None:
        """Put HEAD, the index entries and the files back as they were; each step is tried even if another fails."""
        steps = [lambda: self._undo_commit(head, message),
                 lambda: self._git("update-index", "-z", "--force-remove", "--stdin",
                                   stdin=b"".join(os.fsencode(name) + b"\0" for name in names)),
                 lambda: self._git("update-index", "-z", "--index-info", stdin=index_before)]
        steps += [lambda saved=saved: self._restore_file(saved) for saved in before]
        for step in steps:
            try:
                step()
            except (OSError, GitFailed):
                logger.exception("could not undo part of a failed save in %s", self.worktree)

    def _undo_commit(self, head: str | None, message: str) -> None:
        """If the failed save's own commit was made (its parent is the old HEAD, its message ours), drop it."""
        now = self.head()
        if now is None or now == head:
            return
        parents = self._git("rev-list", "--parents", "--max-count=1", now).stdout.decode("ascii").split()[1:]
        logged = self._git("log", "--max-count=1", "--encoding=UTF-8", "--format=%B", now).stdout
        if parents != ([head] if head else []) or logged.decode("utf-8", "replace").strip() != message.strip():
            return
        if head is None:
            self._git("update-ref", "-d", "HEAD", now)
        else:
            self._git("update-ref", "-m", "cms: undo a failed save", "HEAD", head, now)

    @staticmethod
    def _restore_file(saved: _Before) -> None:
        file = saved.target.file
        if saved.data is not None:
            write_atomically(file, saved.data, saved.mode)
        elif file.exists() or file.is_symlink():
            file.unlink()
        for folder in reversed(saved.created_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()

    # -- paths and git ---------------------------------------------------------------------------------------

    def _target(self, path: Path | str) -> _Target:
        """Where ``path`` (relative to the content folder, or absolute) is, refused unless inside the content folder.

        '..' is resolved first and every folder's symlinks after, so neither can lead out; the file itself must
        not be a link or a folder, and nothing inside a .git folder can be named."""
        shown = str(path)
        if "\0" in shown:
            raise CmsError("cms.repo.outside_content", 400, path=shown.replace("\0", ""))
        joined = Path(os.path.normpath(self.content_dir / path))
        file = Path(os.path.realpath(joined.parent)) / joined.name
        if joined.name in ("", ".", "..") or file == self._real_content or not file.is_relative_to(self._real_content):
            raise CmsError("cms.repo.outside_content", 400, path=shown)
        relative = file.relative_to(self.worktree)
        if any(part.casefold() == ".git" for part in relative.parts):
            raise CmsError("cms.repo.outside_content", 400, path=shown)
        if file.is_symlink() or (file.exists() and not file.is_file()):
            raise CmsError("cms.repo.not_a_file", 400, path=shown)
        return _Target(file, relative.as_posix(), None)

    def _git(self, *args: str, stdin: bytes | None = None, author: Author | None = None,
             check: bool = True) -> subprocess.CompletedProcess[bytes]:
        """Run git in the work tree (list arguments, no shell, no prompts, pathspecs taken literally)."""
        environment = dict(self._environment)
        if author is not None:
            name, email = _ident(author.name, _ident(author.email, "CMS")), _ident(author.email, "")
            environment.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
                               GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
        command = ["git", "-C", str(self.worktree), "--literal-pathspecs", "-c", "commit.gpgSign=false", *args]
        try:
            result = subprocess.run(command, input=stdin, capture_output=True, env=environment, timeout=GIT_TIMEOUT,
                                    stdin=None if stdin is not None else subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise GitFailed(f"git {args[0]}: no answer after {GIT_TIMEOUT} s") from exc
        except OSError as exc:
            raise GitFailed(f"git {args[0]}: {exc}") from exc
        if check and result.returncode != 0:
            said = (result.stderr + result.stdout).decode("utf-8", "replace")
            raise GitFailed(f"git {args[0]}:\n{said}")
        return result
