"""The site's one Pelican writer (Pelican uses a single writer class; plugins must not add another).

* Incremental rendering: pages whose inputs did not change are hard-linked
  from the previous build instead of rendered (wenming.render_cache; the
  pipeline puts the previous build's keys into ``WM_RENDER_CACHE``).
* Absolute links in feeds: feed readers need them, while pages keep
  site-relative links for local preview.
"""

from __future__ import annotations

from pelican import signals

from wenming.build.render_cache import IncrementalWriter


class SiteWriter(IncrementalWriter):
    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        context = {**context, "SITEURL": context["FEED_DOMAIN"]}
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)


def get_writer(pelican):
    return SiteWriter


def register():
    signals.get_writer.connect(get_writer)
