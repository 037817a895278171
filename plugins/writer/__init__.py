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
"""

from __future__ import annotations

from pelican import signals

from wenming.build.pagination import PaginatingWriter
from wenming.build.render_cache import IncrementalWriter


class SiteWriter(PaginatingWriter, IncrementalWriter):
    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        if self.only is not None and path not in self.only.feeds:
            return None
        if self.cache is not None:  # a build that patches a report's pages needs to know which feeds show it
            shown = elements[:self.settings.get("FEED_MAX_ITEMS")]  # what Pelican puts in the feed
            self.cache.feeds[path] = [str(e.report.source) for e in shown if hasattr(e, "report")]
        context = {**context, "SITEURL": context["FEED_DOMAIN"]}
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        feed.feed["id"] = self.feed_url  # Pelican gives every feed the site's URL as its id
        feed.feed["author_name"] = context["SITENAME"]  # the feed's author covers its entries
        return feed

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        if not feed.items[-1]["author_name"]:
            feed.items[-1]["author_name"] = None  # no empty <author><name/>


def get_writer(pelican):
    return SiteWriter


def register():
    signals.get_writer.connect(get_writer)
