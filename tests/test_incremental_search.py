"""Search after incremental builds, in headless Chromium over a sharded index: an edited report is found by its
new words and no longer by its old ones, a deleted report is found by nothing, and only the shards holding
them were indexed again."""

from __future__ import annotations

import re
import threading

import pytest
from browser_support import browser  # noqa: F401 (fixture; `page` is in conftest.py)
from conftest import run_cli
from sitekit import make_site, news, write_news

from wenming.build.lock import build_lock
from wenming.build.pipeline import build
from wenming.preview.server import make_server
from wenming.publish import search_index

TOWNS = ["城北街道", "杨河镇", "茶镇"]
COUNTS = re.compile(r"search index: (\d+) pages in (\d+) bundles \((\d+) built, (\d+) reused\)")


def report(i: int, body: str) -> str:
    return news(title=f"{TOWNS[i % 3]}开展第{i}次宣讲活动", slug=f"r{i}", units=TOWNS[i % 3],
                date=f"2022-05-{i + 1:02d}", body=body)


def rebuild(content, output) -> tuple[int, int, int]:
    messages: list[str] = []
    build(content, output, progress=messages.append)
    pages, bundles, built, _ = next(map(int, m.groups()) for m in map(COUNTS.search, messages) if m)
    return pages, bundles, built


@pytest.fixture
def sharded(tmp_path, monkeypatch):
    """Twelve reports in shards of at most three, served on loopback from output/site (swapped by each build)."""
    monkeypatch.setattr(search_index, "SHARD_SIZE", 3)
    bodies = {i: "宣讲活动正文。" for i in range(12)}
    bodies[4] = "宣讲活动正文。孩子们学做传统竹编灯笼。"
    bodies[9] = "宣讲活动正文。\n\n村民一起观测猎户座流星雨。"  # the first paragraph is its summary
    content = make_site(tmp_path, {f"r{i}.md": report(i, body) for i, body in bodies.items()})
    output = tmp_path / "output"
    build(content, output)
    server = make_server(output / "site", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield content, output, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def found(page, url: str, query: str) -> list[str]:
    """Titles the search page lists for ``query`` (a fresh load: no index chunk cached from before)."""
    page.context.clear_cookies()
    page.goto(url + "search/?q=" + query + "&fresh=" + str(id(query)))
    page.wait_for_function("() => /找到|没有/.test(document.querySelector('.search-status').textContent)",
                           timeout=20000)
    return page.locator(".search-results .report-title a").all_inner_texts()


def test_an_edit_is_found_by_its_new_words_only_and_a_deletion_by_none(sharded, page):
    content, output, url = sharded
    assert found(page, url, "竹编灯笼") == ["杨河镇开展第4次宣讲活动"]
    assert found(page, url, "流星雨") == ["城北街道开展第9次宣讲活动"]

    write_news(content, "r4.md", report(4, "宣讲活动正文。孩子们学做传统剪纸窗花。"))
    pages, bundles, built = rebuild(content, output)
    assert (pages, built) == (12, 1) and bundles >= 4  # one shard indexed again, the others kept
    assert found(page, url, "竹编灯笼") == []
    assert found(page, url, "剪纸窗花") == ["杨河镇开展第4次宣讲活动"]
    assert found(page, url, "流星雨") == ["城北街道开展第9次宣讲活动"]

    (content / "news" / "r9.md").unlink()
    pages, _, built = rebuild(content, output)
    assert pages == 11 and built <= 2  # the shard that held it (or the two it merged into one)
    assert found(page, url, "流星雨") == []
    assert found(page, url, "剪纸窗花") == ["杨河镇开展第4次宣讲活动"]
    assert len(found(page, url, "宣讲活动")) == 11


def test_an_edit_patched_into_the_site_is_found_by_its_new_words_only(sharded, page):
    """A body edit that leaves the summary alone takes the patch (wenming.build.patch): its search bundle
    is indexed again from the live site's other pages and the new one."""
    content, output, url = sharded
    assert found(page, url, "猎户座") == ["城北街道开展第9次宣讲活动"]
    write_news(content, "r9.md", report(9, "宣讲活动正文。\n\n村民一起观测双子座流星雨和月全食。"))
    result = build(content, output)
    assert result.patched is not None and "news/r9/index.html" in result.patched
    assert found(page, url, "猎户座") == []
    assert found(page, url, "月全食") == ["城北街道开展第9次宣讲活动"]
    assert found(page, url, "竹编灯笼") == ["杨河镇开展第4次宣讲活动"]
    assert len(found(page, url, "宣讲活动")) == 12


def test_on_the_command_line_an_edits_pages_go_live_first_and_its_search_bundle_follows(sharded, page):
    """The command line's patch moves the pages in without waiting for Pagefind; its search bundle follows in
    the background, which holds the build lock until it is in. Once the lock is free, the search finds the new
    words only, and the next command finds nothing to do."""
    content, output, url = sharded
    options = ["--content", str(content), "--output", str(output)]
    write_news(content, "r9.md", report(9, "宣讲活动正文。\n\n村民一起观测双子座流星雨和日环食。"))
    done = run_cli("build", *options)
    assert done.returncode == 0, done.stderr
    assert "1 search bundle(s) follow once indexed" in done.stdout, done.stdout
    assert "once its search bundles are in" in done.stdout
    assert "日环食" in (output / "site/news/r9/index.html").read_text(encoding="utf-8")
    with build_lock(output, lambda message: None):
        pass  # the background step is done
    assert not list(output.glob(".patch-*"))  # its staged files deleted
    assert found(page, url, "猎户座") == []
    assert found(page, url, "日环食") == ["城北街道开展第9次宣讲活动"]
    assert len(found(page, url, "宣讲活动")) == 12
    again = run_cli("build", *options)
    assert "nothing changed since the last build" in again.stdout, again.stdout
