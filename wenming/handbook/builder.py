"""Building the editors' handbook: ``docs/`` and ``mkdocs.yml`` (Material for MkDocs) into ``<output>/handbook/``.

The hand-written chapters are copied to a staging folder beside the output, the reference pages are generated
into that copy (``wenming.handbook.reference``), MkDocs builds it in a child process (``--strict``: a broken
link fails the build) and the result is swapped into place in one step. A failed build leaves the previous
handbook as it was; nothing generated is ever written into ``docs/``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from wenming.build.exchange import swap_into_place
from wenming.handbook.reference import write_reference
from wenming.source.messages import render

PROJECT_DIR = Path(__file__).resolve().parents[2]
HANDBOOK_FOLDER = "handbook"
# Words jieba must keep whole when it segments the search index (one per line: word, frequency).
USER_WORDS = Path(__file__).resolve().parent / "words.txt"
HOOKS = Path(__file__).resolve().parent / "hooks.py"  # MkDocs hooks every handbook build uses


class HandbookError(Exception):
    """The handbook could not be built; ``code`` is the catalog code, the message is in the reader's language."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        super().__init__(render(code, params))


def _check_installed() -> None:
    missing = [name for name in ("mkdocs", "material", "jieba") if importlib.util.find_spec(name) is None]
    if missing:
        raise HandbookError("E950", error=", ".join(missing))


def staged_config(project_dir: Path, docs_dir: Path, site_dir: Path) -> dict:
    """mkdocs.yml with the staged docs folder, the staging site folder and absolute paths for its files."""
    config = yaml.safe_load((project_dir / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    config["hooks"] = [*config.get("hooks", []), str(HOOKS)]
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and isinstance(plugin.get("search"), dict):
            plugin["search"]["jieba_dict_user"] = str(USER_WORDS)
    return config


def build_handbook(output_dir: Path, project_dir: Path = PROJECT_DIR, stream=sys.stderr) -> Path:
    """Build the handbook into ``output_dir/handbook`` and return that folder; raise HandbookError on failure.

    When it fails, MkDocs' own messages (the warnings and errors that stopped it) go to ``stream``.
    """
    _check_installed()
    output_dir = output_dir.resolve()  # MkDocs runs in the staging folder: a relative path would point elsewhere
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file of that name, no permission, a read-only disk
        raise HandbookError("E952", path=output_dir, error=exc.strerror or exc) from exc
    target = output_dir / HANDBOOK_FOLDER
    staging = Path(tempfile.mkdtemp(prefix=".handbook-", dir=output_dir))
    try:
        docs = staging / "docs"
        shutil.copytree(project_dir / "docs", docs, ignore=shutil.ignore_patterns(".*"))
        write_reference(docs)
        config_file = staging / "mkdocs.yml"
        config = staged_config(project_dir, docs, staging / "site")
        config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                                 "--config-file", str(config_file)],
                                cwd=staging, capture_output=True, text=True,
                                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})  # no banner about MkDocs 2
        if result.returncode != 0 or not (staging / "site" / "index.html").is_file():
            print((result.stdout + result.stderr).rstrip(), file=stream)
            raise HandbookError("E951", error=f"mkdocs exit {result.returncode}")
        swap_into_place(staging / "site", target)  # the previous handbook goes to .trash
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
