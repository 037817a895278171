"""Starting the package's own worker processes (``python -m wenming...``)."""

from __future__ import annotations

import os
import subprocess
import sys

from wenming import PROJECT_DIR


def start_module(module: str, **options) -> subprocess.Popen:
    """Run ``python -m module`` with this interpreter, the package found as this process finds it."""
    path = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-m", module], env={**os.environ, "PYTHONPATH": path}, **options)
