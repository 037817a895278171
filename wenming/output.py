"""Writing generated files that do not come from templates (JSON, XML)."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_text(output_dir: str | Path, relative: str, text: str) -> Path:
    path = Path(output_dir) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_json(output_dir: str | Path, relative: str, data: object) -> Path:
    return write_text(output_dir, relative, json.dumps(data, ensure_ascii=False) + "\n")


def write_json_files(output_dir: str | Path, folder: str, documents) -> int:
    """Many JSON files in one folder from (name, data) pairs: the folder is made once, not per file."""
    directory = os.path.join(output_dir, folder)
    os.makedirs(directory, exist_ok=True)
    count = 0
    for name, data in documents:
        with open(os.path.join(directory, name), "w", encoding="utf-8") as file:
            file.write(json.dumps(data, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_bytes(output_dir: str | Path, relative: str, data: bytes) -> Path:
    path = Path(output_dir) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
