"""Writing generated files that do not come from templates (JSON, XML)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path


def write_text(output_dir: str | Path, relative: str, text: str) -> Path:
    return write_bytes(output_dir, relative, text.encode("utf-8"))


def json_text(data: object) -> str:
    """JSON as the site writes it: Chinese unescaped, Python's default separators."""
    return json.dumps(data, ensure_ascii=False)


def json_bytes(data: object) -> bytes:
    """The site's JSON files: UTF-8, one trailing newline."""
    return (json_text(data) + "\n").encode("utf-8")


def json_list_bytes(name: str, encoded: list[str]) -> bytes:
    """What ``json_bytes({name: items})`` gives, from the items already encoded by ``json_text`` (pieces kept
    from the last build, wenming.build.fragments)."""
    return (f"{{{json_text(name)}: [" + ", ".join(encoded) + "]}\n").encode("utf-8")


def write_json(output_dir: str | Path, relative: str, data: object) -> Path:
    return write_bytes(output_dir, relative, json_bytes(data))


def write_bytes(output_dir: str | Path, relative: str, data: bytes) -> Path:
    """Write ``data`` to ``relative`` under ``output_dir``, making its folder when missing (tried after the
    file: a build writes ~10,000 JSON files into a few folders)."""
    path = os.path.join(output_dir, relative)
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    return Path(path)


def plain_relative(name: str) -> bool:
    """Whether ``name`` joined to a folder stays inside it for certain: no leading ``/``, no ``//``, no ``\\``,
    no ``.`` or ``..`` part (what Pelican's sanitised_join would find, without its two ``abspath`` calls)."""
    return not (name.startswith("/") or "//" in name or "\\" in name
                or any(part in (".", "..") for part in name.split("/")))


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Make ``target`` (which must not exist) a hard link to ``source``, or a copy where links fail."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
