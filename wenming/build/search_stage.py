"""The search index of a build (wenming.publish.search_index), indexed beside the pages or just after them.

A build that stages its whole site indexes every bundle while Pelican writes it: each bundle is handed to
Pagefind as soon as its last page is written (Pelican's ``content_written``), and the report pages are written
bundle by bundle (``write_order``), so the first bundle is indexed while the other reports are still rendered.
The staged site, bundles included, then replaces the live one.

A build that updates the live site in place (one report added, say) writes a few dozen pages and indexes the
one or two bundles they belong to. Pagefind then takes ~1.2 s of CPU at 10,000 reports, on a machine whose
two cores are already busy with the build itself, and the build used to wait for it before any page went
live: ~1 to 1.5 s of a ~6 s build (measured, see the performance notes). So a caller who does not need the
search with the pages (``deferred``: the command line, which finishes in the background, and the CMS, told
when the pages are live), like a body-edit patch's (wenming.build.patch_search), gets the pages first:

1. while the pages are written, the bundles are only marked ready, and nothing is indexed;
2. the pages are moved into the live site (wenming.build.in_place.commit), whose search still serves the
   previous bundles: a report just added is not found for the second or two until
3. ``finish`` indexes the bundles whose pages changed, reading the pages now live, into the staged site, and
   moves them in, each with an atomic exchange.

Only then does the build save what the next one starts from (its manifest among them): if indexing fails,
the next build is a whole one and indexes every bundle again. A build indexes first, as a staged build does,
when the search page would name a bundle the live site does not have yet (a report that splits a full bundle
in two, or a removal that joins two: the search page then lists the new ones), and when it must swap its whole
staged site in after all (most pages new).
"""

from __future__ import annotations

import os
from pathlib import Path

from wenming.build.in_place import move_in
from wenming.model import urls
from wenming.model.site import SiteModel
from wenming.publish.search_index import SearchIndexer, SearchIndexError, plan_bundles
from wenming.source.diagnostics import ContentError, Diagnostic


def search_plan(model: SiteModel) -> dict[str, list[str]]:
    """The search bundles and their pages: published reports and static pages (the pages marked for search)."""
    reports = [urls.save_as(item.url) for item in model.published_news]
    pages = [urls.save_as(page.url) for page in model.pages if page.status == "published"]
    return plan_bundles(reports, pages)


class SearchStage:
    """The search bundles of a build's staged site (see the module docstring). ``in_place``: the build stages
    only the pages it writes again; ``deferred`` (in place only): index once the pages are live (``finish``)."""

    def __init__(self, model: SiteModel, site_dir: Path, previous_site: Path, cache_dir: Path,
                 in_place: bool = False, deferred: bool = False) -> None:
        self.plan = search_plan(model)
        self.site_dir = site_dir
        self._prefix = os.path.join(os.path.realpath(site_dir), "")  # Pelican writes to resolved paths
        self.indexer = SearchIndexer(site_dir, previous_site if previous_site.is_dir() else None, cache_dir,
                                     in_place)
        self.started = False
        # Deferred only when each bundle of the plan is in the live site already: an addition that splits a full
        # bundle in two (or a removal that joins two) gives the search page bundles that are not there yet.
        self.deferred = deferred and self.indexer.in_place and all((previous_site / bundle).is_dir()
                                                                   for bundle in self.plan)
        self._bundle_of = {page: bundle for bundle, pages in self.plan.items() for page in pages}
        self._unwritten = {bundle: len(pages) for bundle, pages in self.plan.items()}
        self._in_place = in_place
        self._rewritten: set[str] = set()  # in place: bundles with a page written again (not kept)

    @property
    def write_order(self) -> dict[str, int]:
        """Page path -> position of its bundle in the plan: the order to write report pages in."""
        return {page: position for position, pages in enumerate(self.plan.values()) for page in pages}

    def start(self) -> None:
        """Start indexing the bundles marked ready (none yet: as their pages are written); a deferred stage
        starts in ``finish``."""
        if not self.started and not self.deferred:
            self._start()

    def _start(self) -> None:
        self.started = True
        self.indexer.start(self.plan, ready=[])

    def page_written(self, path: str, kept: bool = False, **_signal) -> None:
        """Pelican's ``content_written``; our writer also signals the pages it keeps (``kept``)."""
        bundle = self._bundle_of.get(path[len(self._prefix):]) if path.startswith(self._prefix) else None
        if bundle is not None:
            self._unwritten[bundle] -= 1
            if self._in_place and not kept:  # in place, kept pages are not staged: only these were written
                self._rewritten.add(bundle)
            if self._unwritten[bundle] == 0:
                self.indexer.mark_ready(bundle, unchanged=self._in_place and bundle not in self._rewritten)

    def pages_settled(self, _writer, paths: list[str], **_signal) -> None:
        """render_cache.content_settled: pages kept without being keyed."""
        for path in paths:
            self.page_written(path, kept=True)

    def all_written(self, *_sender, **_signal) -> None:
        self.indexer.mark_ready()

    def wait(self) -> str:
        """Index every bundle not indexed yet and wait for them; returns a one-line summary, ContentError (E904)
        when indexing failed."""
        if not self.started:
            self._start()
        try:
            return self.indexer.wait()
        except SearchIndexError as exc:
            raise ContentError([Diagnostic.of("E904", "search", error=exc)]) from exc

    def finish(self, live_site: Path) -> str:
        """After a deferred stage's pages went live: index the bundles and move those written into
        ``live_site`` (a bundle whose pages are unchanged stays where it is); returns the summary."""
        summary = self.wait()
        move_in(self.site_dir, live_site, [], [*self.indexer.built, *self.indexer.reused])
        return summary

    def cancel(self) -> None:
        if self.started:
            self.indexer.cancel()
