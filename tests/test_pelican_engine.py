"""Our Pelican subclass: the same archives as Pelican's own generator, found without quadratic scans."""

from __future__ import annotations

from pelican.generators import ArticlesGenerator
from sitekit import make_site, news

from wenming.pelican_engine import SiteArticlesGenerator
from wenming.pipeline import build


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
