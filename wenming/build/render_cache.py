"""Render only the pages whose inputs changed; keep the others from the previous site.

Every page Pelican writes gets a key (wenming.build.page_keys). When a page's key equals the one recorded for
the file in the previous build and that file is still in the previous site, it is kept instead of rendered:
left in the live site, which the build updates in place (wenming.build.in_place), or, when the build swaps a
whole new tree in, hard-linked into it. A kept file is never written to: Pelican's writer opens new files only,
and the build replaces files by renaming new ones over them.

Most kept pages need no key at all: the build knows from the changed files that their key is the recorded one
(wenming.build.settled). Those are kept without keying, and announced in bulk with ``content_settled`` instead
of ``content_written``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from blinker import signal
from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from wenming.build.cache import PickledCache
from wenming.build.digests import ReportDigests
from wenming.build.fragments import Fragments
from wenming.build.page_keys import ALWAYS_RENDER, SiteKeys, page_key
from wenming.build.pagination import ListPage, list_pages
from wenming.media.images import ImageStore
from wenming.model.news import NewsItem
from wenming.output import link_or_copy, plain_relative, write_bytes

if TYPE_CHECKING:
    from wenming.build.in_place import Committed

SETTING = "WM_RENDER_CACHE"
CACHE_FILE = "render.pickle"
# Setting: a WriteOnly, for a build that writes a few of the site's files (wenming.build.patch); None: all.
WRITE_ONLY = "WM_WRITE_ONLY"
# Setting: a Settled, the pages known unchanged (kept without their keys); None: none.
SETTLED = "WM_SETTLED"
# Sent (by the writer) with ``paths``, the files of settled pages, and ``context``: as ``content_written`` with
# ``kept=True`` for each, in one call for many pages.
content_settled = signal("wm_content_settled")


class Settled(Protocol):
    """The pages a build knows unchanged since the last one (wenming.build.settled.Settled)."""

    names: frozenset[str]  # pages and generated files

    def archive_page(self, page: ListPage) -> bool:
        """Whether an archive page of a paginated list is."""


@dataclasses.dataclass(frozen=True)
class WriteOnly:
    """The files a partial build writes: these names, and these feeds."""

    names: frozenset[str]
    feeds: frozenset[str] = frozenset()


def _store(cache_dir: Path) -> PickledCache:
    """Of the build whose site is in place: ``pages``, page name -> (key, images it showed), and ``committed``,
    what it left in the site when it updated it in place (in_place.Committed; else None)."""
    return PickledCache(cache_dir / CACHE_FILE, "pages-2")


@dataclasses.dataclass
class RenderCache:
    """The previous build's page keys (and the images each page showed), and where its site is.

    Collects this build's keys and images as pages are rendered or kept.
    """

    site_keys: SiteKeys
    previous_site: Path | None
    images: ImageStore
    previous: dict[str, tuple[str, tuple[str, ...]]]
    pages: dict[str, tuple[str, tuple[str, ...]]] = dataclasses.field(default_factory=dict)
    rendered: int = 0
    linked: int = 0
    files_linked: int = 0  # generated files (JSON, CSV, XLSX) kept, see write_generated
    settled: int = 0  # of the pages and files kept, those known unchanged without their keys (IncrementalWriter.settle)
    feeds: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # feed file -> its reports' sources
    # Whether a kept file is hard-linked into the staged site (a new tree swapped in whole), or left where it
    # is in the previous site, which the build then updates in place (wenming.build.in_place).
    link_kept: bool = True
    # Generated files to write once Pelican is done (see write_generated's ``defer``): (name, wait for bytes).
    deferred: list[tuple[str, Callable[[], bytes]]] = dataclasses.field(default_factory=list)
    # What the previous build left in the live site, when it updated it in place (in_place.commit); this build's.
    previous_commit: Committed | None = None
    committed: Committed | None = None
    fragments: Fragments | None = None  # pieces of site-wide files, one per report (wenming.build.fragments)

    @classmethod
    def load(cls, cache_dir: Path, keys: SiteKeys, previous_site: Path, images: ImageStore) -> RenderCache:
        fragments = Fragments.load(cache_dir, keys.shell)
        if not previous_site.is_dir():
            return cls(keys, None, images, {}, fragments=fragments)
        recorded = _store(cache_dir).load()
        return cls(keys, previous_site, images, recorded.get("pages", {}), previous_commit=recorded.get("committed"),
                   fragments=fragments)

    def save(self, cache_dir: Path) -> None:
        _store(cache_dir).save({"pages": self.pages, "committed": self.committed})
        if self.fragments is not None:
            self.fragments.save(cache_dir)

    @staticmethod
    def forget(cache_dir: Path) -> None:
        _store(cache_dir).path.unlink(missing_ok=True)

    @staticmethod
    def invalidate(cache_dir: Path, names: list[str]) -> None:
        """Forget the keys of files replaced outside a build (by a quick preview render): the next
        build must render them, even if their inputs return to what the recorded key describes."""
        store = _store(cache_dir)
        recorded = store.load()
        if recorded.get("pages"):
            for name in names:
                recorded["pages"].pop(name, None)
            store.save(recorded)

    def reuse(self, name: str, key: str | None, page: bool = True) -> str | None:
        """The previous build's file for ``name`` if it was made from the same inputs (its images are
        marked as used, as rendering would have done). ``key`` None: a settled page, known to be."""
        recorded = self.previous.get(name)
        if self.previous_site is None or recorded is None or (key is not None and recorded[0] != key):
            return None
        previous = os.path.join(self.previous_site, name)  # strings: called for every page of the site
        if not os.path.isfile(previous):
            return None
        self.images.mark_used(recorded[1])
        self.pages[name] = recorded
        if key is None:
            self.settled += 1
        if page:
            self.linked += 1
        else:
            self.files_linked += 1
        return previous

    def place_kept(self, previous: str, target: str) -> None:
        """Put kept file ``previous`` at ``target`` in the staged site: a hard link when the build swaps a whole
        new tree in; nothing when it updates the live site in place, where the file already is."""
        if self.link_kept:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            link_or_copy(previous, target)

    def keep_file(self, name: str, key: str, site_dir: str) -> bool:
        """A file no template renders (JSON, a feed, …): the previous build's put in place under ``site_dir``
        (True) when made from the same inputs, ``key``; else False, and ``key`` recorded for the file that the
        caller writes now."""
        previous = self.reuse(name, key, page=False)
        if previous is not None:
            self.place_kept(previous, os.path.join(site_dir, name))
            return True
        self.pages[name] = (key, ())
        return False

    def write_deferred(self, site_dir: Path) -> int:
        """Write the generated files put off until Pelican was done; returns how many."""
        for name, make in self.deferred:
            write_bytes(site_dir, name, make())
        count, self.deferred = len(self.deferred), []
        return count

    def render(self, name: str, key: str, template, localcontext) -> str:
        with self.images.recording() as shown:
            html = template.render(localcontext)
        self.pages[name] = (key, tuple(dict.fromkeys(shown)))
        self.rendered += 1
        return html


class _KeyedTemplate:
    """Stands in for the template of a page that must be rendered: renders it and records its key."""

    def __init__(self, cache: RenderCache, template, key: str) -> None:
        self.cache = cache
        self.template = template
        self.name = template.name
        self.key = key

    def render(self, localcontext) -> str:
        return self.cache.render(localcontext["output_file"], self.key, self.template, localcontext)


class IncrementalWriter(Writer):
    """Pelican's writer, skipping pages whose key matches the previous build (see the module docstring).

    Each call writes one page: with PaginatingWriter before it (SiteWriter), Pelican's own pagination never
    runs; where it would, the pages are written without the cache."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.cache: RenderCache | None = (settings or {}).get(SETTING)
        self.digests = ReportDigests()
        self.only: WriteOnly | None = (settings or {}).get(WRITE_ONLY)
        self.settled: Settled | None = (settings or {}).get(SETTLED) if self.cache is not None else None
        self._output_top = sanitised_join(self.output_path, "") + "/"

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if self.only is not None and name not in self.only.names:
            return None
        paginating = paginated and template_name in self.settings["PAGINATED_TEMPLATES"]
        if self.cache is not None and name and not paginating:
            if self.settled is not None and self.settle([name], context, {name: list_pages(kwargs).values()}):
                return None
            # a page rendered every build needs no key (the home page's would digest every report)
            key = "" if template.name in ALWAYS_RENDER else self.page_key(template.name, name, kwargs)
            kept = self.keep_unchanged(name, template.name, kwargs, key)
            if kept is not None:  # before Pelican copies the context and works out relative URLs
                # as Pelican would (its context merged with the arguments; a view: ~4,600 list pages a build)
                signals.content_written.send(kept, context=ChainMap(kwargs, context), kept=True)
                return None
            template = _KeyedTemplate(self.cache, template, key)
        return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                  override_output, url, **kwargs)

    def settle(self, names: Iterable[str], context, lists: Mapping[str, Iterable[ListPage]] | None = None) -> set[str]:
        """Keep those of pages ``names`` that are settled (wenming.build.settled: known unchanged, so not keyed)
        and announce them in one ``content_settled``; returns their names. ``lists``: page name -> the pages of
        paginated lists it shows (one archive page of each list), for archive pages that may be settled too."""
        if self.settled is None:
            return set()
        kept, paths = set(), []
        for name in names:
            if name not in self.settled.names:
                pages = lists.get(name) if lists else None
                if not pages or not all(self.settled.archive_page(page) for page in pages):
                    continue
            target = self._keep(name, None)
            if target is not None:
                kept.add(name)
                paths.append(target)
        if paths:
            content_settled.send(self, paths=paths, context=context)
        return kept

    def page_key(self, template_name: str, name: str, arguments: dict) -> str:
        """The key of page ``name`` rendered from ``template_name`` with these ``write_file`` arguments."""
        return page_key(self.cache.site_keys, self.digests, self.settings, template_name, name, arguments)

    def _target(self, name: str) -> str:
        """Where Pelican writes ``name``: sanitised_join's answer, without its two ``abspath`` calls for a plain
        relative name (it runs for every page kept)."""
        if not plain_relative(name):
            return sanitised_join(self.output_path, name)
        return self._output_top + name

    def keep_unchanged(self, name: str, template_name: str, arguments: dict, key: str | None = None) -> str | None:
        """Keep the previous build's ``name`` when its key (``key``, else worked out from the arguments) is
        unchanged (RenderCache.place_kept); the path Pelican would have written, or None when the page must be
        written. Called before Pelican makes the page's context (and, for a report page, the report's)."""
        if self.cache is None or template_name in ALWAYS_RENDER:
            return None
        return self._keep(name, key or self.page_key(template_name, name, arguments))

    def _keep(self, name: str, key: str | None) -> str | None:
        """Keep the previous build's ``name`` if RenderCache.reuse allows (``key`` None: a settled page); the
        path Pelican would have written, or None."""
        previous = self.cache.reuse(name, key)
        if previous is None:
            return None
        target = self._target(name)
        self.cache.place_kept(previous, target)
        self._written_files.add(target)
        return target


def write_generated(writer: Writer, name: str, make: Callable[[], bytes], report: NewsItem | None = None,
                    defer: bool = False, reportless: bool = False) -> None:
    """Write a file that no template renders (JSON, CSV, XLSX) under the writer's output, or keep the
    previous build's when its key is unchanged (with the writer of a build that has no render cache, or
    Pelican's own writer, it is always written).

    ``defer``: a slow file that no page needs (a workbook): ``make()`` starts making it in another process and
    returns a function that waits for its bytes, which are written once Pelican is done
    (RenderCache.write_deferred).

    With ``report``, the file shows that report (its own JSON): keyed like a report page, by the site
    shell and the report's front matter and content. Without, it is keyed by the site key, so it must not
    show any report's summary or body (counts and quota exports may: they come from front matter).
    ``reportless``: the file shows nothing of any report (the code and data files make it: a JSON Schema),
    keyed by the site shell alone, so that an added report does not make it again.
    """
    only: WriteOnly | None = getattr(writer, "only", None)
    if only is not None and name not in only.names:
        return
    cache: RenderCache | None = getattr(writer, "cache", None)
    if cache is not None:
        settled: Settled | None = getattr(writer, "settled", None)
        # a report's own file the build knows unchanged is kept without its key (wenming.build.settled)
        previous = cache.reuse(name, None, page=False) if settled is not None and name in settled.names else None
        if previous is not None:
            cache.place_kept(previous, os.path.join(writer.output_path, name))
            return
        if report is None:
            parts = [cache.site_keys.shell if reportless else cache.site_keys.site, name]
        else:
            parts = [cache.site_keys.shell, name, report.front_matter_digest, writer.digests.of(report)]
        if cache.keep_file(name, hashlib.sha1("\n".join(parts).encode()).hexdigest(), writer.output_path):
            return
    if defer:
        make = make()  # started now, elsewhere
        if cache is not None:
            cache.deferred.append((name, make))
            return
    write_bytes(writer.output_path, name, make())
