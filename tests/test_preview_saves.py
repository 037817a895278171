"""Editors that save through a temporary file renamed onto the report (vim, VS Code, `sed -i`) get the
quick preview like editors that write in place: the rename is an edit of the report."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import soup
from sitekit import make_site, news

from wenming.preview.live import Watcher

ROOT = Path(__file__).resolve().parent.parent


def _save_by_rename(path: Path, text: str) -> None:
    """What `sed -i` and vim's default save do: write a scratch file, rename it onto the file."""
    scratch = path.with_name(f"sed{os.getpid()}")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)


def _save_with_backup(path: Path, text: str) -> None:
    """What vim does with 'writebackup': rename the file to a backup, write it anew, delete the backup."""
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()


def _changes(folder: Path, save) -> set[Path]:
    seen: queue.Queue[set[Path]] = queue.Queue()
    watcher = Watcher([folder], seen.put, ignored=[])
    watcher.start()
    try:
        time.sleep(0.3)
        save()
        batches = [seen.get(timeout=10)]
        with contextlib.suppress(queue.Empty):
            while True:
                batches.append(seen.get(timeout=1))
    finally:
        watcher.stop()
    return set().union(*batches)


def test_a_rename_onto_a_file_is_a_change_of_that_file_only(tmp_path):
    report = tmp_path / "a.md"
    report.write_text("旧", encoding="utf-8")
    assert _changes(tmp_path, lambda: _save_by_rename(report, "新")) == {report.resolve()}


def test_a_save_through_a_backup_file_is_a_change_of_that_file_only(tmp_path):
    report = tmp_path / "a.md"
    report.write_text("旧", encoding="utf-8")
    assert _changes(tmp_path, lambda: _save_with_backup(report, "新")) == {report.resolve()}


def test_renaming_a_report_away_is_still_seen_as_its_removal(tmp_path):
    report = tmp_path / "a.md"
    report.write_text("旧", encoding="utf-8")
    moved = tmp_path / "b.md"
    assert _changes(tmp_path, lambda: os.rename(report, moved)) == {report.resolve(), moved.resolve()}


class ServeProcess:
    """`build.py serve` with its output (stdout and stderr) read line by line in the background."""

    def __init__(self, content: Path, output: Path, script: Path = ROOT / "build.py") -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, str(script), "serve", "--port", "0", "--content", str(content),
             "--output", str(output)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 120) -> str:
        deadline, seen = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(seen)}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def test_serve_renders_a_report_saved_by_rename_at_once(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(slug="a", summary="固定的摘要。", body="原来的正文。")})
    serve = ServeProcess(content, tmp_path / "output")
    try:
        serve.wait_for(r"quick preview ready")
        serve.wait_for(r"Serving the site at")  # and watching
        _save_by_rename(content / "news" / "2022" / "a.md", news(slug="a", summary="固定的摘要。", body="改过的正文。"))
        line = serve.wait_for(r"page\(s\) updated|generating the public site")
        assert "page(s) updated" in line  # the quick render, not a full build
    finally:
        serve.stop()
    body = soup(tmp_path / "output" / "site" / "news" / "a" / "index.html").select_one(".report-body, article")
    assert "改过的正文" in body.get_text()
