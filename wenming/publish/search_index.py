"""Full-text search index of a generated site, built with Pagefind's extended binary, in bundles.

Pagefind (from the ``pagefind[extended]`` package, binary included, nothing
downloaded) segments Chinese on pages marked ``lang="zh-CN"``. Only elements
marked ``data-pagefind-body`` are indexed; filters and result metadata come
from ``data-pagefind-filter`` / ``data-pagefind-meta`` attributes.

One Pagefind run over 10,000 reports needs about 1 GB of memory and Pagefind
cannot update an index, so the index is split into bundles that the search
page merges in the browser (``pagefind.mergeIndex``):

* the primary bundle ``pagefind/`` (it holds the ``pagefind.js`` the search
  page loads) with the static pages, and with the reports too while they fit
  in one bundle;
* otherwise the reports in shards ``pagefind-shards/s00/``, ``pagefind-shards/s01/``
  ..., each of at most SHARD_SIZE pages. A report's shard follows from a hash
  of its path (the shards are the leaves of a binary trie over the hash bits),
  so editing, adding or removing one report changes one shard (or, when it
  overflows, splits it in two). Shards are small so that an edit re-indexes a
  few hundred pages, not thousands. A shard holds its index only (entry,
  metadata, WebAssembly, index, fragments, filters), not Pagefind's scripts
  and styles (index_worker.merged_bundle_file).

Each bundle is indexed by a Pagefind service (``pagefind --service``, one per
worker for all the bundles it writes: wenming.publish.pagefind_service), one at
a time while the build renders and up to WORKERS at a time once its pages are
written (memory stays that of a shard or two), over a farm of hard links to
just its pages outside the site. A bundle whose input (page paths and bytes) is unchanged since the
previous site is hard-linked from there instead: each bundle records the
digest of its input in DIGEST_FILE (and of its page paths alone in
PAGES_FILE). That work is done by a worker process (wenming.publish.index_worker),
fed bundle by bundle from threads here as their pages are written.

Interface used by the build pipeline (a plan made before Pelican runs, so the
search page can name its bundles; indexing started once the pages exist):

    plan = plan_bundles(report_pages, other_pages)   # bundle dir -> page paths
    bundle_urls(plan)                                 # URLs for the search page, primary first
    indexer = SearchIndexer(site_dir, previous_site_dir, cache_dir)
    indexer.start(plan); ...; summary = indexer.wait()
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from wenming.publish.index_worker import (  # noqa: F401 (the bundles' layout, re-exported)
    DIGEST_FILE,
    PAGES_FILE,
    PRIMARY_BUNDLE,
    SHARDS_DIR,
    Config,
    bundle_digest,
    link_tree,
    pages_hash,
)
from wenming.workers import start_module, stderr_tail

# Most reports in one shard: what an edit costs (Pagefind reads and indexes the whole shard again, about
# 2-3 ms a page of CPU, and ~0.37 s once per worker to start its service) against how many bundles the
# search page merges (about 1-2 per SHARD_SIZE reports; each query fetches an index chunk from every bundle:
# ~300 requests and 2.5-3 s for a first search over 33 bundles at 10,000 reports). 400 rather than 500 keeps
# 10,000 reports in the same 33 bundles (276-342 pages each) and splits 2,000 into 8 shards of 217-288
# instead of 6 of up to 499 pages. Peak memory of a Pagefind run is about 57 MB + 87 KB a page (all 10,000 in
# one run: 930 MB); a service that indexed 16 shards of 320 pages one after another held 144 MB.
SHARD_SIZE = 400
FORMAT = "wenming-search-2"  # part of every digest: change it to rebuild every bundle
PAGEFIND_COMMAND: list[str] | None = None  # None: the pagefind[extended] binary (see pagefind_command)
TIMEOUT = 600  # seconds for one bundle
WORKERS = 2  # Pagefind services at once, once the build's pages are all written (each: see above)
_RANK_BITS = 64


class SearchIndexError(RuntimeError):
    pass


def pagefind_command() -> list[str]:
    """How Pagefind is run (the index workers add ``--service``): its extended binary directly (``python -m
    pagefind`` costs a Python start-up)."""
    if PAGEFIND_COMMAND is not None:
        return list(PAGEFIND_COMMAND)
    try:
        from pagefind_bin_extended import get_executable
        return [str(get_executable().absolute())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


def _rank(path: str) -> int:
    """A stable hash of a page path (Python's hash() changes between runs)."""
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=_RANK_BITS // 8).digest(), "big")


def shard_bundle(prefix: str) -> str:
    """The shard of the reports whose path hash starts with the bits ``prefix`` ("0110")."""
    return f"{SHARDS_DIR}/s{prefix}"


def _leaves(reports: list[tuple[int, str]], prefix: str = "") -> list[tuple[str, list[str]]]:
    """Split (rank, path) pairs by the next bit of their rank until no part holds more than SHARD_SIZE."""
    depth = len(prefix)
    if len(reports) <= SHARD_SIZE or depth >= _RANK_BITS:
        return [(prefix, [path for _, path in reports])] if reports else []
    bit = _RANK_BITS - 1 - depth
    zero = [(rank, path) for rank, path in reports if not rank >> bit & 1]
    one = [(rank, path) for rank, path in reports if rank >> bit & 1]
    return _leaves(zero, prefix + "0") + _leaves(one, prefix + "1")


def plan_bundles(report_pages: list[str], other_pages: list[str]) -> dict[str, list[str]]:
    """Which pages go into which bundle (relative bundle dir -> sorted relative HTML paths), primary first.

    All pages share the primary bundle while they fit in one (SHARD_SIZE); beyond that the primary holds
    the static pages and the reports are split into shards by the bits of a hash of their path, like a
    binary trie: a part with more than SHARD_SIZE reports is split in two by the next bit. The shards
    are a function of the set of reports alone (a cold build makes the same ones), and adding or
    removing a report changes the one shard it falls into: when that shard overflows, it becomes
    two, and when two halves fit together again, one (whatever the number of reports, never more).
    With no static pages the first shard is the primary bundle. Empty bundles are left out.
    """
    reports, others = sorted(set(report_pages)), sorted(set(other_pages) - set(report_pages))
    if len(reports) + len(others) <= SHARD_SIZE:
        return {PRIMARY_BUNDLE: sorted(others + reports)} if reports or others else {}
    plan = {PRIMARY_BUNDLE: others} if others else {}
    for prefix, pages in _leaves(sorted((_rank(path), path) for path in reports)):
        plan[shard_bundle(prefix) if plan else PRIMARY_BUNDLE] = sorted(pages)
    return plan


def bundle_urls(plan: dict[str, list[str]]) -> list[str]:
    """The URLs of the plan's bundles for the search page, the primary bundle first."""
    bundles = [bundle for bundle, pages in plan.items() if pages]
    bundles.sort(key=lambda bundle: bundle != PRIMARY_BUNDLE)
    return [f"/{bundle}/" for bundle in bundles]


class SearchIndexer:
    """Writes the search bundles of a plan into ``site_dir`` from background threads.

    Only the bundle folders are written into ``site_dir``; the page farms live
    in ``cache_dir``. After ``wait()``, ``built`` and ``reused`` name the
    bundles Pagefind indexed and those linked from ``previous_site_dir``.

    One worker process takes the bundles while the build renders (the build's
    own thread needs the other core); once every page is written, up to
    WORKERS of them share the bundles left.

    ``in_place``: ``site_dir`` holds only the pages written again, and the build then updates
    ``previous_site_dir`` in place (wenming.build.in_place): other pages are read there, and a bundle
    already there with the same input is left where it is (``kept``) rather than linked.
    """

    def __init__(self, site_dir: Path, previous_site_dir: Path | None, cache_dir: Path, in_place: bool = False) -> None:
        # Absolute: Pagefind is handed these paths.
        self.site_dir = Path(site_dir).absolute()
        self.previous_site_dir = Path(previous_site_dir).absolute() if previous_site_dir is not None else None
        if self.previous_site_dir is not None and self.previous_site_dir.resolve() == self.site_dir.resolve():
            self.previous_site_dir = None  # its bundles would be deleted before they were linked
        self.in_place = in_place and self.previous_site_dir is not None
        self.cache_dir = Path(cache_dir).absolute()
        self.built: list[str] = []
        self.reused: list[str] = []
        self.kept: list[str] = []
        self.read: list[str] = []  # the bundles whose pages were read (to work out their input digest)
        self.pages = 0
        self._error: BaseException | None = None
        self._threads: list[threading.Thread] = []
        self._workers: list[IndexWorker] = []  # those not yet told to stop
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._plan: dict[str, list[str]] = {}
        self._claimed: set[str] = set()
        self._began = 0.0
        # (priority, order, bundle): a bundle with pages written again before those kept as they were (in
        # place, those only need two small files read), so that Pagefind starts as soon as it can. None
        # (after every bundle was handed out, or cancelled) ends a thread.
        self._ready: queue.PriorityQueue[tuple[int, int, str | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._unchanged: set[str] = set()

    def start(self, plan: dict[str, list[str]], ready: list[str] | None = None) -> None:
        """Start indexing the plan's bundles; returns at once.

        Bundles are indexed as they become ready: all at once by default, or only ``ready`` ones, the
        others when ``mark_ready`` names them (once their pages are written).
        """
        if self._threads:
            raise RuntimeError("this indexer was already started")
        self._plan = {bundle: list(pages) for bundle, pages in plan.items() if pages}
        self._began = time.monotonic()
        for bundle in self._plan if ready is None else ready:
            self._put(bundle)
        self._add_thread()
        if ready is None:
            self._widen()

    def _put(self, bundle: str | None, priority: int = 1) -> None:
        self._ready.put((priority, next(self._order), bundle))

    def mark_ready(self, *bundles: str, unchanged: bool = False) -> None:
        """The pages of these bundles are written: they may be indexed (no bundle means all of them, the
        build's rendering is over and more workers may share what is left).
        ``unchanged`` (in place): none of their pages was written again, each is the previous site's."""
        for bundle in bundles or list(self._plan):
            if unchanged and self.in_place:
                self._unchanged.add(bundle)
            self._put(bundle, 2 if unchanged else 1)
        if not bundles and self._threads:
            self._widen()

    def wait(self) -> str:
        """Wait for the index; returns a one-line summary, raises SearchIndexError when it failed."""
        if not self._threads:
            raise RuntimeError("the indexer was not started")
        self.mark_ready()
        for thread in list(self._threads):
            thread.join()
        if isinstance(self._error, SearchIndexError):
            raise self._error
        if self._error is not None:
            raise SearchIndexError(f"search indexing failed: {self._error}") from self._error
        return (f"search index: {self.pages} pages in {len(self._plan)} bundles ({len(self.built)} built, "
                f"{len(self.reused) + len(self.kept)} reused) in {time.monotonic() - self._began:.1f} s")

    def cancel(self) -> None:
        """Stop indexing (the build failed elsewhere): ends the workers, and with them the running Pagefinds."""
        self._stop()
        for thread in list(self._threads):
            thread.join()

    def _stop(self) -> None:
        with self._lock:
            self._cancelled.set()
            for _ in range(len(self._threads) + 1):
                self._put(None, 0)  # wakes the threads waiting for their next bundle
            for worker in self._workers:
                worker.terminate()
            self._workers.clear()  # each is told once: a second signal would cut its clean-up short

    def _add_thread(self) -> None:
        with self._lock:
            if self._cancelled.is_set():
                return
            thread = threading.Thread(target=self._run, name=f"search-index-{len(self._threads)}")
            self._threads.append(thread)
        thread.start()

    def _widen(self) -> None:
        """More workers for the bundles not yet handed out, when there are some for each."""
        wanted = min(WORKERS, os.cpu_count() or 1, len(self._plan) - len(self._claimed))
        for _ in range(wanted - len(self._threads)):
            self._add_thread()

    def _start_worker(self) -> IndexWorker:
        """A worker process, configured."""
        worker = IndexWorker(worker_config(self.site_dir, self.previous_site_dir, self.cache_dir, self.in_place))
        with self._lock:
            if self._cancelled.is_set():
                worker.terminate()
            else:
                self._workers.append(worker)
        return worker

    def _claim(self) -> str | None:
        """The next bundle ready and not yet handed out; None once all were."""
        while True:
            with self._lock:
                if len(self._claimed) == len(self._plan) and not self._cancelled.is_set():
                    return None
            _, _, bundle = self._ready.get()
            if self._cancelled.is_set():
                raise SearchIndexError("search indexing was cancelled")
            with self._lock:
                if bundle is None or bundle in self._claimed or bundle not in self._plan:
                    continue
                self._claimed.add(bundle)
                if len(self._claimed) == len(self._plan):
                    for _ in self._threads:
                        self._put(None, 3)  # after the repeats still queued: ends the threads waiting
                return bundle

    def _run(self) -> None:
        worker = None
        try:
            worker = self._start_worker()
            while (bundle := self._claim()) is not None:
                worker.ask(bundle, self._plan[bundle], unchanged=bundle in self._unchanged)
                self._record(bundle, worker)
        except BaseException as exc:  # handed to wait()
            self._fail(exc)
        finally:
            if worker is not None:
                try:
                    worker.close()
                except SearchIndexError as exc:
                    self._fail(exc)

    def _fail(self, error: BaseException) -> None:
        """The first error is the one wait() raises; the other threads and workers stop."""
        with self._lock:
            if self._error is None:
                self._error = error
        self._stop()

    def _record(self, bundle: str, worker: IndexWorker) -> None:
        """Note the worker's answer about ``bundle``."""
        try:
            outcome, read = worker.answer(bundle)
        except SearchIndexError:
            if self._cancelled.is_set():  # the worker was ended: that is why
                raise SearchIndexError("search indexing was cancelled") from None
            raise
        if self._cancelled.is_set():
            raise SearchIndexError("search indexing was cancelled")
        with self._lock:
            {"built": self.built, "reused": self.reused, "kept": self.kept}[outcome].append(bundle)
            if read:
                self.read.append(bundle)
            self.pages += len(self._plan[bundle])


def worker_config(site_dir: Path, previous_site_dir: Path | None, cache_dir: Path, in_place: bool) -> Config:
    """What an index worker is told first: where it writes bundles and reads pages (absolute paths), and how it
    runs Pagefind."""
    return Config(site_dir=str(Path(site_dir).absolute()), in_place=in_place,
                  previous_site_dir=str(Path(previous_site_dir).absolute()) if previous_site_dir else None,
                  cache_dir=str(Path(cache_dir).absolute()), command=pagefind_command(), format=FORMAT,
                  timeout=TIMEOUT)


class IndexWorker:
    """One index worker process (wenming.publish.index_worker, its protocol there), used from one thread at a
    time: ``ask`` for bundles, take each ``answer`` in the same order, then ``close``. Holds no thread, so a
    process may fork while its worker indexes and let the child take the answers (wenming.build.patch)."""

    def __init__(self, config: Config) -> None:
        self._errors = tempfile.TemporaryFile()
        try:
            self.process = start_module("wenming.publish.index_worker", text=True, encoding="ascii",
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors)
        except BaseException:
            self._errors.close()
            raise
        self._send(json.dumps(dataclasses.asdict(config)))

    def ask(self, bundle: str, pages: list[str], unchanged: bool = False) -> None:
        """Have ``bundle`` written (``unchanged``: in place, none of its pages was written again)."""
        self._send(json.dumps({"bundle": bundle, "pages": pages, "unchanged": unchanged}))

    def answer(self, bundle: str) -> tuple[str, bool]:
        """Wait for the answer about ``bundle`` (asked before the others not yet answered): its outcome ("built",
        "reused" or "kept") and whether its pages were read; SearchIndexError when it failed."""
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            raise SearchIndexError(f"the search indexer stopped (exit code {self.process.returncode}) while "
                                   f"indexing {bundle}/: {stderr_tail(self._errors)}")
        answer = json.loads(line)
        if "error" in answer:
            raise SearchIndexError(answer["error"])
        return answer["outcome"], answer["read"]

    def close(self) -> None:
        """Ask for nothing more and wait for the worker to end; SearchIndexError when it ended badly."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            if self.process.wait() != 0:
                raise SearchIndexError(f"the search indexer ended with exit code {self.process.returncode}: "
                                       f"{stderr_tail(self._errors)}")
        finally:
            self._errors.close()

    def terminate(self) -> None:
        """End the worker, and with it a running Pagefind (``close`` then reaps it)."""
        if self.process.poll() is None:
            self.process.terminate()

    def _send(self, line: str) -> None:
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except OSError:
            pass  # the worker stopped: its answer (or its end) says why
