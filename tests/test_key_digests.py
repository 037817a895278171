"""Page keys digest the reports a page shows; long lists and each report's parts are worked out once a build,
and never stand in for a list or a report that changed."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
from pelican.contents import Content

from wenming.build import digests as digests_module
from wenming.build import render_cache
from wenming.build.digests import ReportDigests
from wenming.model.news import NewsItem
from wenming.model.registry import Named


def report(i: int, html: str = "") -> NewsItem:
    return NewsItem(source=Path(f"/c/news/r{i}.md"), slug=f"r{i}", title=f"报道{i}", date=datetime.date(2022, 5, 1),
                    status="published", units=[], village=None, platform=None, task=None,
                    kind=Named("活动", "huodong"), topics=[], publications=[], summary=f"摘要{i}",
                    html=html or f"<p>正文{i}</p>", front_matter_digest=f"fm{i}")


def digest(digests: ReportDigests, value, front_matter: bool = True) -> list[str]:
    out: list[str] = []
    digests.collect(value, out, front_matter=front_matter)
    return out


def test_a_long_list_is_digested_once_and_again_when_it_changes(monkeypatch):
    monkeypatch.setattr(digests_module, "_LONG_LIST", 4)
    reports = [report(i) for i in range(6)]
    digests = ReportDigests()
    first = digest(digests, reports)
    assert len(first) == 1  # one digest for the whole list
    assert digest(digests, reports) == first
    assert digest(digests, list(reports)) == first  # another list of the same reports
    assert digest(ReportDigests(), reports) == first  # the next build's digest of the same list

    reports[3] = report(3, html="<p>改过的正文</p>")  # the same list object, one report replaced
    changed = digest(digests, reports)
    assert changed != first
    assert digest(digests, reports, front_matter=False) != changed  # front matter asked for or not

    reports.append(report(6))
    assert digest(digests, reports) != changed


def test_short_lists_and_reports_give_their_parts(monkeypatch):
    monkeypatch.setattr(digests_module, "_LONG_LIST", 64)
    reports = [report(i) for i in range(3)]
    digests = ReportDigests()
    parts = digest(digests, reports)
    assert len(parts) == 6 and parts[1] == "r0\0fm0" and parts[3] == "r1\0fm1"
    assert digest(digests, reports, front_matter=False) == [parts[0], parts[2], parts[4]]
    edited = dataclasses.replace(reports[1], html="<p>新</p>")
    assert digest(digests, [reports[0], edited, reports[2]])[2] != parts[2]


def article_of(item: NewsItem) -> Content:
    """A Pelican article as the engine makes it, reduced to what keys read: its report."""
    article = Content.__new__(Content)
    article.report = item
    return article


@pytest.mark.parametrize("long_list", [2, 64])
def test_an_article_whose_report_was_swapped_gets_a_new_digest(monkeypatch, long_list):
    """A quick preview render puts the edited report into the same article object."""
    monkeypatch.setattr(digests_module, "_LONG_LIST", long_list)
    articles = [article_of(report(i)) for i in range(3)]
    digests = ReportDigests()
    before_list, before_one = digest(digests, articles), digest(digests, articles[1])
    articles[1].report = report(1, html="<p>预览里改过的正文</p>")
    assert digest(digests, articles) != before_list
    assert digest(digests, articles[1]) != before_one


@pytest.mark.parametrize("name", ["index.html", "news/a/index.html", "column/page/3/index.html", "./news/a.html",
                                  "news//a.html", "news/../x.html", "news/./a.html", "a/b/../../c.html"])
def test_a_kept_page_is_placed_where_pelican_would_write_it(tmp_path, name):
    from pelican.utils import sanitised_join
    writer = render_cache.IncrementalWriter(str(tmp_path / "out" / ".." / "out"), settings={})
    assert writer._target(name) == sanitised_join(writer.output_path, name)
