"""Pages a build knows unchanged without working out their keys: the *settled* pages.

A full build keys every page it could write (render_cache), and at 10,000 reports keying the ~25,000 pages it
then keeps costs more than rendering the few it writes: for one added report, ~1.5 s of a ~6 s build. Yet
for most of them the answer follows from what changed since the last build (the files' stamps):

* a report's page and its JSON are keyed by the site shell and that report's front matter and content
  (OWN_REPORT_TEMPLATES, write_generated): when the shell key is the last build's and the report's file has
  not changed (and it reads to the same slug, front matter and summary as the last build recorded), the key
  is the recorded one;
* a month's or a year's archive is keyed by the shell and its reports (OWN_LIST_TEMPLATES): when none of
  its reports changed, none was added to it and none left it, the key is the recorded one;
* an archive page of a paginated list is keyed by the shell, its number and its reports: when the only
  changes to the lists are additions (reports added or published; none of those published before changed
  or left), archive page k holds the reports it held before as long as every added report is newer than
  them, and it was an archive page before (k ≤ m before the addition; see ``Settled.archive_page``).

Everything else (first pages, site-keyed pages, quota pages) is keyed as before. A settled page is kept
exactly as a page whose key matched: its record and images carried over, the file left where it is in the
live site or linked into a new tree (RenderCache.place_kept), and it is announced with ``content_settled``
(one signal for many pages) instead of ``content_written``: the sitemap lists it, the search stage counts
it as kept. What the last build recorded comes from its PatchState (patch.py), saved and forgotten with the
page keys; without one, or when the shell changed (code, options, day, any file that is not a report),
nothing is settled.
"""

from __future__ import annotations

import dataclasses

from wenming.build.cache import Stamp, content_relative
from wenming.build.pagination import ListPage, StablePaginator
from wenming.build.patch import PatchState, ReportRecord, month_page, news_json, summary_digest, year_page
from wenming.build.settings import PERIOD_ARCHIVES
from wenming.model.news import NewsItem
from wenming.model.site import SiteModel


@dataclasses.dataclass
class Settled:
    names: frozenset[str]  # report pages, their JSON and period archives known unchanged
    added: frozenset[int]  # ids of the added published reports, when lists changed by additions only
    lists: bool  # whether archive pages of paginated lists can be settled
    _paginators: dict[StablePaginator, tuple[int, int]] = dataclasses.field(default_factory=dict)

    def archive_page(self, page: ListPage) -> bool:
        """Whether archive page ``page`` shows the same reports at the same number as in the last build."""
        if not self.lists or not page.is_archive:
            return False
        paginator = page.paginator
        known = self._paginators.get(paginator)
        if known is None:
            known = self._paginators[paginator] = self._before(paginator)
        archive_pages_before, last_added = known
        # archive page k holds the items count - k·P … count - (k - 1)·P - 1 of the list (newest first)
        return page.number <= archive_pages_before and last_added < paginator.count - page.number * paginator.per_page

    def _before(self, paginator: StablePaginator) -> tuple[int, int]:
        """The list's archive pages before the additions, and the last index of an added report in it (-1 when
        none is in the list)."""
        positions = [index for index, element in enumerate(paginator.object_list)
                     if id(getattr(element, "report", element)) in self.added] if self.added else []
        count_before = paginator.count - len(positions)
        archive_pages = max(0, count_before // paginator.per_page - 1) if paginator.per_page else 0
        return archive_pages, max(positions, default=-1)


def _reads_as_recorded(item: NewsItem, record: ReportRecord) -> bool:
    return (item.slug == record.slug and item.front_matter_digest == record.front_matter_digest
            and summary_digest(item) == record.summary_digest)


def settled_pages(state: PatchState | None, model: SiteModel, stamps: list[Stamp], shell: str) -> Settled | None:
    """The pages of this build known unchanged since the build recorded in ``state`` (see the module docstring);
    None when the shell changed or there is no state."""
    if state is None or state.shell != shell:
        return None
    current = {path: (size, mtime) for path, size, mtime in stamps}
    relative = content_relative(model.content_dir)
    items = {relative(item.source): item for item in model.news}
    names: set[str] = set()
    kept: set[str] = set()  # reports whose page and JSON are settled
    touched: set[str] = set()  # period archives that gained, lost or show a changed report
    lists = True  # until a published report changed or left
    for path, record in state.reports.items():
        item = items.get(path)
        if not record.published:
            continue  # shown nowhere; published since, it is an addition (below)
        if (item is not None and item.is_published and current.get(path) == state.stamps.get(path)
                and _reads_as_recorded(item, record)):
            names.update((record.page, news_json(item)))
            kept.add(path)
        else:
            touched.update((record.month, record.year))
            lists = False
    added = [item for path, item in items.items() if item.is_published and path not in kept]
    for item in added:
        touched.update((month_page(PERIOD_ARCHIVES, item), year_page(PERIOD_ARCHIVES, item)))
    for path in kept:
        record = state.reports[path]
        names.update(period for period in (record.month, record.year) if period not in touched)
    return Settled(frozenset(names), frozenset(map(id, added)) if lists else frozenset(), lists)
