"""Our Pelican subclass: the same archives as Pelican's own generator, found without quadratic scans."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pelican.generators import ArticlesGenerator
from sitekit import make_site, news

from wenming.build.cache import content_relative
from wenming.build.engine import SiteArticle, SiteArticlesGenerator
from wenming.build.pipeline import build
from wenming.build.search_stage import search_plan


def _summary(archives):
    return {granularity: [(a["save_as"], a["url"], a["period"], a["period_num"], [id(x) for x in a["dates"]],
                           [id(x) for x in a["articles"]]) for a in periods]
            for granularity, periods in archives.items()}


def test_period_archives_match_pelicans_own(tmp_path):
    reports = {f"r{i}.md": news(title=f"第{i}篇报道", date=f"2022-{month:02d}-{day:02d}", slug=f"r{i}")
               for i, (month, day) in enumerate([(1, 5), (1, 20), (3, 3), (3, 3), (3, 28), (11, 9), (1, 1)])}
    generator = build(make_site(tmp_path, reports), tmp_path / "output").last.articles_generator
    assert type(generator) is SiteArticlesGenerator
    pelicans = ArticlesGenerator._build_period_archives(generator, generator.dates, generator.articles,
                                                        generator.settings)
    ours = generator._build_period_archives(generator.dates, generator.articles, generator.settings)
    assert _summary(ours) == _summary(pelicans)
    months = {a["period_num"]: len(a["articles"]) for a in ours["month"]}
    assert months == {(2022, 1): 3, (2022, 3): 3, (2022, 11): 1}
    assert [a["period_num"] for a in ours["year"]] == [(2022,)] and not ours.get("day")


def test_switched_off_taxonomy_pages_do_not_scan_the_reports(tmp_path):
    generator = build(make_site(tmp_path), tmp_path / "output").last.articles_generator
    assert generator.categories and generator.settings["CATEGORY_SAVE_AS"] == ""

    class Untouchable(list):
        def __iter__(self):
            raise AssertionError("the reports were scanned for a page that is not written")

    generator.dates = Untouchable(generator.dates)
    written = []
    for method in (generator.generate_categories, generator.generate_tags, generator.generate_authors):
        method(lambda *args, **kwargs: written.append(args[0]))
    assert written == []


def test_reports_of_the_same_day_list_in_the_same_order_in_every_run(tmp_path):
    """Pelican finds files through a set: with string hashing randomised per process, reports of one
    day came out in a different order from run to run (and every list page changed)."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    reports = {f"r{i}.md": news(title=f"同日报道{i}", slug=f"same-day-{i}", date="2022-06-01") for i in range(9)}
    content = make_site(tmp_path, reports)
    pages = []
    for seed in ("1", "2", "3"):
        output = tmp_path / f"out-{seed}"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content),
                        "--output", str(output)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        pages.append((output / "site/column/index.html").read_bytes())
    assert pages[0] == pages[1] == pages[2]
    from bs4 import BeautifulSoup

    titles = [a.get_text(strip=True) for a in BeautifulSoup(pages[0], "html.parser").select("main h2 a")]
    assert len(titles) >= 2 and titles == [f"同日报道{i}" for i in range(len(titles))]  # same day: by slug


def test_search_shards_are_indexed_while_later_report_pages_are_still_unwritten(tmp_path, monkeypatch):
    from wenming.publish import search_index

    monkeypatch.setattr(search_index, "SHARD_SIZE", 3)
    reports = {f"r{i}.md": news(title=f"分片报道{i}", slug=f"shard-{i}", date=f"2022-05-{i + 1:02d}")
               for i in range(12)}
    content = make_site(tmp_path, reports)
    ready_at: list[tuple[tuple[str, ...], int]] = []
    real_mark_ready = search_index.SearchIndexer.mark_ready

    def mark_ready(self, *bundles, **options):
        written = sum(1 for _ in self.site_dir.glob("news/*/index.html"))
        ready_at.append((bundles, written))
        real_mark_ready(self, *bundles, **options)

    monkeypatch.setattr(search_index.SearchIndexer, "mark_ready", mark_ready)
    result = build(content, tmp_path / "output")
    shards = [(bundles, written) for bundles, written in ready_at if bundles]
    plan = search_plan(result.model)
    assert len(shards) == len(plan) >= 3
    # Report pages are written shard by shard: the first shard went to Pagefind when its own pages,
    # and no others, were written.
    (first,), written = shards[0]
    assert first == next(iter(plan)) and written == len(plan[first]) < 12
    for bundle in (b for bundles, _ in shards for b in bundles):
        assert (result.site_dir / bundle / "pagefind-entry.json").is_file()


@pytest.mark.parametrize("path, base", [
    ("/site/content/news/a.md", "/site/content"), ("/site/content/news/a.md", "/site/content/"),
    ("/site/content/./news/a.md", "/site/content"), ("/site/content/../other/a.md", "/site/content"),
    ("/elsewhere/a.md", "/site/content"), ("/site/content/news//a.md", "/site/content"),
    ("/site/content/.drafts/a.md", "/site/content"), ("/site/content/news/a.md", "/site/x/../content"),
])
def test_a_path_relative_to_the_content_folder_is_what_relpath_works_out(path, base):
    assert content_relative(base)(path) == os.path.relpath(os.path.abspath(path), os.path.abspath(base))


def test_a_relative_path_is_relative_to_the_working_folder_it_was_given_in(tmp_path, monkeypatch):
    (tmp_path / "content" / "news").mkdir(parents=True)
    relative = content_relative(tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    assert relative("content/news/a.md") == os.path.join("news", "a.md")
    assert relative("content/news/a.md") == os.path.join("news", "a.md")  # remembered
    monkeypatch.chdir(tmp_path / "content")
    assert relative("content/news/a.md") == os.path.join("content", "news", "a.md")  # not the answer above
    assert relative("news/a.md") == os.path.join("news", "a.md")


@pytest.mark.parametrize("path", ["/site/content/news/a.md", "/site/content/../other/a.md"])
def test_a_path_asked_for_again_as_a_str_or_a_path_gets_the_same_answer(path):
    relative = content_relative("/site/content")
    expected = os.path.relpath(os.path.abspath(path), "/site/content")
    assert [relative(path), relative(Path(path)), relative(path), relative(Path(path))] == [expected] * 4


@pytest.fixture
def article(tmp_path):
    """A report as the build hands it to Pelican (wenming.build.engine.SiteArticle)."""
    generator = build(make_site(tmp_path, {"r1.md": news(slug="r1")}), tmp_path / "output").last.articles_generator
    (article,) = generator.articles
    assert type(article) is SiteArticle and article.is_valid()
    return article


@pytest.mark.parametrize("outside", ["../escape.html", "news/../../escape.html", "/tmp/escape.html",
                                     "news/./../../escape.html", "news//../../../escape.html"])
def test_a_report_written_outside_the_output_folder_is_still_refused(article, outside):
    article.override_save_as = outside
    assert not article.is_valid()


@pytest.mark.parametrize("inside", ["news/r1/index.html", "news/./r1/index.html", "news/x/../r1/index.html"])
def test_a_report_written_inside_the_output_folder_is_valid(article, inside):
    article.override_save_as = inside
    assert article.is_valid()


def test_links_to_static_files_are_found_only_where_the_body_names_them(article):
    article._content = '<p>附件：<a href="{static}/files/plan.pdf">方案</a>，另见 <a href="/news/r2/">attach</a></p>'
    assert article.get_static_links() == {"files/plan.pdf"}
    article._content = '<p>活动用的 static 展板，<a href="{filename}/news/r2.md">另一篇</a></p>'
    assert article.get_static_links() == set()
    article._content = "<p>正文。</p>"
    assert article.get_static_links() == set()
