"""Pieces of site-wide files kept between builds (wenming.build.fragments): news.json's entries. The file a
build assembles from kept entries is the file encoding everything again gives, and an entry is encoded again
exactly when what it shows changed."""

from __future__ import annotations

import json

import pytest
from sitekit import news, write_news, write_registry

from wenming.build.pipeline import build
from wenming.output import json_bytes, json_list_bytes, json_text
from wenming.publish import api


@pytest.mark.parametrize("items", [[], [{"title": "“引号”与\\反斜杠\n换行", "n": 1}], [{"a": None}, {"b": [1.5, "茶乡"]}]])
def test_a_file_assembled_from_encoded_items_is_the_file_encoded_whole(items):
    assert json_list_bytes("items", [json_text(item) for item in items]) == json_bytes({"items": items})


class _Described:
    """The slugs of the reports builds described for the API, since the last ``clear``: for a news.json entry,
    or a report's own JSON file (kept while the report is unchanged, render_cache.write_generated). Kept in
    a file: the JSON API is written by the build's forked process (wenming.build.side_outputs)."""

    def __init__(self, path) -> None:
        self.path = path
        self.clear()

    def clear(self) -> None:
        self.path.write_text("", encoding="utf-8")

    def add(self, slug: str) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            out.write(slug + "\n")

    def __iter__(self):
        return iter(self.path.read_text(encoding="utf-8").split())


@pytest.fixture
def encoded(monkeypatch, tmp_path) -> _Described:
    slugs = _Described(tmp_path / "described.txt")
    real = api.news_summary
    monkeypatch.setattr(api, "news_summary", lambda item: slugs.add(item.slug) or real(item))
    return slugs


def _report(i: int, **changes: str) -> str:
    return news(**{"title": f"测试报道{i:02d}", "date": f"2022-03-{i + 1:02d}", "slug": f"r{i:02d}", **changes})


def _items(site) -> list[dict]:
    return json.loads((site / "api/v1/news.json").read_text(encoding="utf-8"))["items"]


def test_news_json_encodes_again_only_the_entries_whose_report_changed(tmp_path, encoded):
    content = write_registry(tmp_path / "content")
    for i in range(6):
        write_news(content, f"r{i:02d}.md", _report(i))
    output = tmp_path / "output"
    build(content, output)
    assert set(encoded) == {f"r{i:02d}" for i in range(6)}

    encoded.clear()
    write_news(content, "r06.md", _report(6))  # added
    write_news(content, "r02.md", _report(2, title="改过标题的报道"))  # retitled
    write_news(content, "r04.md", _report(4, summary="新的摘要。"))  # another summary
    site = build(content, output).site_dir
    assert set(encoded) == {"r02", "r04", "r06"}
    fresh = build(content, tmp_path / "fresh").site_dir
    assert (site / "api/v1/news.json").read_bytes() == (fresh / "api/v1/news.json").read_bytes()
    items = {item["slug"]: item for item in _items(site)}
    assert (items["r02"]["title"], items["r04"]["summary"], len(items)) == ("改过标题的报道", "新的摘要。", 7)

    encoded.clear()
    (content / "news" / "r03.md").unlink()
    site = build(content, output).site_dir
    assert set(encoded) == set() and "r03" not in {item["slug"] for item in _items(site)}

    encoded.clear()  # the registry is in every entry (unit names): all are encoded again
    registry = content / "data" / "site.yml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("测试文明实践中心", "测试文明实践中心（新）"),
                        encoding="utf-8")
    build(content, output)
    assert set(encoded) == {f"r{i:02d}" for i in (0, 1, 2, 4, 5, 6)}


def test_a_forked_child_sends_back_the_positions_of_what_it_kept_and_the_fragments_it_made():
    from wenming.build.fragments import Fragments
    previous = {("news.json", f"r{i}", "摘要"): f'{{"slug": "r{i}"}}' for i in range(5)}
    child = Fragments("shell", dict(previous))
    for i in (4, 1, 3):
        child.of(("news.json", f"r{i}", "摘要"), lambda: "never made")
    child.of(("news.json", "r9", "新的"), lambda: '{"slug": "r9"}')
    kept, made = child.used_since_fork()
    assert sorted(kept) == [1, 3, 4] and made == {("news.json", "r9", "新的"): '{"slug": "r9"}'}
    parent = Fragments("shell", dict(previous))
    parent.take(kept, made)
    assert parent.used == child.used
