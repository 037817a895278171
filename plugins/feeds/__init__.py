"""Feeds beyond Pelican's column Atom feed: one Atom feed per town, a JSON Feed 1.1 of the
column, and a plain-HTML fragment of the latest reports for the county portal's 专栏.

Feed links are made absolute by the site's writer (plugins/writer)."""

from __future__ import annotations

import datetime

from pelican import signals
from pelican.generators import Generator

from wenming.model import urls
from wenming.output import write_json
from wenming.publish.api import absolute

JSON_FEED_ITEMS = 50
EMBED_ITEMS = 8
_CST = datetime.timezone(datetime.timedelta(hours=8))


def json_feed(site, articles) -> dict:
    base = site.base_url
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{site.title} · {site.column_title}",
        "home_page_url": absolute(base, urls.COLUMN),
        "feed_url": absolute(base, urls.NEWS_FEED_JSON),
        "description": site.description,
        "language": "zh-CN",
        "items": [
            {
                "id": absolute(base, a.report.url),
                "url": absolute(base, a.report.url),
                "title": a.report.title,
                "summary": a.report.summary,
                "content_html": a.report.html,
                "date_published": datetime.datetime.combine(a.report.date, datetime.time(12), _CST).isoformat(),
                "tags": [u.name for u in a.report.units] + [t.name for t in a.report.topics],
            }
            for a in articles[:JSON_FEED_ITEMS]
        ],
    }


class FeedsGenerator(Generator):
    def generate_output(self, writer):
        registry = self.context["WM_REGISTRY"]
        articles = self.context["articles"]
        site = registry.site
        for town in registry.towns:
            reports = self.context["column"].unit_articles(town.name)
            writer.write_feed(reports[: self.settings["FEED_MAX_ITEMS"]], self.context, urls.town_feed(town.slug),
                              feed_type="atom", feed_title=f"{site.column_title} · {town.name}")
        write_json(self.output_path, urls.NEWS_FEED_JSON, json_feed(site, articles))
        writer.write_file(urls.EMBED_LATEST, self.get_template("embed_latest"), self.context,
                          latest=articles[:EMBED_ITEMS], page_name="embed/latest")


def get_generators(pelican):
    return FeedsGenerator


def register():
    signals.get_generators.connect(get_generators)
