"""Writing generated files that do not come from templates (JSON, XML)."""

from __future__ import annotations

import json
from pathlib import Path


def write_text(output_dir: str | Path, relative: str, text: str) -> Path:
    path = Path(output_dir) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_json(output_dir: str | Path, relative: str, data: object) -> Path:
    return write_text(output_dir, relative, json.dumps(data, ensure_ascii=False) + "\n")


def write_bytes(output_dir: str | Path, relative: str, data: bytes) -> Path:
    path = Path(output_dir) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
