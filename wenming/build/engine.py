"""Pelican, with the parts of its article generator that grow quadratically with the reports made linear.

Pelican 4.12 finds a month's articles with ``[a for a in articles if a in dates]`` and a
category's with ``[a for a in dates if a in articles]``: list membership inside a loop, about
10⁸ comparisons at 10,000 reports (4 to 5 s of a cold build). The site has no category, tag
or author pages, and its archives need only the grouping, so the generator below keeps
Pelican's results and computes them by identity look-ups instead.
"""

from __future__ import annotations

from pelican import Pelican
from pelican.generators import ArticlesGenerator

from wenming.model.news import newest_first


def article_order(article) -> tuple:
    """ARTICLE_ORDER_BY: the model's order (Pelican would otherwise keep the order in which it found the
    files, which comes from a set and changes from one run to the next for reports of the same day)."""
    report = getattr(article, "report", None)
    return newest_first(report) if report is not None else (-article.date.toordinal(), article.slug)


WRITE_ORDER = "WM_WRITE_ORDER"  # setting: output path -> rank; report pages are written in that order


class SiteArticlesGenerator(ArticlesGenerator):
    def generate_articles(self, write):
        """Pelican's article pages, written in the order of WRITE_ORDER (search bundle by search bundle)."""
        order = self.settings.get(WRITE_ORDER)
        if not order:
            return super().generate_articles(write)
        listed = self.articles
        self.articles = sorted(listed, key=lambda article: order.get(article.save_as, len(order)))
        try:
            return super().generate_articles(write)
        finally:
            self.articles = listed

    def _build_period_archives(self, sorted_articles, articles, settings):
        """Pelican's archives (URLs, periods, dates), with each archive's articles found in one pass."""
        archives = super()._build_period_archives(sorted_articles, [], settings)
        position = {id(article): index for index, article in enumerate(articles)}
        for periods in archives.values():
            for archive in periods:
                members = [a for a in archive["dates"] if id(a) in position]
                archive["articles"] = sorted(members, key=lambda a: position[id(a)])
        return archives

    def generate_categories(self, write):
        if self.settings.get("CATEGORY_SAVE_AS"):
            super().generate_categories(write)

    def generate_tags(self, write):
        if self.settings.get("TAG_SAVE_AS"):
            super().generate_tags(write)

    def generate_authors(self, write):
        if self.settings.get("AUTHOR_SAVE_AS"):
            super().generate_authors(write)


class SitePelican(Pelican):
    def _get_generator_classes(self):
        classes = super()._get_generator_classes()
        if ArticlesGenerator not in classes:  # a Pelican whose internals moved: fail loudly, not slowly
            raise RuntimeError("this Pelican version does not list ArticlesGenerator among its generators")
        return [SiteArticlesGenerator if cls is ArticlesGenerator else cls for cls in classes]
