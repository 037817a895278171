"""One build at a time per output folder, across processes.

Two builds into one output folder (a CMS publish and a ``build.py build`` run by hand, say) would stage,
swap and save caches over each other. ``build_lock`` holds an exclusive ``flock`` on ``<output>/.lock``
for the whole build; a second build waits for it (and says so).

The lock belongs to the open file, not to the process: a child forked while it is held keeps it until the
child closes the file or exits. So the lock is released by closing the file (never ``LOCK_UN``, which
would release it for such a child too); a build that saves its caches in a child it forks
(pipeline.build's ``detach_saves``) keeps the next build waiting until they are saved.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_FILE = ".lock"


class BuildLock:
    """The held lock of one output folder."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self.descriptor = descriptor

    def is_current(self) -> bool:
        """Whether the output folder is still the one locked: not deleted (or replaced) since. A child saving
        caches after its command returned must not write them into a new folder made under the same name."""
        try:
            return os.stat(self.path).st_ino == os.fstat(self.descriptor).st_ino
        except OSError:
            return False


@contextlib.contextmanager
def build_lock(output_dir: Path, progress: Callable[[str], None]) -> Iterator[BuildLock]:
    """Hold the output folder's build lock."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress(f"another build of {output_dir} is running (or saving its caches); waiting for it")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield BuildLock(path, descriptor)
    finally:
        os.close(descriptor)


def in_background(work: Callable[[], None]) -> bool:
    """Run ``work`` in a forked child, which keeps any build lock held (see above) until it is done, and
    return True at once; False, having run nothing, where that is not safe (another thread is running,
    whose locks the child would inherit held) or not possible.

    The child is detached from the terminal (its own session, output to /dev/null): it prints nothing after
    the command has returned. If ``work`` fails there, nothing is lost: the build forgot its manifest
    before it began, so the next build is a full one."""
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    if os.fork():
        return True
    status = 1
    try:
        gc.disable()  # the child frees nothing: it exits when done
        os.setsid()
        quiet = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(quiet, stream)
        work()
        status = 0
    finally:
        os._exit(status)
