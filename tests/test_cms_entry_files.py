"""The CMS finds an entry by slug in the file where the last listing saw it, and lists again when that changed."""

from __future__ import annotations

from pathlib import Path

from sitekit import news

from wenming.cms.entries import EntryFiles, collection

NEWS = collection("news")


def write(content: Path, name: str, slug: str, title: str = "城北街道开展宣讲活动") -> Path:
    path = content / "news" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(news(title=title, units="城北街道", slug=slug), encoding="utf-8")
    return path


def test_find_looks_at_the_remembered_file_and_lists_again_when_it_changed(tmp_path, monkeypatch):
    content = tmp_path / "content"
    write(content, "a.md", "huodong-a")
    write(content, "b.md", "huodong-b")
    files = EntryFiles(content)
    assert [e.slug for e in files.all(NEWS)] == ["huodong-a", "huodong-b"]

    listings = []
    listing = files.all
    monkeypatch.setattr(files, "all", lambda kind: listings.append(kind) or listing(kind))
    assert files.find(NEWS, "huodong-b").path == (content / "news/b.md").resolve()
    assert listings == []  # one file looked at, no listing

    write(content, "b.md", "huodong-c", title="改了标识的报道")  # the file now has another slug
    write(content, "z.md", "huodong-b", title="标识搬到了这里")
    found = files.find(NEWS, "huodong-b")
    assert found.path == (content / "news/z.md").resolve() and found.fields["title"] == "标识搬到了这里"
    assert len(listings) == 1

    (content / "news/z.md").unlink()
    assert files.find(NEWS, "huodong-b") is None
    assert files.find(NEWS, "huodong-c").fields["title"] == "改了标识的报道"
