"""Code style gate: ruff (pyflakes, pycodestyle, import order) over the project's Python."""

import subprocess
import sys

from conftest import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "wenming", "plugins", "tests", "bench", "build.py"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
