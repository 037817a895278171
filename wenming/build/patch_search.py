"""The search bundles of a body-edit patch (wenming.build.patch): indexed again while the patch renders, and
moved into the live site with its pages, or, on the command line, just after them.

An edited report's bundle is indexed by one index worker (wenming.publish.search_index.IndexWorker), started
with the patch, before the reports are read. The worker works in place: the bundle's other ~300 pages are
read where they are, in the live site, and the new ones in the patch's staged site. Each bundle is asked for
as soon as its new pages are written, so Pagefind runs while Pelican renders the months' archives.

Pagefind then takes ~0.35 s plus ~2 ms a page of the bundle: at 10,000 reports, ~0.75 s after the pages are
ready, about a third of an edit's whole time. So a patch whose caller does not need the search with the
pages (the command line's, which finishes in the background, see pipeline._save_after_live; the CMS's, told
with ``on_live`` when the pages are live) does not wait for it: the pages go live at once, each as a hard link
to its staged file (which the worker may still read), and the finishing step (``index_then_record``) waits
for the bundles, moves them in, and only then records the patch's state and manifest. Until then the search
serves the bundle as it was before the edit, and the next build waits for the finishing step (the build lock
it holds; in the CMS, the build thread it runs in); if indexing fails there, no manifest is written and the
next build is a whole one, which indexes the bundle again. Any other caller gets the pages and the bundles
moved in together.

The worker holds no thread in this process, so a process may fork while the worker indexes, and the child
takes the answers.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from wenming.build.in_place import move_in
from wenming.publish.search_index import IndexWorker, SearchIndexError, worker_config
from wenming.source.diagnostics import ContentError, Diagnostic


class BundleIndexer:
    """The changed reports' bundles (see the module docstring), each asked for as soon as its new pages are
    written (``page_written``, a ``content_written`` receiver)."""

    def __init__(self, bundles: list[str], plan: dict[str, list[str]], pages: set[str], staged: Path,
                 site_dir: Path, cache_dir: Path) -> None:
        self.bundles = bundles
        self._plan = plan
        self._prefix = os.path.join(os.path.realpath(staged), "")  # Pelican writes to resolved paths
        self._waiting = {bundle: pages & set(plan[bundle]) for bundle in bundles}
        self._asked: list[str] = []
        self._worker = IndexWorker(worker_config(staged, site_dir, cache_dir, in_place=True)) if bundles else None

    def page_written(self, path: str, **_signal) -> None:
        page = path[len(self._prefix):] if path.startswith(self._prefix) else None
        for bundle, waiting in self._waiting.items():
            if page in waiting:
                waiting.discard(page)
                if not waiting:
                    self._ask(bundle)

    def ask_all(self) -> None:
        """Every page is written: ask for the bundles not asked for yet."""
        for bundle in self.bundles:
            self._ask(bundle)

    def _ask(self, bundle: str) -> None:
        if self._worker is not None and bundle not in self._asked:
            self._worker.ask(bundle, self._plan[bundle])
            self._asked.append(bundle)

    def wait(self) -> list[str]:
        """Wait for the bundles; returns those to move into the live site (a bundle whose pages read as the live
        one's did, an edit that renders the same page, is left there). ContentError (E904) when indexing failed."""
        if self._worker is None:
            return []
        self.ask_all()
        kept = set()
        try:
            for bundle in self._asked:
                outcome, _ = self._worker.answer(bundle)
                if outcome == "kept":
                    kept.add(bundle)
            self._worker.close()
        except SearchIndexError as exc:
            self.cancel()
            raise ContentError([Diagnostic.of("E904", "search", error=exc)]) from exc
        finally:
            self._worker = None
        return [bundle for bundle in self.bundles if bundle not in kept]

    def cancel(self) -> None:
        """Stop indexing (the patch failed or was given up): ends the worker and its Pagefind."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.terminate()
            try:
                worker.close()
            except SearchIndexError:
                pass  # ended as asked


def index_then_record(search: BundleIndexer, staging: Path, site_dir: Path, record: Callable[[], None]) -> None:
    """The end of a patch whose pages went live before its search bundles: wait for the bundles, move them in,
    delete the staged files, then ``record`` the patch's state and manifest (see the module docstring)."""
    try:
        move_in(staging / "site", site_dir, [], search.wait())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    record()
