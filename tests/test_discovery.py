"""Finding content files (wenming.source.discovery): the one listing every reader uses."""

from __future__ import annotations

from wenming.source.diagnostics import Diagnostics
from wenming.source.discovery import content_files


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
