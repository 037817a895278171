"""Start-up costs every command pays: pypinyin (its phrase dictionary) is imported only when a name needs a
pinyin slug, and the message catalog is read with libyaml's loader, giving the same messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from wenming.source import messages

ROOT = Path(__file__).resolve().parent.parent


def _imports(*args: str) -> str:
    """The modules imported by ``python -X importtime`` running ``args``."""
    result = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    return result.stderr


def test_cli_help_does_not_import_pypinyin():
    imported = _imports("build.py", "check", "--help")
    assert "wenming.source.slugs" in imported
    assert "pypinyin" not in imported


def test_slugs_import_pypinyin_when_a_name_needs_it():
    code = ("import sys; from wenming.source.slugs import pinyin_slug, file_slug; from pathlib import Path;"
            "assert 'pypinyin' not in sys.modules; assert file_slug(Path('plain-name.md')) == 'plain-name';"
            "assert 'pypinyin' not in sys.modules; print(pinyin_slug('城北街道'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "chengbei-jiedao"


def test_catalog_is_read_with_libyaml_and_gives_the_same_messages():
    if yaml.__with_libyaml__:
        assert messages._CATALOG_LOADER is yaml.CSafeLoader
    pure = {}
    for path in sorted(messages.CATALOG_DIR.glob("*.yml")):
        for key, entry in (yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader) or {}).items():
            pure[key] = messages.Message(key, entry["zh"], entry["en"], entry.get("fix", ""), path.stem)
    assert messages.catalog() == pure
    assert len(pure) > 50
