"""The parsed-files cache between builds (wenming.build.entry_store): a row per entry, a save writes only
the entries that changed, and a store made by other code is never used."""

from __future__ import annotations

import dataclasses
import pickle
import sqlite3
from pathlib import Path

import pytest
from sitekit import make_site, news, write_news

from wenming.build import entry_store
from wenming.build.entry_store import EntryStore
from wenming.build.pipeline import build
from wenming.source import frontmatter
from wenming.source.diagnostics import ContentError


@dataclasses.dataclass
class Entry:
    size: int
    text: str


@pytest.fixture(params=["from the file", "from this process's memory"])
def remembered(request, monkeypatch):
    """Run a test with stores read from their file, and again with what this process saved last."""
    if request.param == "from the file":
        monkeypatch.setattr(entry_store, "_SAVED_BY_THIS_PROCESS", _Forgetful())
    return request.param


class _Forgetful(dict):
    def __setitem__(self, key, value) -> None:
        pass


def test_a_save_writes_only_what_changed_and_deletes_what_is_gone(tmp_path, remembered):
    path = tmp_path / "store.sqlite3"
    first = EntryStore(path, "code-1")
    assert first.load() == {}
    first.save({"a.md": Entry(1, "甲"), "b.md": Entry(2, "乙"), ("key", 3): Entry(3, "丙")})
    assert first.written == 3

    second = EntryStore(path, "code-1")
    entries = second.load()
    assert entries == {"a.md": Entry(1, "甲"), "b.md": Entry(2, "乙"), ("key", 3): Entry(3, "丙")}
    entries["a.md"] = Entry(10, "甲改")
    del entries["b.md"]
    entries["c.md"] = Entry(4, "丁")
    second.save(entries)
    assert second.written == 2  # a.md and c.md; the tuple-keyed entry is the object loaded, not written

    assert EntryStore(path, "code-1").load() == {"a.md": Entry(10, "甲改"), ("key", 3): Entry(3, "丙"),
                                                 "c.md": Entry(4, "丁")}


def test_memory_is_used_only_while_the_file_is_the_one_this_process_wrote(tmp_path):
    path = tmp_path / "store.sqlite3"
    saved = {"a.md": Entry(1, "甲")}
    EntryStore(path, "code-1").save(saved)
    assert EntryStore(path, "code-1").load()["a.md"] is saved["a.md"]  # not unpickled again

    with sqlite3.connect(path) as other_writer:  # another process (a CLI build, say) changes the file
        other_writer.execute("INSERT INTO entries (key, value) VALUES (?, ?)",
                             (pickle.dumps("b.md", protocol=pickle.HIGHEST_PROTOCOL),
                              pickle.dumps(Entry(2, "乙"), protocol=pickle.HIGHEST_PROTOCOL)))
    other_writer.close()
    loaded = EntryStore(path, "code-1").load()
    assert loaded == {"a.md": Entry(1, "甲"), "b.md": Entry(2, "乙")} and loaded["a.md"] is not saved["a.md"]
    assert EntryStore(path, "code-2").load() == {}


def test_other_code_or_a_damaged_file_means_an_empty_cache(tmp_path, remembered):
    path = tmp_path / "store.sqlite3"
    EntryStore(path, "code-1").save({"a.md": Entry(1, "甲")})
    newer = EntryStore(path, "code-2")
    assert newer.load() == {}
    newer.save({"b.md": Entry(2, "乙")})
    assert EntryStore(path, "code-2").load() == {"b.md": Entry(2, "乙")}
    assert EntryStore(path, "code-1").load() == {}

    path.write_bytes(b"not a database at all" * 100)
    damaged = EntryStore(path, "code-2")
    assert damaged.load() == {}
    damaged.save({"c.md": Entry(3, "丙")})
    assert EntryStore(path, "code-2").load() == {"c.md": Entry(3, "丙")}


def test_a_rebuild_after_one_edit_writes_one_parsed_file(tmp_path, monkeypatch):
    content = make_site(tmp_path, {f"r{i}.md": news(title=f"城北街道开展第{i}次宣讲活动", slug=f"r{i}") for i in range(6)})
    output = tmp_path / "output"
    build(content, output)
    saves: list[int] = []
    save = EntryStore.save

    def counting(self, entries):
        save(self, entries)
        saves.append(self.written)

    monkeypatch.setattr(EntryStore, "save", counting)
    write_news(content, "r3.md", news(title="城北街道开展第3次宣讲活动", slug="r3", body="改过的正文。"))
    site = build(content, output).site_dir
    assert saves == [1]
    assert "改过的正文" in (site / "news/r3/index.html").read_text(encoding="utf-8")

    # The cached entries give the same pages as a build without them.
    fresh = build(content, tmp_path / "fresh").site_dir
    for page in ("news/r3/index.html", "news/r4/index.html", "column/index.html"):
        assert (fresh / page).read_bytes() == (site / page).read_bytes(), page


@pytest.mark.parametrize("folder", ["absolute", "relative"])
def test_a_new_process_takes_unchanged_files_from_the_cache_with_their_paths_and_stamps(tmp_path, monkeypatch,
                                                                                       folder):
    """The parsed files come back from the store without their paths (each gets the path it is read by) and
    without a second stat of each file (the build's listing gave its size and modification time)."""
    monkeypatch.setattr(entry_store, "_SAVED_BY_THIS_PROCESS", _Forgetful())  # read back from the file
    content = make_site(tmp_path, {f"r{i}.md": news(title=f"城北街道开展第{i}次宣讲活动", slug=f"r{i}")
                                   for i in range(4)})
    if folder == "relative":
        monkeypatch.chdir(tmp_path)
        content = content.relative_to(tmp_path)
    output = tmp_path / "output"
    build(content, output)
    write_news(content, "r2.md", news(title="城北街道开展第2次宣讲活动", slug="r2", body="改过的正文。"))

    parsed: list[str] = []
    parse, stat = frontmatter._read_source, Path.stat
    monkeypatch.setattr(frontmatter, "_read_source", lambda path, *a: parsed.append(path.name) or parse(path, *a))
    asked: list[str] = []
    monkeypatch.setattr(Path, "stat", lambda path, **k: (asked.append(path.name) if path.suffix == ".md" else None)
                        or stat(path, **k))
    result = build(content, output, force=True)  # a whole build, not a patch of one page

    assert parsed == ["r2.md"]
    assert asked == []
    assert sorted(item.source for item in result.model.news) == [content / "news" / f"r{i}.md" for i in range(4)]
    assert "改过的正文" in (result.site_dir / "news/r2/index.html").read_text(encoding="utf-8")


def test_a_cached_file_still_points_at_its_line_when_other_content_makes_it_wrong(tmp_path, monkeypatch):
    """A parsed file comes back from the store with its front matter's document (each value's line) pickled
    apart, unpickled only when a message needs a line: a unit the registry no longer lists is still reported
    at the line of the unchanged, cached report."""
    monkeypatch.setattr(entry_store, "_SAVED_BY_THIS_PROCESS", _Forgetful())  # read back from the file
    content = make_site(tmp_path, {"r1.md": news(title="杨河镇开展宣讲活动", units="杨河镇", slug="r1"),
                                   "r2.md": news(slug="r2")})
    output = tmp_path / "output"
    build(content, output)
    stored = sqlite3.connect(output / ".cache" / "sources.sqlite3").execute("SELECT value FROM entries").fetchall()
    assert stored and all(b"_doc_pickle" in value for value, in stored)  # the documents are pickled apart
    unpickled: list[str] = []  # the files whose document was unpickled
    lazy = frontmatter.SourceFile.__getattr__
    monkeypatch.setattr(frontmatter.SourceFile, "__getattr__",
                        lambda self, name: (name == "doc" and unpickled.append(self.__dict__["path"].name))
                        or lazy(self, name))
    parsed: list[str] = []
    parse = frontmatter._read_source
    monkeypatch.setattr(frontmatter, "_read_source", lambda path, *a: parsed.append(path.name) or parse(path, *a))
    build(content, output, force=True)
    assert parsed == [] and unpickled == []  # a build without problems never needs a line

    units = content / "data" / "units.yml"
    units.write_text(units.read_text(encoding="utf-8").replace("杨河镇", "杨河乡"), encoding="utf-8")
    with pytest.raises(ContentError) as failure:
        build(content, output)
    assert parsed == []  # both reports came from the store
    assert unpickled == ["r1.md"]
    (problem,) = [d for d in failure.value.diagnostics if d.code == "E201"]
    assert problem.path.endswith("r1.md") and problem.line == 4, problem.format()
