"""The site's one Pelican writer (Pelican uses a single writer class; plugins must not add another).

* Incremental rendering: pages whose inputs did not change are kept from the
  previous build instead of rendered (wenming.build.render_cache; the
  pipeline puts the previous build's keys into ``WM_RENDER_CACHE``).
* Stable pagination: list pages numbered from the oldest report, so a full
  page keeps its URL and content (wenming.build.pagination); each page is
  then keyed and rendered (or kept) by the incremental writer.
* Absolute links in feeds: feed readers need them, while pages keep
  site-relative links for local preview. Each feed has its own Atom id (its URL)
  and the center as its author, as Atom requires (no empty <author><name/>).
  A feed without entries (a town with no report yet) is dated by the site's newest
  report, not by the clock: the same content gives the same file every build.
* Feeds kept like pages: a feed's key is the site's shell, the feed's name and title,
  and the slug, front matter and content of each report it shows (or, empty, its
  date); a feed whose key is unchanged is kept from the last build. Adding a report
  makes the column's feed and its towns' feeds again, not all eighteen (~0.3 s at
  10,000 reports: each shows 50 reports in full).
"""

from __future__ import annotations

import datetime
import hashlib

from pelican import signals
from pelican.utils import set_date_tzinfo

from wenming.build.pagination import PaginatingWriter
from wenming.build.render_cache import IncrementalWriter


class SiteWriter(PaginatingWriter, IncrementalWriter):
    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        if self.only is not None and path not in self.only.feeds:
            return None
        shown = elements[:self.settings.get("FEED_MAX_ITEMS")]  # what Pelican puts in the feed
        if self.cache is not None:  # a build that patches a report's pages needs to know which feeds show it
            self.cache.feeds[path] = [str(e.report.source) for e in shown if hasattr(e, "report")]
        context = {**context, "SITEURL": context["FEED_DOMAIN"]}
        if not elements:
            context[_EMPTY_FEED_UPDATED] = _newest_report_moment(context, self.settings)
        if self.cache is not None and path:
            parts = [self.cache.site_keys.shell, "feed", path, str(url), feed_type, str(feed_title),
                     str(context.get(_EMPTY_FEED_UPDATED))]
            self.digests.collect(list(shown), parts, front_matter=True)
            if self.cache.keep_file(path, hashlib.sha1("\n".join(parts).encode()).hexdigest(), self.output_path):
                return None
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        feed.feed["id"] = self.feed_url  # Pelican gives every feed the site's URL as its id
        feed.feed["author_name"] = context["SITENAME"]  # the feed's author covers its entries
        updated = context.get(_EMPTY_FEED_UPDATED)
        if updated is not None:  # feedgenerator dates a feed without entries by the clock: it would change each build
            feed.latest_post_date = lambda: updated
        return feed

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        if not feed.items[-1]["author_name"]:
            feed.items[-1]["author_name"] = None  # no empty <author><name/>


_EMPTY_FEED_UPDATED = "WM_EMPTY_FEED_UPDATED"
_NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _newest_report_moment(context, settings) -> datetime.datetime:
    """When a feed without entries was last updated: as the column feed says (its newest report's moment, as
    Pelican dates an entry), or the epoch on a site without reports."""
    articles = context.get("articles") or ()
    if not articles:
        return _NEVER
    return set_date_tzinfo(max(article.date for article in articles), settings.get("TIMEZONE"))


def get_writer(pelican):
    return SiteWriter


def register():
    signals.get_writer.connect(get_writer)
