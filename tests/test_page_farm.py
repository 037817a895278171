"""The page farm an index worker hands Pagefind: one bundle's pages at a time, its folders reused."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from wenming.publish.page_farm import PageFarm, remove_abandoned


def make_site(root: Path, pages: list[str]) -> Path:
    for page in pages:
        path = root / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body data-pagefind-body>{page}</body></html>", encoding="utf-8")
    return root


def held(farm_root: str) -> set[str]:
    """The files in the farm, relative to it."""
    return {os.path.relpath(os.path.join(folder, name), farm_root)
            for folder, _, names in os.walk(farm_root) for name in names}


def wait_until_gone(cache: Path) -> None:
    """A discarded farm is renamed "retired-…" at once and deleted by a detached process."""
    deadline = time.monotonic() + 60
    while list(cache.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(cache.iterdir()) == []


@pytest.fixture
def cache(tmp_path) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    return folder


def test_the_farm_holds_exactly_the_pages_of_the_last_bundle_as_links_to_them(tmp_path, cache):
    first = ["news/a/index.html", "news/b/index.html", "about/index.html"]
    second = ["news/c/index.html", "news/d/index.html", "index.html"]
    site = make_site(tmp_path / "site", first + second)
    farm = PageFarm(cache)

    root = farm.hold(first, lambda page: str(site / page))
    assert held(root) == set(first)
    root_again = farm.hold(second, lambda page: str(site / page))

    assert root_again == root
    assert held(root) == set(second)
    for page in second:
        assert os.path.samefile(os.path.join(root, page), site / page)


def test_a_report_folder_is_renamed_for_the_next_bundle_rather_than_made_anew(tmp_path, cache):
    first, second = [f"news/a{i}/index.html" for i in range(4)], [f"news/b{i}/index.html" for i in range(4)]
    site = make_site(tmp_path / "site", first + second)
    farm = PageFarm(cache)

    root = farm.hold(first, lambda page: str(site / page))
    folders_before = {os.stat(os.path.join(root, "news", f"a{i}")).st_ino for i in range(4)}
    farm.hold(second, lambda page: str(site / page))
    folders_after = {os.stat(os.path.join(root, "news", f"b{i}")).st_ino for i in range(4)}

    assert folders_after == folders_before  # the same folders (inodes), under the new pages' names
    assert sorted(os.listdir(os.path.join(root, "news"))) == [f"b{i}" for i in range(4)]


def test_a_folder_that_holds_a_wanted_page_below_it_is_not_moved(tmp_path, cache):
    first = ["about/index.html", "about/team/index.html", "news/a/index.html"]
    second = ["about/team/index.html", "news/b/index.html", "news/c/index.html", "projects/x/index.html"]
    site = make_site(tmp_path / "site", first + second)
    farm = PageFarm(cache)

    farm.hold(first, lambda page: str(site / page))
    root = farm.hold(second, lambda page: str(site / page))

    assert held(root) == set(second)
    for page in second:
        assert os.path.samefile(os.path.join(root, page), site / page)


def test_a_page_held_again_links_the_file_that_replaced_it(tmp_path, cache):
    page = "news/a/index.html"
    site = make_site(tmp_path / "site", [page])
    farm = PageFarm(cache)
    root = farm.hold([page], lambda name: str(site / name))

    replacement = site / "news" / "a" / "new.html"
    replacement.write_text("<html><body>edited</body></html>", encoding="utf-8")
    replacement.replace(site / page)  # as a build replaces a file: a new one renamed over it
    farm.hold([page], lambda name: str(site / name))

    assert Path(root, page).read_text(encoding="utf-8") == "<html><body>edited</body></html>"


def test_a_missing_page_fails_and_discards_the_farm(tmp_path, cache):
    site = make_site(tmp_path / "site", ["news/a/index.html"])
    farm = PageFarm(cache)
    farm.hold(["news/a/index.html"], lambda page: str(site / page))

    with pytest.raises(OSError):
        farm.hold(["news/a/index.html", "news/gone/index.html"], lambda page: str(site / page))

    assert farm.root is None
    wait_until_gone(cache)
    root = farm.hold(["news/a/index.html"], lambda page: str(site / page))  # a new farm
    assert held(root) == {"news/a/index.html"}


def test_discard_deletes_the_farm_and_not_the_pages(tmp_path, cache):
    site = make_site(tmp_path / "site", ["news/a/index.html"])
    farm = PageFarm(cache)
    farm.hold(["news/a/index.html"], lambda page: str(site / page))

    farm.discard()

    wait_until_gone(cache)
    assert (site / "news" / "a" / "index.html").read_text(encoding="utf-8").endswith("</html>")


def test_farms_of_a_worker_that_is_gone_are_removed_and_a_live_ones_kept(cache):
    live = cache / f"farm-{os.getpid()}-live"
    (live / "news").mkdir(parents=True)
    dead = cache / "farm-999999999-dead"  # above any pid Linux hands out (pid_max is at most 2**22)
    (dead / "news").mkdir(parents=True)

    remove_abandoned(cache)

    assert live.is_dir()
    assert not dead.exists()
