"""The installed package list names every package of the source tree, so a normal (non-editable) install
has all of them: a new plugin or subpackage missing from pyproject.toml fails here, not on a user's machine."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _packages_on_disk() -> set[str]:
    found = set()
    for top, name in ((ROOT / "wenming", "wenming"), (ROOT / "plugins", "wenming_plugins")):
        for init in top.rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            relative = init.parent.relative_to(top).parts
            found.add(".".join((name, *relative)))
    return found


def test_every_package_of_the_source_tree_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = set(config["tool"]["setuptools"]["packages"])
    on_disk = _packages_on_disk()
    assert on_disk - declared == set(), "packages missing from pyproject.toml"
    assert declared - on_disk == set(), "pyproject.toml names packages that do not exist"
