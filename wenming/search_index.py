"""Full-text search index of a generated site, built with Pagefind's extended binary.

Pagefind (from the ``pagefind[extended]`` package, binary included, nothing
downloaded) segments Chinese on pages marked ``lang="zh-CN"``. Only elements
marked ``data-pagefind-body`` are indexed; filters and result metadata come
from ``data-pagefind-filter`` / ``data-pagefind-meta`` attributes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SEARCH_BUNDLE = "pagefind"


class SearchIndexError(RuntimeError):
    pass


def index_site(site_dir: Path) -> str:
    """Write the search bundle into ``site_dir/pagefind``; returns Pagefind's summary line."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", SEARCH_BUNDLE]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise SearchIndexError(f"search indexing failed: {(result.stderr or result.stdout).strip()}")
    indexed = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("Indexed")]
    return "; ".join(indexed) or "search index written"
