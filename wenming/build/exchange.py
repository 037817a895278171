"""Swapping two directories in one step, so that a published folder is never missing, not even for an instant.

Linux has it as ``renameat2(RENAME_EXCHANGE)`` (ext4, XFS, Btrfs, tmpfs, overlayfs): both names stay
in place and their trees trade places atomically. Elsewhere ``exchange`` says it cannot, and the
caller falls back to two renames.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import sys
import tempfile
from pathlib import Path

from wenming.build.discard import discard

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# The system or the file system cannot exchange (an old kernel, a network file system).
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without it
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap the trees at two existing paths in one atomic step; False (and nothing done) where the
    system or file system cannot. Other failures raise OSError."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


TRASH = ".trash"


ABANDONED = (".staging-*", ".patch-*")  # made only by a build holding the output's lock (pipeline, patch)


def retire_abandoned(output_dir: Path) -> int:
    """Delete the staging folders that killed builds left in ``output_dir`` (a build removes its own; called
    by a build holding the output's lock, when no other build can be using one); returns how many."""
    abandoned = [path for pattern in ABANDONED for path in output_dir.glob(pattern) if path.is_dir()]
    if abandoned:
        trash = output_dir / TRASH
        trash.mkdir(exist_ok=True)
        for path in abandoned:
            retired = trash / path.name.lstrip(".")
            try:
                os.rename(path, retired)
            except OSError:
                continue
            discard(retired)
    return len(abandoned)


def empty_trash(output_dir: Path) -> None:
    """Remove what earlier builds retired and did not get to delete (an interrupted remover, say)."""
    trash = output_dir / TRASH
    if trash.is_dir():
        for leftover in trash.iterdir():
            discard(leftover)


def swap_into_place(staged: Path, target: Path, trash: Path | None = None) -> None:
    """Last stage: replace ``target`` with ``staged`` (both on one file system).

    ``target`` is never missing, not even for an instant (the preview server serves it while the next
    build runs): the two trees are exchanged in one step where the system can (Linux), otherwise
    ``target`` is moved away and ``staged`` renamed in its place. The old tree goes into ``trash``
    (by default ``.trash`` next to ``target``; a folder inside the published site must name one outside
    it) and is deleted in the background.
    """
    if not target.exists():
        os.rename(staged, target)
        return
    trash = trash if trash is not None else target.parent / TRASH
    trash.mkdir(exist_ok=True)
    retired = Path(tempfile.mkdtemp(prefix=f"{target.name}-", dir=trash))
    if exchange(staged, target):
        os.rename(staged, retired / target.name)  # the old tree, now at the staged path
    else:
        os.rename(target, retired / target.name)
        os.rename(staged, target)
    discard(retired)
