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
  few hundred pages, not thousands.

Each bundle is built by its own Pagefind process, one at a time (memory stays
that of one shard), over a farm of hard links to just its pages outside the
site, in a background thread. A bundle whose input (page paths and bytes) is
unchanged since the previous site is hard-linked from there instead: each
bundle records the digest of its input in DIGEST_FILE (and of its page paths
alone in PAGES_FILE).

Interface used by the build pipeline (a plan made before Pelican runs, so the
search page can name its bundles; indexing started once the pages exist):

    plan = plan_bundles(report_pages, other_pages)   # bundle dir -> page paths
    bundle_urls(plan)                                 # URLs for the search page, primary first
    indexer = SearchIndexer(site_dir, previous_site_dir, cache_dir)
    indexer.start(plan); ...; summary = indexer.wait()
"""

from __future__ import annotations

import hashlib
import itertools
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from wenming.build.discard import discard
from wenming.output import link_or_copy

PRIMARY_BUNDLE = "pagefind"
SHARDS_DIR = "pagefind-shards"
# Most reports in one shard: what an edit costs (Pagefind reads and indexes the whole shard again, about
# 0.3 s + 2 ms a page of CPU) against how many bundles the search page merges (about 1-2 per SHARD_SIZE
# reports; each query fetches an index chunk from every bundle: ~300 requests and 2.5-3 s for a first search
# over 33 bundles at 10,000 reports). 400 rather than 500 keeps 10,000 reports in the same 33 bundles
# (276-342 pages each) and splits 2,000 into 8 shards of 217-288 instead of 6 of up to 499 pages.
# Peak memory of a Pagefind run is about 57 MB + 87 KB a page (all 10,000 in one run: 930 MB).
SHARD_SIZE = 400
DIGEST_FILE = "wenming-input.sha256"
# The hash of a bundle's page paths alone: a build that updates the site in place keeps a bundle whose pages
# are the same and were all kept (none written again) without reading them to work out DIGEST_FILE.
PAGES_FILE = "wenming-pages.sha256"
FORMAT = "wenming-search-1"  # part of every digest: change it to rebuild every bundle
PAGEFIND_COMMAND: list[str] | None = None  # None: the pagefind[extended] binary (see pagefind_command)
TIMEOUT = 600  # seconds for one bundle
_RANK_BITS = 64


class SearchIndexError(RuntimeError):
    pass


def pagefind_command() -> list[str]:
    """How Pagefind is run: its extended binary directly (``python -m pagefind`` costs a Python start-up)."""
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


def bundle_digest(pages: list[str], path_of: Callable[[str], str]) -> str:
    """Hash of what a bundle is made from: Pagefind's version, the page paths and their bytes (read from
    ``path_of(page)``)."""
    digest = hashlib.sha256(f"{FORMAT}\0{_pagefind_version()}\0".encode())
    for page in sorted(pages):
        with open(path_of(page), "rb") as handle:
            data = handle.read()
        digest.update(f"{page}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


def pages_hash(pages: list[str]) -> str:
    return hashlib.sha256("\0".join(sorted(pages)).encode("utf-8")).hexdigest()


def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "unknown"


def previous_bundles(site_dir: Path | None) -> dict[str, Path]:
    """The finished bundles of a site by the digest of their input."""
    if site_dir is None:
        return {}
    candidates = [site_dir / PRIMARY_BUNDLE, *sorted((site_dir / SHARDS_DIR).glob("*"))]
    found = {}
    for bundle in candidates:
        try:
            found[(bundle / DIGEST_FILE).read_text(encoding="ascii").strip()] = bundle
        except (OSError, UnicodeDecodeError):
            continue
    return found


def link_tree(source: Path, target: Path) -> int:
    """Recreate the tree ``source`` at ``target`` with hard links to its files; returns the number of files."""
    files = 0
    for root, _, names in os.walk(source):
        folder = target / Path(root).relative_to(source)
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            link_or_copy(Path(root) / name, folder / name)
            files += 1
    return files


def _remove(path: Path) -> None:
    """Delete a bundle folder or a file: unlinking never touches a file hard-linked from elsewhere."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class SearchIndexer:
    """Writes the search bundles of a plan into ``site_dir`` in a background thread.

    Only the bundle folders are written into ``site_dir``; the page farms live
    in ``cache_dir``. After ``wait()``, ``built`` and ``reused`` name the
    bundles Pagefind indexed and those linked from ``previous_site_dir``.

    ``in_place``: ``site_dir`` holds only the pages written again, and the build then updates
    ``previous_site_dir`` in place (wenming.build.in_place): other pages are read there, and a bundle
    already there with the same input is left where it is (``kept``) rather than linked.
    """

    def __init__(self, site_dir: Path, previous_site_dir: Path | None, cache_dir: Path, in_place: bool = False) -> None:
        # Absolute: Pagefind runs in the folder of its page farm and is handed these paths.
        self.site_dir = Path(site_dir).absolute()
        self.previous_site_dir = Path(previous_site_dir).absolute() if previous_site_dir is not None else None
        if self.previous_site_dir is not None and self.previous_site_dir.resolve() == self.site_dir.resolve():
            self.previous_site_dir = None  # its bundles would be deleted before they were linked
        self.in_place = in_place and self.previous_site_dir is not None
        self.cache_dir = Path(cache_dir).absolute()
        self.built: list[str] = []
        self.reused: list[str] = []
        self.kept: list[str] = []
        self.pages = 0
        self._summary = ""
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._cancelled = threading.Event()
        self._process: subprocess.Popen | None = None
        self._plan: dict[str, list[str]] = {}
        # (priority, order, bundle): a bundle with pages written again before those kept as they were (in
        # place, those only need two small files read), so that Pagefind starts as soon as it can.
        self._ready: queue.PriorityQueue[tuple[int, int, str | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._unchanged: set[str] = set()

    def start(self, plan: dict[str, list[str]], ready: list[str] | None = None) -> None:
        """Start indexing the plan's bundles; returns at once.

        Bundles are indexed one at a time as they become ready: all at once by default, or only
        ``ready`` ones, the others when ``mark_ready`` names them (once their pages are written).
        """
        if self._thread is not None:
            raise RuntimeError("this indexer was already started")
        plan = {bundle: list(pages) for bundle, pages in plan.items() if pages}
        self._plan = plan
        for bundle in plan if ready is None else ready:
            self._put(bundle)
        self._thread = threading.Thread(target=self._run, args=(plan,), name="search-index")
        self._thread.start()

    def _put(self, bundle: str | None, priority: int = 1) -> None:
        self._ready.put((priority, next(self._order), bundle))

    def mark_ready(self, *bundles: str, unchanged: bool = False) -> None:
        """The pages of these bundles are written: they may be indexed (no bundle means all of them).
        ``unchanged`` (in place): none of their pages was written again, each is the previous site's."""
        for bundle in bundles or list(self._plan):
            if unchanged and self.in_place:
                self._unchanged.add(bundle)
            self._put(bundle, 2 if unchanged else 1)

    def wait(self) -> str:
        """Wait for the index; returns a one-line summary, raises SearchIndexError when it failed."""
        if self._thread is None:
            raise RuntimeError("the indexer was not started")
        self.mark_ready()
        self._thread.join()
        if isinstance(self._error, SearchIndexError):
            raise self._error
        if self._error is not None:
            raise SearchIndexError(f"search indexing failed: {self._error}") from self._error
        return self._summary

    def cancel(self) -> None:
        """Stop indexing (the build failed elsewhere): ends the running Pagefind process and waits."""
        self._cancelled.set()
        self._put(None, 0)  # wakes a thread waiting for the next bundle
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
        if self._thread is not None:
            self._thread.join()

    def _run(self, plan: dict[str, list[str]]) -> None:
        try:
            began = time.monotonic()
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _remove_abandoned_farms(self.cache_dir)
            previous = previous_bundles(self.previous_site_dir)
            done: set[str] = set()
            while len(done) < len(plan):
                _, _, bundle = self._ready.get()
                if self._cancelled.is_set():
                    raise SearchIndexError("search indexing was cancelled")
                if bundle in done or bundle not in plan:
                    continue
                done.add(bundle)
                self._write_bundle(bundle, plan[bundle], previous)
                self.pages += len(plan[bundle])
            self._summary = (f"search index: {self.pages} pages in {len(plan)} bundles ({len(self.built)} built, "
                             f"{len(self.reused) + len(self.kept)} reused) in {time.monotonic() - began:.1f} s")
        except BaseException as exc:  # handed to wait()
            self._error = exc

    def _page(self, page: str) -> str:
        """Where page ``page`` is: in ``site_dir``, or (in place) in the previous site when not written again."""
        staged = os.path.join(self.site_dir, page)
        if self.in_place and not os.path.exists(staged):
            return os.path.join(self.previous_site_dir, page)
        return staged

    def _unchanged_in_place(self, bundle: str, pages: list[str]) -> bool:
        """Whether the live bundle has these pages, none of them written again (marked ``unchanged``)."""
        if bundle not in self._unchanged:
            return False
        try:
            recorded = (self.previous_site_dir / bundle / PAGES_FILE).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return False
        return recorded == pages_hash(pages) and (self.previous_site_dir / bundle / DIGEST_FILE).is_file()

    def _write_bundle(self, bundle: str, pages: list[str], previous: dict[str, Path]) -> None:
        if self._unchanged_in_place(bundle, pages):
            self.kept.append(bundle)
            return
        digest = bundle_digest(pages, self._page)
        target = self.site_dir / bundle
        _remove(target)
        source = previous.get(digest)
        if source is not None and self.in_place and source == self.previous_site_dir / bundle:
            self.kept.append(bundle)
            return
        if source is not None:
            try:
                link_tree(source, target)
                self.reused.append(bundle)
                return
            except OSError:  # the previous site went away meanwhile: build it instead
                _remove(target)
        self._build(bundle, pages, target)
        (target / DIGEST_FILE).write_text(digest + "\n", encoding="ascii")
        (target / PAGES_FILE).write_text(pages_hash(pages) + "\n", encoding="ascii")
        self.built.append(bundle)

    def _build(self, bundle: str, pages: list[str], target: Path) -> None:
        """Run Pagefind over a farm of hard links to just ``pages``, writing the bundle to ``target``."""
        farm = Path(tempfile.mkdtemp(prefix=f"farm-{os.getpid()}-", dir=self.cache_dir))
        try:
            folders: set[str] = set()
            for page in pages:  # os.path rather than pathlib: ~10,000 pages per full build
                folder = os.path.dirname(page)
                if folder not in folders:
                    os.makedirs(os.path.join(farm, folder), exist_ok=True)
                    folders.add(folder)
                link_or_copy(self._page(page), os.path.join(farm, page))
            if self._cancelled.is_set():
                raise SearchIndexError("search indexing was cancelled")
            command = [*pagefind_command(), "--site", str(farm), "--output-path", str(target)]
            self._process = subprocess.Popen(command, cwd=farm, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True, errors="replace")
            try:
                stdout, stderr = self._process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.communicate()
                raise SearchIndexError(f"search indexing of {bundle}/ took longer than {TIMEOUT} s") from None
            if self._cancelled.is_set():
                raise SearchIndexError("search indexing was cancelled")
            if self._process.returncode != 0:
                raise SearchIndexError(f"search indexing of {bundle}/ ({len(pages)} pages) failed "
                                       f"(exit code {self._process.returncode}): {_pagefind_message(stderr, stdout)}")
        finally:
            self._process = None
            _discard_farm(farm)


def _pagefind_message(stderr: str, stdout: str, lines: int = 12) -> str:
    """The end of what Pagefind printed about a failure, without its notes on stemming."""
    text = [line for line in (stderr or stdout).splitlines()
            if line.strip() and "stemming" not in line and "Search will still work" not in line]
    return "\n".join(dict.fromkeys(text[-lines:])) or "no message"


def _discard_farm(farm: Path) -> None:
    """Delete a farm of ~2,500 page links in the background (seconds of unlinking in Python)."""
    retired = farm.with_name(f"retired-{farm.name}")
    try:
        os.rename(farm, retired)
    except OSError:
        shutil.rmtree(farm, ignore_errors=True)
    else:
        discard(retired)


def _remove_abandoned_farms(cache_dir: Path) -> None:
    """Delete page farms left behind by indexers that were killed (their process is gone)."""
    for retired in cache_dir.glob("retired-farm-*"):  # a remover that was interrupted
        discard(retired)
    for farm in cache_dir.glob("farm-*-*"):
        try:
            os.kill(int(farm.name.split("-")[1]), 0)
        except ValueError:
            continue
        except ProcessLookupError:
            shutil.rmtree(farm, ignore_errors=True)
        except PermissionError:
            continue
