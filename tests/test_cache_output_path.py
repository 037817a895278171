"""`build.py build --output` accepts a path relative to the current folder (Pagefind, run in a folder
of its own, is handed absolute paths)."""

from __future__ import annotations

import json

from conftest import run_cli, soup
from sitekit import make_site, news

from wenming.build.lock import build_lock


def test_a_relative_output_folder_builds_the_site_and_its_search_index(tmp_path):
    make_site(tmp_path, {"2022/a.md": news(slug="a")})
    result = run_cli("build", "--content", "content", "--output", "relout", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "relout" / "site"
    assert soup(site / "news" / "a" / "index.html").select_one("h1").get_text(strip=True) == "城北街道开展宣讲活动"
    assert (site / "pagefind" / "pagefind.js").is_file()
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["zh-cn"]["page_count"] >= 1

    again = run_cli("build", "--content", "content", "--output", "relout", "--force", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    with build_lock(tmp_path / "relout", lambda message: None):
        pass  # the background step (search bundles, then the caches) is done: it holds the lock until then
    assert not list((tmp_path / "relout").glob(".staging-*"))
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
