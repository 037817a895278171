"""Digests of the reports a page shows, for page keys (wenming.build.render_cache): a report's content digest
(its summary and body) and its front matter, and one digest per long list (``articles``, ``dates``) that many
pages share, each worked out once per build."""

from __future__ import annotations

import hashlib

from pelican.contents import Content

from wenming.build.pagination import ListPage
from wenming.model.news import NewsItem


class ReportDigests:
    """Content digests of reports, computed once per build."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[NewsItem, str]] = {}
        self._lists: dict[tuple[int, bool, bool], tuple[list, str]] = {}
        self._reports: dict[tuple[int, bool, bool], tuple[NewsItem, tuple[str, ...]]] = {}

    def of(self, item: NewsItem) -> str:
        known = self._by_id.get(id(item))
        if known is None or known[0] is not item:
            text = f"{item.summary}\0{item.html}".encode()
            known = (item, hashlib.sha1(text).hexdigest())
            self._by_id[id(item)] = known
        return known[1]

    def collect(self, value, out: list[str], front_matter: bool = False, content: bool = True) -> None:
        """Digests of the reports in ``value``: a report, an article, a paginated page, or containers of them
        (with each report's front matter too, for pages whose key does not include the site key; without
        their content digests for pages that show no summary or body)."""
        if isinstance(value, Content):  # an article's report is looked up each time: a quick render swaps it
            value = getattr(value, "report", None)
        if isinstance(value, NewsItem):
            out.extend(self._report_parts(value, front_matter, content))
        elif isinstance(value, ListPage):
            out.append(value.key)
            self.collect(value.object_list, out, front_matter, content)
        elif isinstance(value, (list, tuple)):
            if len(value) >= _LONG_LIST:
                out.append(self._list_digest(value, front_matter, content))
                return
            for element in value:
                self.collect(element, out, front_matter, content)
        elif isinstance(value, dict):
            for element in value.values():
                self.collect(element, out, front_matter, content)

    def _report_parts(self, report: NewsItem, front_matter: bool, content: bool) -> tuple[str, ...]:
        """The parts of a key that a report gives; each report is on many list pages."""
        key = (id(report), front_matter, content)
        known = self._reports.get(key)
        if known is None or known[0] is not report:
            parts: tuple[str, ...] = ()
            if content:
                parts += (self.of(report),)
            if front_matter:  # and the slug, which a file's name may give: a list shows the report's URL
                parts += (f"{report.slug}\0{report.front_matter_digest}",)
            known = self._reports[key] = (report, parts)
        return known[1]

    def _list_digest(self, value: list | tuple, front_matter: bool, content: bool) -> str:
        """One digest for the digests of a long list: the few lists of every report (``articles``, ``dates``)
        go to many pages, and are collected once while they hold the same objects."""
        key = (id(value), front_matter, content)
        # what the list shows: an article's report, looked up now (a quick render swaps it in the same article)
        members = [getattr(element, "report", None) if isinstance(element, Content) else element for element in value]
        known = self._lists.get(key)
        if known is None or len(known[0]) != len(members) or any(a is not b for a, b in zip(known[0], members)):
            parts: list[str] = []
            for element in members:
                self.collect(element, parts, front_matter, content)
            # the members are kept alive: their ids are not reused while they are here
            known = self._lists[key] = (members, hashlib.sha1("\n".join(parts).encode()).hexdigest())
        return known[1]


_LONG_LIST = 64  # lists at least this long are digested once per build (ReportDigests._list_digest)
