"""Settled pages (wenming.build.settled): pages a build keeps without keying them, because what changed says
they cannot have. Each change below is built on top of the previous build and must give the site a build
from scratch gives, byte for byte; the pages settled are counted, and kept (same file)."""

from __future__ import annotations

import datetime
import random
import re
from pathlib import Path

import pytest
from sitekit import news, write_news, write_registry

from wenming.build.pagination import StablePaginator
from wenming.build.pipeline import build
from wenming.build.settled import Settled

PER_PAGE = 3  # per_page in tests/sitekit.py's site.yml
SETTLED = re.compile(r"(\d+) of these known unchanged without keys")


# --- archive pages on their own ------------------------------------------------------------------------

class _Report:
    pass


@pytest.mark.parametrize("seed", range(40))
def test_a_settled_archive_page_holds_what_it_held_before(seed):
    """Reports added anywhere into a list: every archive page said settled has the number and the reports
    it had before; when every added report is the newest, every archive page there was is settled."""
    rng = random.Random(seed)
    old = [_Report() for _ in range(rng.randrange(0, 30))]
    new, added = list(old), []
    newest_only = seed % 2 == 0
    for _ in range(rng.randrange(1, 4)):
        report = _Report()
        new.insert(0 if newest_only else rng.randrange(0, len(new) + 1), report)
        added.append(report)
    before, after = StablePaginator("/l/", old, PER_PAGE), StablePaginator("/l/", new, PER_PAGE)
    settled = Settled(frozenset(), frozenset(map(id, added)), lists=True)
    kept = [page.number for page in after.pages() if settled.archive_page(page)]
    for number in kept:
        assert number <= before.archive_pages
        assert after.page(number).object_list == before.page(number).object_list
    if newest_only:
        assert kept == list(range(before.archive_pages, 0, -1))
    assert not settled.archive_page(after.pages()[0])  # the first page never is
    assert not Settled(frozenset(), frozenset(), lists=False).archive_page(after.page(1)) if after.archive_pages else True


# --- real builds -----------------------------------------------------------------------------------------

def _report(i: int, **changes: str) -> str:
    date = datetime.date(2022, 1, 1) + datetime.timedelta(days=3 * i)
    fields = {"title": f"测试报道{i:02d}", "date": date.isoformat(),
              "units": ["[城北街道]", "[杨河镇]", "[城北街道, 县卫健局]"][i % 3],
              "kind": "培训" if i % 2 else "活动", **changes}
    return news(**fields)


EMPTY_FEED_UPDATED = re.compile(rb"(<updated>)[^<]*(</updated>)(?!.*<entry>)", re.S)


def _site_files(site: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the site but the search bundles (Pagefind's output is not byte-stable): bytes, inode.
    A feed without entries says it was updated when it was written: that time is left out."""
    return {p.relative_to(site).as_posix(): (EMPTY_FEED_UPDATED.sub(rb"\1\2", p.read_bytes()), p.stat().st_ino)
            for p in site.rglob("*") if p.is_file() and not p.relative_to(site).parts[0].startswith("pagefind")}


def _settled(messages: list[str]) -> int:
    return int(next(SETTLED.search(m) for m in messages if SETTLED.search(m)).group(1))


def _add_newest(content: Path) -> None:
    write_news(content, "r14.md", _report(14))


def _add_back_dated(content: Path) -> None:
    write_news(content, "r14.md", _report(14, date="2022-01-05"))


def _publish_draft(content: Path) -> None:
    path = content / "news" / "draft.md"
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: published"), encoding="utf-8")


def _retitle(content: Path) -> None:
    write_news(content, "r05.md", _report(5, title="改过标题的报道"))


def _remove(content: Path) -> None:
    (content / "news" / "r05.md").unlink()


def _edit_registry(content: Path) -> None:
    site = content / "data" / "site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace("测试文明实践中心", "测试文明实践中心（新）"),
                    encoding="utf-8")


# change -> (the fewest pages it settles, the most)
CHANGES = {
    "newest added": (_add_newest, 28, None),  # 14 report pages and their JSON, and more
    "back-dated added": (_add_back_dated, 28, None),
    "draft published": (_publish_draft, 28, None),
    "retitled": (_retitle, 26, None),  # 13 report pages and their JSON, no list page
    "removed": (_remove, 26, None),
    "registry edited": (_edit_registry, 0, 0),  # the shell changed: every page is keyed
}


@pytest.mark.parametrize("change", CHANGES)
def test_settled_pages_give_the_site_a_full_build_gives(tmp_path, change):
    make_change, fewest, most = CHANGES[change]
    content = write_registry(tmp_path / "content")
    for i in range(14):
        write_news(content, f"r{i:02d}.md", _report(i))
    write_news(content, "draft.md", _report(20, title="待发布的报道", status="draft"))
    output = tmp_path / "output"
    before = _site_files(build(content, output).site_dir)

    make_change(content)
    messages: list[str] = []
    site = build(content, output, progress=messages.append).site_dir
    after = _site_files(site)
    settled = _settled(messages)
    assert settled >= fewest and (most is None or settled <= most), settled
    fresh = _site_files(build(content, tmp_path / "fresh").site_dir)
    assert sorted(after) == sorted(fresh)
    assert [name for name in fresh if fresh[name][0] != after[name][0]] == []
    kept = {name for name in after if name in before and after[name][1] == before[name][1]}
    if change in ("newest added", "back-dated added", "draft published"):  # the other reports' pages were kept
        assert {f"news/r{i:02d}/index.html" for i in range(14)} <= kept
        assert {f"api/v1/news/r{i:02d}.json" for i in range(14)} <= kept
    if change == "newest added":  # and every archive page there was, and January's archive
        assert {"column/page/1/index.html", "column/page/2/index.html", "column/page/3/index.html",
                "column/2022/01/index.html"} <= kept


def test_a_page_deleted_from_the_live_site_by_hand_is_rendered_again_by_the_next_build(tmp_path):
    """A settled or keyed page is kept only while its file is still in the live site (RenderCache.reuse looks):
    trusting the last commit's list instead would leave it missing, and the search indexer, which reads
    every page, would fail every build until a forced one."""
    content = write_registry(tmp_path / "content")
    for i in range(14):
        write_news(content, f"r{i:02d}.md", _report(i))
    output = tmp_path / "output"
    build(content, output)  # swapped in whole
    _retitle(content)
    site = build(content, output).site_dir  # in place: its commit leaves its list of files
    (site / "news" / "r03" / "index.html").unlink()

    _add_newest(content)
    messages: list[str] = []
    build(content, output, progress=messages.append)
    assert _settled(messages) >= 28 and (site / "news" / "r03" / "index.html").is_file()
    assert _site_files(site).keys() == _site_files(build(content, tmp_path / "fresh").site_dir).keys()
