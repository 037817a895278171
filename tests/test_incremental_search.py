"""Search after incremental builds, in headless Chromium over a sharded index: an edited report is found by its
new words and no longer by its old ones, a deleted report is found by nothing, and only the shards holding
them were indexed again."""

from __future__ import annotations

import re
import sys
import threading

import pytest
from browser_support import browser  # noqa: F401 (fixture; `page` is in conftest.py)
from conftest import run_cli
from sitekit import make_site, news, write_news

from wenming.build.lock import build_lock
from wenming.build.pipeline import build, read_and_validate
from wenming.build.search_stage import search_plan
from wenming.preview.server import make_server
from wenming.publish import search_index
from wenming.publish.search_index import plan_bundles
from wenming.source.diagnostics import ContentError

TOWNS = ["城北街道", "杨河镇", "茶镇"]
COUNTS = re.compile(r"search index: (\d+) pages in (\d+) bundles \((\d+) built, (\d+) reused\)")


def report(i: int, body: str) -> str:
    return news(title=f"{TOWNS[i % 3]}开展第{i}次宣讲活动", slug=f"r{i}", units=TOWNS[i % 3],
                date=f"2022-05-{i + 1:02d}", body=body)


def rebuild_messages(content, output) -> list[str]:
    messages: list[str] = []
    build(content, output, progress=messages.append)
    return messages


def rebuild(content, output) -> tuple[int, int, int]:
    messages = rebuild_messages(content, output)
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


def add_report(content, keep_bundles: bool) -> tuple[int, str]:
    """Write a 13th report whose page falls into a bundle with room left (``keep_bundles``), or into a full one,
    which it splits in two; returns its number and title. Its body has words no other report has (电信诈骗)."""
    plan = search_plan(read_and_validate(content))
    pages = [page for bundle_pages in plan.values() for page in bundle_pages]
    reports = [page for page in pages if page.startswith("news/")]
    others = [page for page in pages if not page.startswith("news/")]
    number = next(i for i in range(12, 200)
                  if (plan_bundles([*reports, f"news/r{i}/index.html"], others).keys() == plan.keys()) == keep_bundles)
    write_news(content, f"r{number}.md", report(number, "宣讲活动正文。\n\n志愿者教老人辨认电信诈骗短信。"))
    return number, f"{TOWNS[number % 3]}开展第{number}次宣讲活动"


def build_seeing_live(content, output, page, url, words: str) -> tuple[dict, list[str]]:
    """Build as the CMS does (told when the pages are live); what the site and its search showed then."""
    seen: dict[str, object] = {}
    messages: list[str] = []

    def live(result) -> None:
        seen["pages"] = sorted(path.parent.name for path in (output / "site/news").glob("r*/index.html"))
        seen["found"] = found(page, url, words)

    build(content, output, progress=messages.append, on_live=live)
    return seen, messages


def test_an_added_reports_pages_go_live_before_its_search_bundle_which_follows(sharded, page):
    """An added report takes an in-place update; a caller told when the pages are live (the CMS) gets them
    before Pagefind runs: the search still serves the previous bundles then, and finds the report once the
    build has returned (wenming.build.search_stage)."""
    content, output, url = sharded
    number, title = add_report(content, keep_bundles=True)
    seen, messages = build_seeing_live(content, output, page, url, "电信诈骗")
    assert any("the search bundles follow once indexed" in message for message in messages), messages
    assert f"r{number}" in seen["pages"] and seen["found"] == []
    assert found(page, url, "电信诈骗") == [title]
    assert len(found(page, url, "宣讲活动")) == 13
    assert not list(output.glob(".staging-*"))  # its staged bundles moved in, the rest deleted
    assert "nothing changed since the last build" in "".join(rebuild_messages(content, output))


def test_an_added_report_that_splits_a_bundle_is_searchable_as_soon_as_it_is_live(sharded, page):
    """The search page then names bundles the live site does not have yet: the build indexes them first."""
    content, output, url = sharded
    number, title = add_report(content, keep_bundles=False)
    seen, messages = build_seeing_live(content, output, page, url, "电信诈骗")
    assert not any("follow once indexed" in message for message in messages), messages
    assert f"r{number}" in seen["pages"] and seen["found"] == [title]
    assert len(found(page, url, "宣讲活动")) == 13


def test_on_the_command_line_an_added_reports_search_bundle_follows_in_the_background(sharded, page):
    content, output, url = sharded
    options = ["--content", str(content), "--output", str(output)]
    number, title = add_report(content, keep_bundles=True)
    done = run_cli("build", *options)
    assert done.returncode == 0, done.stderr
    assert "the search bundles follow once indexed" in done.stdout, done.stdout
    assert "once its search bundles are in" in done.stdout
    assert (output / f"site/news/r{number}/index.html").is_file()
    with build_lock(output, lambda message: None):
        pass  # the background step is done
    assert not list(output.glob(".staging-*"))
    assert found(page, url, "电信诈骗") == [title]
    assert len(found(page, url, "宣讲活动")) == 13
    again = run_cli("build", *options)
    assert "nothing changed since the last build" in again.stdout, again.stdout


def test_when_the_search_bundles_that_follow_fail_the_pages_stay_live_and_the_next_build_indexes_them(
        sharded, page, monkeypatch):
    """The caches are saved while the bundles are indexed, the manifest only once they are in: after a failure
    the next build is neither "up to date" nor a patch, and its search stage indexes the bundle again."""
    content, output, url = sharded
    number, title = add_report(content, keep_bundles=True)
    monkeypatch.setattr(search_index, "PAGEFIND_COMMAND", [sys.executable, "-m", "pagefind", "--no-such-option"])
    lived: list = []
    with pytest.raises(ContentError) as failure:
        build(content, output, on_live=lived.append)
    assert len(lived) == 1 and [d.code for d in failure.value.diagnostics] == ["E904"]
    assert (output / f"site/news/r{number}/index.html").is_file()  # live before the search failed
    assert not list(output.glob(".staging-*"))
    monkeypatch.setattr(search_index, "PAGEFIND_COMMAND", None)
    messages = rebuild_messages(content, output)
    assert any(message.startswith("reading and validating") for message in messages), messages  # a full build
    indexed = [message for message in messages if message.startswith("search index:")]
    assert len(indexed) == 1 and "(1 built, " in indexed[0], messages
    assert found(page, url, "电信诈骗") == [title]
    assert len(found(page, url, "宣讲活动")) == 13



def test_the_caches_are_saved_while_the_search_bundles_that_follow_are_indexed(sharded, monkeypatch):
    """After the pages are live, the next build waits for the search bundles and the saved caches: both at
    once, then the manifest (which says the site is whole) once the bundles are in."""
    from wenming.build.cache import ManifestStore
    from wenming.build.render_cache import RenderCache
    from wenming.build.search_stage import SearchStage

    content, output, _url = sharded
    add_report(content, keep_bundles=True)
    order: list[str] = []
    saved = threading.Event()
    finish, save_pages, save_manifest = SearchStage.finish, RenderCache.save, ManifestStore.save

    def finishing(stage, live_site):
        if not saved.wait(10):  # the caches are not saved until the bundles are in: fail the build
            raise RuntimeError("the caches were not saved while the search bundles were indexed")
        order.append("search")
        return finish(stage, live_site)

    def saving_pages(cache, cache_dir):
        save_pages(cache, cache_dir)
        order.append("pages")
        saved.set()

    monkeypatch.setattr(SearchStage, "finish", finishing)
    monkeypatch.setattr(RenderCache, "save", saving_pages)
    monkeypatch.setattr(ManifestStore, "save", lambda store, *args: (order.append("manifest"),
                                                                     save_manifest(store, *args)))
    messages: list[str] = []
    build(content, output, progress=messages.append, on_live=lambda _result: None)
    assert any("the search bundles follow once indexed" in message for message in messages), messages
    assert order == ["pages", "search", "manifest"]
    assert "nothing changed since the last build" in "".join(rebuild_messages(content, output))
