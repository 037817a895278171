"""The search index in bundles: the plan of shards, reuse of unchanged bundles, failures, the pipeline."""

from __future__ import annotations

import json
import math
import random
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import soup
from sitekit import make_site, news, write_news

from wenming.build.pipeline import build
from wenming.publish import search_index
from wenming.publish.search_index import (
    DIGEST_FILE,
    PRIMARY_BUNDLE,
    SearchIndexer,
    SearchIndexError,
    bundle_urls,
    plan_bundles,
)
from wenming.source.diagnostics import ContentError

TOWNS = ["城北街道", "杨河镇", "茶镇"]


def report_paths(count: int, prefix: str = "r") -> list[str]:
    return [f"news/{prefix}{i:05d}/index.html" for i in range(count)]


def where(plan: dict[str, list[str]]) -> dict[str, str]:
    return {page: bundle for bundle, pages in plan.items() for page in pages}


# --- the plan ---------------------------------------------------------------------------------------------


def assert_farms_removed(cache: Path) -> None:
    """Farms are renamed "retired-…" at once and deleted by a detached process: wait for it."""
    leftovers = list(cache.iterdir())
    assert all(p.name.startswith("retired-farm-") for p in leftovers), leftovers
    deadline = time.monotonic() + 60
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.05)
        leftovers = list(cache.iterdir())
    assert leftovers == []

def test_few_pages_share_the_primary_bundle():
    reports, others = report_paths(5), ["about/index.html", "privacy/index.html"]
    plan = plan_bundles(reports, others)
    assert plan == {PRIMARY_BUNDLE: sorted(reports + others)}
    assert bundle_urls(plan) == ["/pagefind/"]


def test_nothing_to_index_means_no_bundles():
    assert plan_bundles([], []) == {}
    assert bundle_urls({}) == []


def test_many_reports_are_dealt_into_shards_within_the_limit(monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 50)
    reports, others = report_paths(1000), ["about/index.html", "privacy/index.html"]
    plan = plan_bundles(reports, others)
    assert plan[PRIMARY_BUNDLE] == others
    shards = [bundle for bundle in plan if bundle != PRIMARY_BUNDLE]
    assert math.ceil(1000 / 50) <= len(shards) <= 2 * math.ceil(1000 / 50)
    assert min(len(plan[bundle]) for bundle in shards) > 50 // 8  # halves of full shards, not crumbs
    assert all(bundle.startswith("pagefind-shards/") for bundle in shards)
    assert sorted(page for bundle in shards for page in plan[bundle]) == reports
    assert max(len(pages) for pages in plan.values()) <= 50
    assert min(len(plan[bundle]) for bundle in shards) > 0
    urls = bundle_urls(plan)
    assert urls[0] == "/pagefind/" and len(set(urls)) == len(urls) == len(plan)


@pytest.mark.parametrize("size", [2, 3, 7])
def test_every_report_is_placed_once_and_no_shard_is_overfull(monkeypatch, size):
    monkeypatch.setattr(search_index, "SHARD_SIZE", size)
    for count in range(0, 60):
        reports = report_paths(count)
        plan = plan_bundles(reports, ["about/index.html"])
        placed = [page for pages in plan.values() for page in pages]
        assert sorted(placed) == sorted(reports + ["about/index.html"])
        assert all(0 < len(pages) <= size for pages in plan.values()), (count, plan)


def test_without_static_pages_the_first_shard_is_the_primary_bundle(monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 10)
    plan = plan_bundles(report_paths(100), [])
    assert bundle_urls(plan)[0] == "/pagefind/" and PRIMARY_BUNDLE in plan
    assert sum(len(pages) for pages in plan.values()) == 100


def test_the_assignment_is_stable(monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 100)
    reports = report_paths(1000)
    shuffled = reports[:]
    random.Random(1).shuffle(shuffled)
    plan = plan_bundles(reports, ["about/index.html"])
    assert plan_bundles(shuffled, ["about/index.html"]) == plan
    before = where(plan)

    added = where(plan_bundles(reports + ["news/new-report/index.html"], ["about/index.html"]))
    assert {page: bundle for page, bundle in added.items() if page != "news/new-report/index.html"} == before

    removed = where(plan_bundles(reports[1:], ["about/index.html"]))
    assert removed == {page: bundle for page, bundle in before.items() if page != reports[0]}

    renamed = where(plan_bundles([*reports[1:], "news/renamed/index.html"], ["about/index.html"]))
    moved = {page for page in reports[1:] if renamed[page] != before[page]}
    assert moved == set()


def test_an_added_report_changes_one_shard_only(monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 100)
    reports = report_paths(1000)
    plan = plan_bundles(reports, [])
    grown = plan_bundles(reports + ["news/new-report/index.html"], [])
    assert plan.keys() == grown.keys()
    changed = [bundle for bundle in plan if plan[bundle] != grown[bundle]]
    assert len(changed) == 1 and "news/new-report/index.html" in grown[changed[0]]


def test_growing_one_report_at_a_time_touches_at_most_two_shards_each_time(monkeypatch):
    """Whatever the count (also when the number of shards changes), an added report changes the shard it
    falls into, or splits that shard in two: every other shard keeps exactly its pages (and its index)."""
    monkeypatch.setattr(search_index, "SHARD_SIZE", 20)
    reports = report_paths(400)
    previous = plan_bundles(reports[:30], ["about/index.html"])
    shard_counts = set()
    for count in range(31, 400):
        plan = plan_bundles(reports[:count], ["about/index.html"])
        kept = {tuple(pages) for pages in plan.values()} & {tuple(pages) for pages in previous.values()}
        assert len(plan) - len(kept) in (1, 2), count
        assert len(previous) - len(kept) == 1, count  # the one shard the report fell into is replaced
        assert all(len(pages) <= 20 for pages in plan.values())
        shard_counts.add(len(plan))
        previous = plan
    assert len(shard_counts) > 5  # the number of shards grew along the way


def test_a_removed_report_changes_at_most_two_shards(monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 20)
    reports = report_paths(300)
    plan = plan_bundles(reports, [])
    for gone in reports[:40]:
        shrunk = plan_bundles([r for r in reports if r != gone], [])
        old = {tuple(pages) for pages in plan.values()}
        new = {tuple(pages) for pages in shrunk.values()}
        assert 1 <= len(old - new) <= 2 and len(new - old) == 1, gone


# --- the indexer on hand-made sites -------------------------------------------------------------------------

def page_html(title: str, town: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta data-pagefind-filter="镇（街道）[content]" content="{town}"></head>'
            f'<body><nav>导航</nav><article data-pagefind-body><h1>{title}</h1><p>{body}</p></article></body></html>')


def write_pages(site: Path, count: int) -> list[str]:
    pages = report_paths(count)
    for i, page in enumerate(pages):
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(page_html(f"{TOWNS[i % 3]}报道{i}", TOWNS[i % 3], f"第{i}篇正文，宣讲活动。"),
                                 encoding="utf-8")
    (site / "index.html").write_text(page_html("首页", "城北街道", "不在计划里"), encoding="utf-8")
    return pages


def snapshot(site: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(site)): (p.stat().st_ino, p.read_bytes()) for p in site.rglob("*") if p.is_file()}


def run_indexer(site: Path, previous: Path | None, cache: Path, plan: dict) -> SearchIndexer:
    indexer = SearchIndexer(site, previous, cache)
    indexer.start(plan)
    indexer.wait()
    return indexer


def test_only_the_changed_shard_is_rebuilt_the_rest_linked(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 3)
    first, second, cache = tmp_path / "first", tmp_path / "second", tmp_path / "cache"
    pages = write_pages(first, 10)
    plan = plan_bundles(pages, [])
    assert len(plan) >= 4
    before = snapshot(first)
    indexer = run_indexer(first, None, cache, plan)
    assert sorted(indexer.built) == sorted(plan) and indexer.reused == []
    written = {path for path in snapshot(first).keys() - before.keys()}
    assert written and all(path.split("/")[0] in {"pagefind", "pagefind-shards"} for path in written)
    assert {path: value for path, value in snapshot(first).items() if path in before} == before
    for bundle in plan:
        assert (first / bundle / "pagefind-entry.json").is_file()
        entry = json.loads((first / bundle / "pagefind-entry.json").read_text())
        assert entry["languages"]["zh-cn"]["page_count"] == len(plan[bundle])
    assert_farms_removed(cache)

    write_pages(second, 10)
    edited = pages[4]
    (second / edited).write_text(page_html("改过的报道", "茶镇", "改过的正文。"), encoding="utf-8")
    indexer = run_indexer(second, first, cache, plan)
    changed = where(plan)[edited]
    assert indexer.built == [changed]
    assert sorted(indexer.reused) == sorted(set(plan) - {changed})
    summary = indexer.wait()
    assert f"{len(plan)} bundles (1 built, {len(plan) - 1} reused)" in summary and "10 pages" in summary
    for bundle in plan:
        old = {p.relative_to(first / bundle): p.stat().st_ino for p in (first / bundle).rglob("*") if p.is_file()}
        new = {p.relative_to(second / bundle): p.stat().st_ino for p in (second / bundle).rglob("*") if p.is_file()}
        if bundle == changed:
            assert new[Path("pagefind-entry.json")] != old[Path("pagefind-entry.json")]
            assert (second / bundle / DIGEST_FILE).read_text() != (first / bundle / DIGEST_FILE).read_text()
        else:
            assert new == old  # the same files, hard-linked


def test_a_bundle_from_another_pagefind_version_is_not_reused(tmp_path, monkeypatch):
    first, second, cache = tmp_path / "first", tmp_path / "second", tmp_path / "cache"
    plan = plan_bundles(write_pages(first, 4), [])
    run_indexer(first, None, cache, plan)
    write_pages(second, 4)
    monkeypatch.setattr(search_index, "FORMAT", "another format")
    assert run_indexer(second, first, cache, plan).built == [PRIMARY_BUNDLE]


def test_start_returns_while_pagefind_runs(tmp_path, monkeypatch):
    site, flag = tmp_path / "site", tmp_path / "go"
    plan = plan_bundles(write_pages(site, 3), [])
    waiting = ("import os, sys, time\n"
               f"while not os.path.exists({str(flag)!r}): time.sleep(0.02)\n"
               "os.execv(sys.executable, [sys.executable, '-m', 'pagefind', *sys.argv[1:]])")
    monkeypatch.setattr(search_index, "PAGEFIND_COMMAND", [sys.executable, "-c", waiting])
    indexer = SearchIndexer(site, None, tmp_path / "cache")
    began = time.monotonic()
    indexer.start(plan)
    assert time.monotonic() - began < 1
    time.sleep(0.3)
    assert not (site / PRIMARY_BUNDLE / DIGEST_FILE).exists()
    threading.Timer(0.2, flag.touch).start()
    assert "1 built, 0 reused" in indexer.wait()
    assert (site / PRIMARY_BUNDLE / "pagefind.js").is_file()


def test_cancel_ends_the_running_pagefind(tmp_path, monkeypatch):
    site = tmp_path / "site"
    plan = plan_bundles(write_pages(site, 3), [])
    monkeypatch.setattr(search_index, "PAGEFIND_COMMAND", [sys.executable, "-c", "import time; time.sleep(60)"])
    indexer = SearchIndexer(site, None, tmp_path / "cache")
    indexer.start(plan)
    time.sleep(0.5)
    began = time.monotonic()
    indexer.cancel()
    assert time.monotonic() - began < 10
    with pytest.raises(SearchIndexError, match="cancelled"):
        indexer.wait()
    assert_farms_removed(tmp_path / "cache")


def test_a_pagefind_failure_raises_with_its_message(tmp_path, monkeypatch):
    site = tmp_path / "site"
    plan = plan_bundles(write_pages(site, 3), [])
    monkeypatch.setattr(search_index, "PAGEFIND_COMMAND", [sys.executable, "-m", "pagefind", "--no-such-option"])
    indexer = SearchIndexer(site, None, tmp_path / "cache")
    indexer.start(plan)
    with pytest.raises(SearchIndexError, match=r"(?s)search indexing of pagefind/ \(3 pages\) failed.*--no-such-option"):
        indexer.wait()
    assert not (site / PRIMARY_BUNDLE / DIGEST_FILE).exists()
    assert_farms_removed(tmp_path / "cache")


def recording_parents(log: Path) -> list[str]:
    """A Pagefind command that notes which worker process ran it (its parent), then runs Pagefind."""
    script = ("import os, sys\n"
              f"with open({str(log)!r}, 'a') as log: log.write(f'{{os.getppid()}}\\n')\n"
              "os.execv(sys.executable, [sys.executable, '-m', 'pagefind', *sys.argv[1:]])")
    return [sys.executable, "-c", script]


def test_while_pages_are_written_one_worker_indexes_then_two_share_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 2)
    monkeypatch.setattr(search_index.os, "cpu_count", lambda: 2)
    site, log = tmp_path / "site", tmp_path / "parents"
    plan = plan_bundles(write_pages(site, 12), [])
    monkeypatch.setattr(search_index, "PAGEFIND_COMMAND", recording_parents(log))
    indexer = SearchIndexer(site, None, tmp_path / "cache")
    indexer.start(plan, ready=[])
    first, *rest = list(plan)
    indexer.mark_ready(first)  # rendering goes on: one worker
    deadline = time.monotonic() + 120
    while not (site / first / DIGEST_FILE).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(set(log.read_text().split())) == 1
    indexer.mark_ready()  # every page written: a second worker joins
    indexer.wait()
    assert sorted(indexer.built) == sorted(plan) and indexer.pages == 12
    assert len(plan) > 2
    started = log.read_text().split()
    assert len(set(started)) == 2 and len(started) == 2  # one Pagefind service per worker, not one per bundle
    for bundle in plan:
        entry = json.loads((site / bundle / "pagefind-entry.json").read_text())
        assert entry["languages"]["zh-cn"]["page_count"] == len(plan[bundle])
        names = {path.name for path in (site / bundle).iterdir()}
        assert {"fragment", "index"} <= names and any(name.startswith("wasm.") for name in names)
        # Pagefind's scripts and styles only in the primary bundle: the others are merged into it
        assert ("pagefind.js" in names and "pagefind-ui.js" in names) == (bundle == PRIMARY_BUNDLE), names
    assert_farms_removed(tmp_path / "cache")


def test_a_failure_in_one_worker_stops_the_other(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 2)
    monkeypatch.setattr(search_index.os, "cpu_count", lambda: 2)
    site = tmp_path / "site"
    plan = plan_bundles(write_pages(site, 12), [])
    token = tmp_path / "fail-once"
    token.touch()
    script = ("import os, sys, time\n"  # the first Pagefind fails, any other runs for a minute
              f"try: os.rename({str(token)!r}, {str(token)!r} + '.taken')\n"
              "except FileNotFoundError: time.sleep(60)\n"
              "else: sys.exit(3)")
    monkeypatch.setattr(search_index, "PAGEFIND_COMMAND", [sys.executable, "-c", script])
    indexer = SearchIndexer(site, None, tmp_path / "cache")
    began = time.monotonic()
    indexer.start(plan)
    with pytest.raises(SearchIndexError, match="failed"):
        indexer.wait()
    assert time.monotonic() - began < 60
    assert not any((site / bundle / DIGEST_FILE).exists() for bundle in plan)
    assert_farms_removed(tmp_path / "cache")


def test_a_missing_page_raises(tmp_path):
    site = tmp_path / "site"
    plan = plan_bundles([*write_pages(site, 2), "news/gone/index.html"], [])
    indexer = SearchIndexer(site, None, tmp_path / "cache")
    indexer.start(plan)
    with pytest.raises(SearchIndexError, match="news/gone/index.html"):
        indexer.wait()


# --- through the pipeline -----------------------------------------------------------------------------------

def sharded_reports() -> dict[str, str]:
    return {f"r{i}.md": news(title=f"{TOWNS[i % 3]}开展第{i}次宣讲活动", slug=f"r{i}", units=TOWNS[i % 3],
                             date=f"2022-05-{i + 1:02d}", body=f"正文第{i}段。宣讲活动。")
            for i in range(12)}


def search_bundles(site: Path) -> list[str]:
    return json.loads(soup(site / "search/index.html").select_one("form.search-form")["data-bundles"])


def bundle_inodes(site: Path, url: str) -> dict[Path, int]:
    folder = site / url.strip("/")
    return {p.relative_to(folder): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_a_rebuild_after_editing_one_report_reindexes_one_shard(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 3)
    content = make_site(tmp_path, sharded_reports())
    messages: list[str] = []
    site = build(content, tmp_path / "output", progress=messages.append).site_dir
    urls = search_bundles(site)
    assert len(urls) >= 4 and urls[0] == "/pagefind/"
    assert (site / "pagefind/pagefind.js").is_file()
    on_disk = {"/pagefind/", *(f"/pagefind-shards/{p.name}/" for p in (site / "pagefind-shards").iterdir())}
    assert set(urls) == on_disk
    pages = 0
    for url in urls:
        entry = json.loads((site / url.strip("/") / "pagefind-entry.json").read_text())
        pages += entry["languages"]["zh-cn"]["page_count"]
    assert pages == 12
    assert any(f"12 pages in {len(urls)} bundles ({len(urls)} built, 0 reused)" in m for m in messages), messages
    before = {url: bundle_inodes(site, url) for url in urls}

    write_news(content, "r7.md", news(title="茶镇开展第7次宣讲活动", slug="r7", units="茶镇", date="2022-05-08",
                                      body="改过的正文。"))
    messages.clear()
    site = build(content, tmp_path / "output", progress=messages.append).site_dir
    assert search_bundles(site) == urls
    assert any(f"12 pages in {len(urls)} bundles (1 built, {len(urls) - 1} reused)" in m for m in messages), messages
    changed = [url for url in urls if bundle_inodes(site, url) != before[url]]
    holder = "/" + where(plan_bundles([f"news/r{i}/index.html" for i in range(12)], []))["news/r7/index.html"] + "/"
    assert changed == [holder]
    assert "改过的正文" in (site / "news/r7/index.html").read_text(encoding="utf-8")


def test_a_search_failure_fails_the_build_and_keeps_the_previous_site(tmp_path, monkeypatch):
    content = make_site(tmp_path, sharded_reports())
    site = build(content, tmp_path / "output").site_dir
    before = snapshot(site)
    write_news(content, "r1.md", news(title="城北街道改过的报道", slug="r1"))
    monkeypatch.setattr(search_index, "PAGEFIND_COMMAND", [sys.executable, "-m", "pagefind", "--no-such-option"])
    with pytest.raises(ContentError) as failure:
        build(content, tmp_path / "output")
    assert "--no-such-option" in str(failure.value.diagnostics[0].message)
    assert snapshot(site) == before
