"""Restarting ``build.py serve`` when our code changes, as development servers do.

Python modules are imported once: a build run after a plugin or library file
was edited would still run the old code (and its caches would be stamped as
made by the new code). So when the code on disk (wenming/, plugins/, the
installed libraries) no longer matches the code the process loaded, the
server waits for the running build, then replaces itself with a fresh process
(``os.execv``) on the same port; the browser reconnects and reloads. Where it
cannot (not started as ``build.py``), it says so and keeps building with the
old code under the old code's fingerprint.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from wenming.build.cache import code_on_disk, loaded_code


class CodeWatch:
    """Tells whether the code on disk still is the code this process runs."""

    def __init__(self) -> None:
        self.loaded = loaded_code()  # what the caches are stamped with, whatever ``acknowledge`` does

    def changed(self) -> bool:
        return code_on_disk() != self.loaded

    def acknowledge(self) -> None:
        """The change was reported (the process could not restart): tell again only after the next one."""
        self.loaded = code_on_disk()


def restart_command(script: Path, port: int) -> list[str] | None:
    """The command line that started this process, serving on ``port`` (the one it was given may be 0),
    or None when it was not started by running ``script``."""
    argv = list(getattr(sys, "orig_argv", []))
    if not sys.argv or Path(sys.argv[0]).resolve() != script.resolve() or len(argv) < len(sys.argv):
        return None
    return [*argv, "--port", str(port)]


def restart(command: list[str]) -> None:
    """Replace this process by ``command`` (returns only by raising OSError)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)
