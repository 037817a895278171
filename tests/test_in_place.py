"""Publishing a build in place: only the changed files are staged and moved over the live site's, the files the
build no longer makes are deleted, and a build that renders most of the site again swaps it in whole."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

from wenming.build.in_place import commit, make_whole
from wenming.build.pipeline import build
from wenming.publish import search_index

ROOT = Path(__file__).resolve().parent.parent


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")


def test_commit_moves_staged_files_swaps_bundles_and_deletes_what_the_build_no_longer_makes(tmp_path):
    live, staged = tmp_path / "output" / "site", tmp_path / "staged"
    _write(live, {"index.html": "old home", "news/a/index.html": "a", "news/gone/index.html": "gone",
                  "media/x.webp": "x", "pagefind/pagefind.js": "old bundle", "pagefind-shards/s0/f": "kept shard",
                  "pagefind-shards/s9/f": "shard no longer planned", "feeds/all": "a file where a folder goes"})
    _write(staged, {"index.html": "new home", "news/b/index.html": "b", "feeds/all/index.xml": "feed",
                    "pagefind/pagefind.js": "new bundle"})
    kept_inode = (live / "news/a/index.html").stat().st_ino

    committed = commit(staged, live, kept={"news/a/index.html", "media/x.webp", "index.html"},
                       bundles={"pagefind", "pagefind-shards/s0"})

    assert _tree(live) == {"index.html": b"new home", "news/a/index.html": b"a", "news/b/index.html": b"b",
                           "media/x.webp": b"x", "feeds/all/index.xml": b"feed", "pagefind/pagefind.js": b"new bundle",
                           "pagefind-shards/s0/f": b"kept shard"}
    assert (live / "news/a/index.html").stat().st_ino == kept_inode  # left where it was, not copied
    assert not (live / "news" / "gone").exists() and not (live / "pagefind-shards" / "s9").exists()
    assert (committed.moved, committed.deleted) == (4, 2)
    assert committed.files == {"index.html", "news/a/index.html", "news/b/index.html", "media/x.webp",
                               "feeds/all/index.xml"}
    assert not list(live.rglob(".trash")) and (live.parent / ".trash").is_dir()  # the old bundle, outside the site


def test_a_commit_after_another_deletes_from_what_the_last_one_left_without_walking_the_site(tmp_path):
    live, staged = tmp_path / "output" / "site", tmp_path / "staged"
    _write(live, {"index.html": "old", "news/a/index.html": "a", "news/gone/index.html": "gone",
                  "pagefind-shards/s0/f": "s0", "pagefind-shards/s9/f": "s9"})
    staged.mkdir()
    first = commit(staged, live, kept={"index.html", "news/a/index.html", "news/gone/index.html"},
                   bundles={"pagefind-shards/s0", "pagefind-shards/s9"})
    assert (first.files, first.deleted) == ({"index.html", "news/a/index.html", "news/gone/index.html"}, 0)
    (live / "stray.html").write_text("put there by hand", encoding="utf-8")  # not what a commit left: not seen
    _write(staged, {"index.html": "new"})

    second = commit(staged, live, kept={"news/a/index.html"}, bundles={"pagefind-shards/s0"}, last=first)

    assert _tree(live) == {"index.html": b"new", "news/a/index.html": b"a", "pagefind-shards/s0/f": b"s0",
                           "stray.html": b"put there by hand"}
    assert (second.moved, second.deleted) == (1, 2)  # news/gone and the retired bundle's file
    assert not (live / "news" / "gone").exists() and not (live / "pagefind-shards" / "s9").exists()
    assert second.files == {"index.html", "news/a/index.html"} and second.bundles == {"pagefind-shards/s0"}


def test_make_whole_links_the_kept_files_and_bundles_into_the_staged_site(tmp_path):
    live, staged = tmp_path / "site", tmp_path / "staged"
    _write(live, {"index.html": "old", "news/a/index.html": "a", "pagefind-shards/s0/f": "shard"})
    _write(staged, {"index.html": "new"})
    assert make_whole(staged, live, ["index.html", "news/a/index.html"], ["pagefind-shards/s0"]) == 2
    assert _tree(staged) == {"index.html": b"new", "news/a/index.html": b"a", "pagefind-shards/s0/f": b"shard"}
    assert (staged / "news/a/index.html").stat().st_ino == (live / "news/a/index.html").stat().st_ino


def test_a_removal_and_a_new_title_update_the_live_site_in_place_and_match_a_full_build(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    output = tmp_path / "output"
    site = build(content, output).site_dir
    removed, retitled, kept = sorted((content / "news").rglob("*.md"))[:3]
    slug = re.compile(r"^slug: (\S+)", re.M)
    removed_page = site / "news" / slug.search(removed.read_text(encoding="utf-8")).group(1)
    kept_page = site / "news" / slug.search(kept.read_text(encoding="utf-8")).group(1) / "index.html"
    retitled_page = site / "news" / slug.search(retitled.read_text(encoding="utf-8")).group(1) / "index.html"
    picture = next((site / "media").iterdir())
    inodes = (site.stat().st_ino, kept_page.stat().st_ino, picture.stat().st_ino)

    removed.unlink()  # front-matter changes: a full build, not a body-edit patch
    text = retitled.read_text(encoding="utf-8")
    retitled.write_text(re.sub(r"^title: .*$", "title: 就地更新测试的新标题", text, count=1, flags=re.M),
                        encoding="utf-8")
    messages: list[str] = []
    build(content, output, progress=messages.append)

    assert any("in place" in message for message in messages), messages
    # The same site; the kept page and the picture variants left as they were.
    assert (site.stat().st_ino, kept_page.stat().st_ino, picture.stat().st_ino) == inodes
    assert removed_page.is_dir() is False and not list(site.rglob(".trash"))
    assert "就地更新测试的新标题" in retitled_page.read_text(encoding="utf-8")
    fresh = build(content, tmp_path / "fresh").site_dir
    live, full = _tree(site), _tree(fresh)
    bundles = re.compile(r"^pagefind")  # Pagefind's bytes differ from run to run (see test_patch_build)
    assert sorted(n for n in live if not bundles.match(n)) == sorted(n for n in full if not bundles.match(n))
    assert [n for n in full if not bundles.match(n) and full[n] != live[n]] == []


def test_a_build_that_renders_most_pages_again_swaps_the_whole_site(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    output = tmp_path / "output"
    site = build(content, output).site_dir
    site_inode = site.stat().st_ino
    messages: list[str] = []
    build(content, output, progress=messages.append, as_of=datetime.date(2022, 7, 1))  # every page keyed anew
    assert not any("in place" in message for message in messages)
    assert site.stat().st_ino != site_inode  # a new tree, swapped in one step
    assert (site / "index.html").is_file() and (site / "news").is_dir()


def test_search_bundles_whose_pages_were_all_kept_stay_without_being_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 8)
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    output = tmp_path / "output"
    site = build(content, output).site_dir
    shards = {p.name: p.stat().st_ino for p in (site / search_index.SHARDS_DIR).iterdir()}
    assert len(shards) > 3
    report = sorted((content / "news").rglob("*.md"))[0]
    text = report.read_text(encoding="utf-8")
    report.write_text(re.sub(r"^title: .*$", "title: 分片保留测试的新标题", text, count=1, flags=re.M), encoding="utf-8")
    indexers: list[search_index.SearchIndexer] = []
    real_wait = search_index.SearchIndexer.wait
    monkeypatch.setattr(search_index.SearchIndexer, "wait", lambda self: indexers.append(self) or real_wait(self))
    messages: list[str] = []
    build(content, output, progress=messages.append)
    (indexer,) = indexers
    digested = [indexer._plan[bundle] for bundle in indexer.read]

    assert any("in place" in message for message in messages)
    assert any(re.search(rf"\(1 built, {len(shards)} reused\)", m) for m in messages), messages
    # Only bundles with a page written again were read: the edited report's shard, and the primary bundle
    # (its static pages show the site's lists, so a new title renders them again), not the other shards.
    report_bundles = [pages for pages in digested if any(page.startswith("news/") for page in pages)]
    assert len(report_bundles) == 1 and len(digested) <= 2
    changed = [name for name, inode in shards.items() if (site / search_index.SHARDS_DIR / name).stat().st_ino != inode]
    assert len(changed) == 1
    fresh = build(content, tmp_path / "fresh").site_dir  # every bundle has the input of a build from scratch
    for bundle in [search_index.PRIMARY_BUNDLE, *(f"{search_index.SHARDS_DIR}/{name}" for name in shards)]:
        recorded = Path(bundle, search_index.DIGEST_FILE)
        assert (site / recorded).read_text() == (fresh / recorded).read_text(), bundle
