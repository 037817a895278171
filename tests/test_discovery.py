"""Finding content files (wenming.source.discovery): the one listing every reader uses."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from wenming.source import discovery
from wenming.source.diagnostics import Diagnostics
from wenming.source.discovery import DirectoryScans, content_files


def test_content_files_are_sorted_by_path_parts_and_skip_hidden_and_set_aside_files(tmp_path):
    for name in ("b.md", "a.markdown", "sub/c.md", "a-b/d.md", ".hidden.md", "_draft.md", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    diagnostics = Diagnostics(tmp_path)
    found = content_files(tmp_path, diagnostics)
    assert [path.relative_to(tmp_path).as_posix() for path in found] == ["a-b/d.md", "a.markdown", "b.md", "sub/c.md"]
    assert [d.code for d in diagnostics.items] == ["W401"]  # _draft.md, set aside with a warning


def test_a_listing_again_gives_the_same_path_objects_and_sees_new_and_removed_files(tmp_path):
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "b.md").write_text("x", encoding="utf-8")
    first = content_files(tmp_path)
    (tmp_path / "b.md").unlink()
    (tmp_path / "c.md").write_text("x", encoding="utf-8")
    second = content_files(tmp_path)
    assert [path.name for path in second] == ["a.md", "c.md"]
    assert second[0] is first[0]  # made once per process (a long-running CMS lists its content on every request)


def age(*folders, seconds: int = 60) -> None:
    """Give ``folders`` a modification time ``seconds`` ago (a listing of a folder unchanged for that long is kept)."""
    when = time.time() - seconds
    for folder in folders:
        os.utime(folder, (when, when))


def tree(root: Path) -> Path:
    for name in ("2022/01/a.md", "2022/01/b.md", "2022/02/c.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    age(root, root / "2022", root / "2022/01", root / "2022/02")
    return root


def names(found: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in found]


def test_kept_listings_are_reused_while_no_folder_changed(tmp_path, monkeypatch):
    root, scans = tree(tmp_path), DirectoryScans()
    assert names(content_files(root, scans=scans), root) == ["2022/01/a.md", "2022/01/b.md", "2022/02/c.md"]
    read = []
    scandir = os.scandir
    monkeypatch.setattr(discovery.os, "scandir", lambda path: read.append(path) or scandir(path))
    (root / "2022/02/d.md").write_text("x", encoding="utf-8")
    age(root / "2022/02", seconds=30)
    assert names(content_files(root, scans=scans), root)[-1] == "2022/02/d.md"
    assert read == [os.fspath(root / "2022/02")]  # the only folder read again
    # a file appears while its folder's time is put back: no listing can see that, and a kept one is reused
    before = (root / "2022/01").stat().st_mtime_ns
    (root / "2022/01/hidden-by-the-time.md").write_text("x", encoding="utf-8")
    os.utime(root / "2022/01", ns=(before, before))
    assert names(content_files(root, scans=scans), root) == ["2022/01/a.md", "2022/01/b.md", "2022/02/c.md",
                                                             "2022/02/d.md"]
    assert "2022/01/hidden-by-the-time.md" in names(content_files(root), root)  # a fresh walk reads every folder


def test_kept_listings_see_files_added_removed_and_moved_and_new_folders(tmp_path):
    root, scans = tree(tmp_path), DirectoryScans()
    content_files(root, scans=scans)
    (root / "2022/02/d.md").write_text("x", encoding="utf-8")
    (root / "2022/01/a.md").unlink()
    (root / "2022/01/b.md").rename(root / "2022/02/b.md")
    (root / "2023/05").mkdir(parents=True)
    (root / "2023/05/e.md").write_text("x", encoding="utf-8")
    (root / "2022/02/_set-aside.md").write_text("x", encoding="utf-8")
    # changed a while ago (the listings of folders changed within the last seconds are never kept: below)
    age(root, root / "2022/01", root / "2022/02", root / "2023", root / "2023/05", seconds=30)
    diagnostics = Diagnostics(root)
    assert names(content_files(root, diagnostics, scans=scans), root) == ["2022/02/b.md", "2022/02/c.md",
                                                                          "2022/02/d.md", "2023/05/e.md"]
    assert [d.code for d in diagnostics.items] == ["W401"]
    shutil.rmtree(root / "2023")
    age(root, seconds=20)
    again = Diagnostics(root)
    assert names(content_files(root, again, scans=scans), root) == ["2022/02/b.md", "2022/02/c.md", "2022/02/d.md"]
    assert [d.code for d in again.items] == ["W401"]  # a reused listing still warns of the file set aside


def test_a_folder_changed_within_the_last_seconds_is_read_again_each_time(tmp_path):
    root, scans = tree(tmp_path), DirectoryScans()
    (root / "2022/02/new.md").write_text("x", encoding="utf-8")  # 2022/02 now changed just now
    changed = (root / "2022/02").stat().st_mtime_ns
    assert "2022/02/new.md" in names(content_files(root, scans=scans), root)
    # another change in the same tick of the folders' clock would leave its time as it was: not trusted yet
    (root / "2022/02/same-tick.md").write_text("x", encoding="utf-8")
    os.utime(root / "2022/02", ns=(changed, changed))
    assert "2022/02/same-tick.md" in names(content_files(root, scans=scans), root)
