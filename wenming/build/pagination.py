"""Stable pagination: list pages numbered from the oldest report, so a full page keeps its URL and its content.

A list of N reports (newest first) shown P to a page has m = max(0, N // P - 1) *archive pages*. Archive
page k (1 … m), at ``<list>/page/<k>/``, holds the reports (k - 1)·P … k·P - 1 counted from the oldest,
shown newest first. The list's own URL, its *first page*, holds the N - m·P newest (between P and 2P - 1
once N ≥ P). A report newer than every archive page changes the first page only; when the first page
reaches 2P reports, its P oldest become archive page m + 1 and every other archive page stays as it was.

A full archive page therefore shows nothing that depends on N or m: it links to the list (最新), to page
k + 1 (较新) and to page k - 1 (较早). Page m's 较新 link goes to ``page/<m + 1>/``, which, until the
first page fills it, is a small page sending the reader on to the list (REDIRECT_TEMPLATE: noindex, not
in the sitemap). The first page links to page m (较早).

PaginatingWriter does this for every template in PAGINATED_TEMPLATES instead of Pelican's Paginator
(which numbers from the newest, so one addition moves every report to another page). A template gets
``<list>_page`` (a ListPage: its reports, number and links) and ``<list>_paginator`` (a StablePaginator).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pelican.writers import Writer

ARCHIVE_PAGE_URL = "WM_ARCHIVE_PAGE_URL"  # setting: the URL of archive page {number} of the list at {list_url}
REDIRECT_TEMPLATE = "list_redirect"  # the page after the newest archive page: on to the list's first page


def _save_as(url: str) -> str:
    return url + "index.html" if url.endswith("/") else url


@dataclasses.dataclass(frozen=True, eq=False)
class StablePaginator:
    """One list (newest first) cut into pages counted from its oldest report."""

    list_url: str  # the list's own URL: its first page
    object_list: Sequence
    per_page: int
    page_url: str = "{list_url}page/{number}/"

    @property
    def count(self) -> int:
        return len(self.object_list)

    @property
    def archive_pages(self) -> int:
        """m: how many full pages are kept at their own URL."""
        return max(0, self.count // self.per_page - 1) if self.per_page else 0

    @property
    def num_pages(self) -> int:
        return self.archive_pages + 1

    def url_of(self, number: int) -> str:
        return self.page_url.format(list_url=self.list_url, number=number)

    def page(self, number: int) -> ListPage:
        """Archive page ``number`` (1 … m), or the first page (m + 1)."""
        m, size = self.archive_pages, self.per_page
        if not 1 <= number <= m + 1:
            raise ValueError(f"{self.list_url} has no page {number} (pages 1 … {m + 1})")
        newest = self.count - (number - 1) * size  # items are newest first: page k ends where page k-1 starts
        oldest_index = 0 if number == m + 1 else newest - size
        return ListPage(self, number, list(self.object_list[oldest_index:newest]))

    def pages(self) -> list[ListPage]:
        """The first page, then the archive pages from the newest (m) to the oldest (1)."""
        return [self.page(number) for number in range(self.archive_pages + 1, 0, -1)]

    def redirect_page(self) -> ListPage | None:
        """The page after the newest archive page (the target of its 较新 link), when there is one."""
        m = self.archive_pages
        return ListPage(self, m + 1, [], redirect=True) if m else None


@dataclasses.dataclass(frozen=True, eq=False)
class ListPage:
    paginator: StablePaginator
    number: int  # archive pages 1 … m from the oldest; the first page is m + 1
    object_list: list
    redirect: bool = False  # the placeholder at page/<m + 1>/ that sends readers to the first page

    @property
    def is_first(self) -> bool:
        return not self.redirect and self.number > self.paginator.archive_pages

    @property
    def is_archive(self) -> bool:
        return not self.redirect and not self.is_first

    @property
    def url(self) -> str:
        return self.paginator.list_url if self.is_first else self.paginator.url_of(self.number)

    @property
    def save_as(self) -> str:
        return _save_as(self.url)

    @property
    def list_url(self) -> str:
        return self.paginator.list_url

    @property
    def newer_url(self) -> str | None:
        """较新: the next archive page (for page m, the placeholder that page m + 1 will replace)."""
        return self.paginator.url_of(self.number + 1) if self.is_archive else None

    @property
    def older_url(self) -> str | None:
        """较早: the previous archive page (for the first page, page m)."""
        if self.redirect or self.number == 1:
            return None
        return self.paginator.url_of(self.number - 1)

    @property
    def key(self) -> str:
        """What the page shows of its place in the list, besides its reports: an archive page only its
        number; the first page also the list's length and the number of the page before it."""
        if self.redirect:
            return f"redirect {self.number}"
        if self.is_archive:
            return f"archive {self.number}"
        return f"first {self.number} of {self.paginator.count}"


def list_pages(arguments: dict) -> dict[str, ListPage]:
    """The paginated lists among a page's template arguments: list name -> the page shown."""
    return {key.removesuffix("_page"): value for key, value in arguments.items()
            if key.endswith("_page") and isinstance(value, ListPage)}


def page_arguments(name: str) -> set[str]:
    """The template arguments that belong to the paginated list ``name``."""
    return {name, f"{name}_page", f"{name}_paginator"}


class PaginatingWriter(Writer):
    """Pelican's writer with stable pagination (see the module docstring) for PAGINATED_TEMPLATES."""

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
        if not (name and paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                      override_output, url, **kwargs)
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        list_url = url if url is not None else name.removesuffix("index.html")
        page_url = self.settings.get(ARCHIVE_PAGE_URL) or StablePaginator.page_url
        paginators = {key: StablePaginator(list_url, items, per_page, page_url) for key, items in paginated.items()}
        lead = next(iter(paginators.values()))
        pages_of = {number: {key: paginator.page(number) for key, paginator in paginators.items()}
                    for number in range(lead.num_pages, 0, -1)}
        settle = getattr(self, "settle", None)  # the site's writer keeps pages known unchanged (render_cache)
        if settle is not None:
            numbers = {next(iter(pages.values())).save_as: number for number, pages in pages_of.items()}
            for name in settle(numbers, context, {name: pages_of[number].values() for name, number in numbers.items()}):
                del pages_of[numbers[name]]
        for pages in pages_of.values():
            self._write_page(pages, template, context, relative_urls, template_name, override_output, kwargs)
        if lead.archive_pages:
            pages = {key: paginator.redirect_page() for key, paginator in paginators.items()}
            others = {key: value for key, value in kwargs.items() if key not in paginators}
            self._write_page(pages, template.environment.get_template(f"{REDIRECT_TEMPLATE}.html"), context,
                             relative_urls, REDIRECT_TEMPLATE, override_output, {**others, "noindex": True})

    def _write_page(self, pages: dict[str, ListPage], template, context, relative_urls, template_name,
                    override_output, arguments: dict) -> None:
        """Write one page of the lists: ``<list>_page`` and ``<list>_paginator`` for each list name."""
        arguments = dict(arguments)
        for key, page in pages.items():
            arguments.update({f"{key}_page": page, f"{key}_paginator": page.paginator})
        page = next(iter(pages.values()))
        super().write_file(page.save_as, template, context, relative_urls, {}, template_name, override_output,
                           page.url, **arguments)
