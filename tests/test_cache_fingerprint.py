"""The code fingerprint that stamps every cache covers each library that can change the output
(a pypinyin upgrade changes slugs), and is that of the code the process loaded."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from wenming.build import cache

ROOT = Path(__file__).resolve().parent.parent


def _dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower() for requirement in project["dependencies"]]


def test_every_dependency_is_declared_as_shaping_the_output_or_not():
    undeclared = [name for name in _dependencies() if name not in (*cache.OUTPUT_LIBRARIES, *cache.TOOL_LIBRARIES)]
    assert undeclared == []


@pytest.mark.parametrize("package", ["pypinyin", "pydantic", "pyyaml", "pydantic-core", "markupsafe",
                                     *[name for name in _dependencies() if name not in cache.TOOL_LIBRARIES]])
def test_upgrading_a_library_that_shapes_the_output_changes_the_fingerprint(monkeypatch, package):
    before = cache.code_on_disk()
    real_version = cache.metadata.version
    monkeypatch.setattr(cache.metadata, "version",
                        lambda name: "999.0" if name.lower() == package else real_version(name))
    assert cache.code_on_disk() != before


def test_the_fingerprint_is_that_of_the_code_the_process_loaded(monkeypatch):
    loaded = cache.code_fingerprint()
    real_version = cache.metadata.version
    monkeypatch.setattr(cache.metadata, "version", lambda name: "999.0" if name == "pypinyin" else real_version(name))
    assert cache.code_on_disk() != cache.loaded_code()  # upgraded on disk, while this process runs the old one
    assert cache.code_fingerprint() == loaded
