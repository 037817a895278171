"""Starting the package's own worker processes (``python -m wenming...``)."""

from __future__ import annotations

import os
import subprocess
import sys

from wenming import PROJECT_DIR


def start_module(module: str, *arguments: str, **options) -> subprocess.Popen:
    """Run ``python -m module`` with this interpreter, the package found as this process finds it (its stderr
    best sent to a temporary file, read back with ``stderr_tail`` when it fails)."""
    path = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-m", module, *arguments], env={**os.environ, "PYTHONPATH": path},
                            **options)


def stderr_tail(stream, characters: int = 2000) -> str:
    """The end of what a worker wrote to ``stream`` (a binary temporary file), for an error message."""
    stream.seek(0)
    return stream.read()[-characters:].decode("utf-8", "replace").strip() or "no message"
