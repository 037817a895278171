"""The build recipe: read and validate, generate with Pelican, swap the output into place.

The site is generated into a staging directory next to the output and only
moved into place when every stage succeeded, so a failed build leaves the
previously published site untouched: renamed in whole, or, when a previous
site is there, only the files that changed are staged and moved over theirs
(wenming.build.in_place).

Each stage reuses what the previous build left in ``<output>/.cache`` and in
the previous site: parsed files and rendered Markdown (site_model), page keys
(render_cache: unchanged pages are kept, not rendered), image variants
(images), search bundles (search_index) and the kiosk's pictures, QR codes and
font subset (publish.kiosk.cache). Search indexing runs in a
background thread from the moment Pelican has written the pages it indexes, or,
in an update of the live site whose caller does not wait for the search, just
after the pages are live (wenming.build.search_stage).

When only report bodies changed, ``build`` patches the live site instead (wenming.build.patch).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
from pelican import signals

from wenming.build.cache import (
    ManifestStore,
    PickledCache,
    Timeline,
    code_fingerprint,
    content_stamps,
    found_files,
    input_manifest,
    inspections_cache,
    markdown_cache,
    pinyin_cache,
    source_cache,
)
from wenming.build.engine import SIDE_PROCESS, WRITE_ORDER, SitePelican
from wenming.build.exchange import empty_trash, retire_abandoned, swap_into_place
from wenming.build.heap import BuildHeap
from wenming.build.in_place import commit, make_whole
from wenming.build.lock import BuildLock, build_lock, in_background
from wenming.build.page_keys import site_keys
from wenming.build.patch import PatchState, record_state, try_patch
from wenming.build.quick_render import LastBuild, dismantle_run, forget_rendered_content
from wenming.build.render_cache import SETTLED, WRITE_ONLY, RenderCache, WriteOnly, content_settled
from wenming.build.search_stage import SearchStage, search_plan
from wenming.build.settings import pelican_settings
from wenming.build.settled import Settled, settled_pages
from wenming.build.side_outputs import SideOutputError
from wenming.media.images import remember_inspections
from wenming.model.events import reference_moment
from wenming.model.site import LoadCaches, SiteModel, load_site
from wenming.publish.kiosk import write_kiosk
from wenming.publish.search_index import bundle_urls
from wenming.source.diagnostics import ContentError, Diagnostic, Diagnostics
from wenming.source.slugs import known_words, remember_words

Progress = Callable[[str], None]


@dataclasses.dataclass
class BuildResult:
    site_dir: Path
    model: SiteModel | None  # None when the build was skipped as up to date
    diagnostics: Diagnostics
    up_to_date: bool = False
    last: LastBuild | None = None  # what quick preview renders start from
    patched: list[str] | None = None  # the files a body-edit patch replaced (wenming.build.patch), if it was one


# Output trees written next to site/ (the kiosk bundle, say): (name, writer(model, tree_dir, site_dir, cache_dir)).
# Each is staged with the site and swapped into place with it.
OUTPUT_TREES: list[tuple[str, Callable[[SiteModel, Path, Path, Path], None]]] = [
    ("kiosk", write_kiosk),
]


@dataclasses.dataclass
class KeptCaches:
    """What a long-running process (the CMS) keeps in memory between its builds instead of reading it back
    from ``<output>/.cache``: the rendered Markdown bodies (~1.5 s to unpickle at 10,000 reports), used
    while the file they were saved to is the one this process saved (same code, no other build since)."""

    markdown: dict | None = None
    stamp: tuple | None = None

    @staticmethod
    def _stamp(store: PickledCache) -> tuple | None:
        try:
            stat = store.path.stat()
        except OSError:
            return None
        return store.fingerprint, stat.st_ino, stat.st_mtime_ns, stat.st_size

    def markdown_entries(self, store: PickledCache) -> dict:
        if self.markdown is not None and self.stamp is not None and self.stamp == self._stamp(store):
            return self.markdown
        return store.load()

    def remember(self, store: PickledCache, entries: dict) -> None:
        self.markdown, self.stamp = entries, self._stamp(store)


def read_and_validate(content_dir: Path, as_of: datetime.date | None = None,
                      caches: LoadCaches | None = None) -> SiteModel:
    """Stage 1: the content model, or ContentError with every problem found."""
    if not (content_dir / "data").is_dir():
        raise ContentError([Diagnostic.of("E901", str(content_dir))])
    model, diagnostics = load_site(content_dir, as_of, caches)
    if model is None:
        raise ContentError(diagnostics.sorted())
    return model


class _PelicanLogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _captured_pelican_logs() -> Iterator[_PelicanLogCollector]:
    logger = logging.getLogger("pelican")
    collector = _PelicanLogCollector()
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers, logger.propagate = [collector], False
    logger.setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def generate_site(model: SiteModel, site_dir: Path, cache_dir: Path | None = None,
                  render_cache: RenderCache | None = None, kept: list | None = None,
                  search: SearchStage | None = None, bundles: list[str] | None = None,
                  only: WriteOnly | None = None, settled: Settled | None = None) -> list[str]:
    """Stage 2: run Pelican and our plugins into ``site_dir``; returns Pelican's warnings.

    ``kept``, if given, receives Pelican's articles generator (for quick preview renders);
    ``search``, if given, starts indexing as soon as the report and static pages are written;
    ``bundles``: the search bundles' URLs, when not those of ``search`` or of the model (a partial model);
    ``only``: write only these files (see render_cache.WriteOnly);
    ``settled``: the pages known unchanged since the last build, kept without keys (wenming.build.settled).

    Any error Pelican logs (a file it could not process, a template problem)
    fails the build instead of silently producing a partial site.
    """
    if bundles is None:
        bundles = bundle_urls(search.plan if search is not None else search_plan(model))
    settings = pelican_settings(model, site_dir, cache_dir, bundles, render_cache)
    if search is not None:
        settings[WRITE_ORDER] = search.write_order
    settings[WRITE_ONLY] = only
    settings[SIDE_PROCESS] = render_cache is not None and only is None  # a whole build, with its records
    settings[SETTLED] = settled
    runs: list = []  # the run's articles generator
    try:
        warnings = _run_pelican(settings, runs, search)
    except BaseException:
        for generator in runs:
            dismantle_run(generator)
        raise
    for generator in runs:
        if kept is None:  # nobody renders with it again: freed as soon as it is dropped (see dismantle_run)
            dismantle_run(generator)
        else:
            kept.append(generator)
    return warnings


def _run_pelican(settings: dict, runs: list, search: SearchStage | None) -> list[str]:
    """Pelican over ``settings``; ``runs`` receives its articles generator, even when it fails."""
    with contextlib.ExitStack() as stack:
        logs = stack.enter_context(_captured_pelican_logs())
        stack.enter_context(contextlib.redirect_stdout(stack.enter_context(open(os.devnull, "w"))))
        stack.enter_context(signals.article_generator_finalized.connected_to(runs.append))
        if search is not None:  # bundles are indexed as their pages are written; at the latest when all are
            search.start()
            stack.enter_context(signals.content_written.connected_to(search.page_written))
            stack.enter_context(content_settled.connected_to(search.pages_settled))
            stack.enter_context(signals.page_writer_finalized.connected_to(search.all_written))
        try:
            SitePelican(settings).run()
        except jinja2.TemplateError as exc:
            where = f"{exc.filename}:{exc.lineno}" if getattr(exc, "filename", None) else "theme"
            raise ContentError([Diagnostic.of("E902", where, error=exc)]) from exc
        except SideOutputError as exc:
            raise ContentError([Diagnostic.of("E906", "pelican", error=exc)]) from exc
    forget_rendered_content()
    errors = [r.getMessage() for r in logs.records if r.levelno >= logging.ERROR]
    if errors:
        raise ContentError([Diagnostic.of("E903", "pelican", error=message) for message in errors])
    return [r.getMessage() for r in logs.records if r.levelno < logging.ERROR]


def _publish(staged: Path, site: Path, render_cache: RenderCache, kept_images: list[str], search: SearchStage,
             progress: Progress) -> bool:
    """Last stage. A build that staged only its changes (``link_kept`` off) moves them into the live site, unless
    most pages are new: then, as a build that staged everything, it swaps the whole staged site in. Returns
    whether the search bundles are still to follow (a deferred search stage's ``finish``)."""
    kept = [*render_cache.pages, *kept_images]  # the files left in the live site, and the staged ones
    changes_only = not render_cache.link_kept
    in_place = changes_only and render_cache.rendered <= render_cache.linked
    searching = in_place and search.deferred
    if not searching:  # the bundles go in with the pages
        progress("waiting for the search index")
        progress(search.wait())
    if in_place:
        committed = render_cache.committed = commit(staged, site, kept, search.plan, render_cache.previous_commit)
        progress(f"updated {site} in place: {committed.moved} files replaced or added, {committed.deleted} removed"
                 + ("; the search bundles follow once indexed" if searching else ""))
        return searching
    if changes_only:
        make_whole(staged, site, kept, search.indexer.kept)
    progress(f"swapping into {site.parent}")
    swap_into_place(staged, site)
    return False


_LEFT_FOR_EXIT: list[dict] = []


def _left_for_exit(objects: dict) -> None:
    """Keep what a build detached from still referenced: the command line then exits without freeing it
    (build.py ``exit_now``). Freeing ~10,000 reports' parsed files, records and caches one by one would write to
    pages the forked child saving the caches shares with this process, each then copied (copy-on-write): ~0.15 s
    at 10,000 reports, after the site is live. A later detached build in the same process frees them."""
    _LEFT_FOR_EXIT[:] = [objects]


def build(content_dir: Path, output_dir: Path, progress: Progress = lambda message: None,
          as_of: datetime.date | None = None, force: bool = False, memory: KeptCaches | None = None,
          on_live: Callable[[BuildResult], None] | None = None, detach_saves: bool = False) -> BuildResult:
    """The recipe: check for changes, read and validate, generate, write assets and extra trees, swap, then save
    what the next build reuses. One build at a time per output folder (wenming.build.lock).

    ``memory``: caches a long-running caller keeps between builds (see KeptCaches);
    ``on_live``: called once the new site is live, before the caches are saved (the CMS reports it live then);
    ``detach_saves``: save the caches in a forked child, which keeps the output folder locked until they are
    saved, and return as soon as the site is live (the command line: its user waits for the site only).
    """
    output_dir = Path(output_dir).absolute()  # tools run in other folders (Pagefind) are handed these paths
    with build_lock(output_dir, progress) as lock, BuildHeap() as heap:
        return _build(content_dir, output_dir, progress, as_of, force, memory, heap, on_live,
                      lock if detach_saves else None)


def _build(content_dir: Path, output_dir: Path, progress: Progress, as_of: datetime.date | None, force: bool,
           memory: KeptCaches | None, heap: BuildHeap, on_live: Callable[[BuildResult], None] | None,
           detach_from: BuildLock | None) -> BuildResult:
    cache_dir = output_dir / ".cache"
    retire_abandoned(output_dir)
    fingerprint = code_fingerprint()
    stamps = content_stamps(content_dir)
    manifest = input_manifest(stamps, fingerprint, as_of)
    manifests = ManifestStore(cache_dir)
    now = reference_moment(as_of)  # before any page is rendered: pages may show a later moment, never an earlier
    if not force and manifests.matches(manifest, output_dir / "site", now):
        progress("nothing changed since the last build; the site is up to date")
        return BuildResult(output_dir / "site", None, Diagnostics(content_dir), up_to_date=True)
    markdown_store, source_store = markdown_cache(cache_dir), source_cache(cache_dir, fingerprint)
    words_store = pinyin_cache(cache_dir, fingerprint)
    words = words_store.load()
    remember_words(words)
    inspections_store = inspections_cache(cache_dir, fingerprint)
    inspected = inspections_store.load()
    remember_inspections(inspected)
    markdown_entries = memory.markdown_entries(markdown_store) if memory is not None else markdown_store.load()
    state = PatchState.load(cache_dir) if not force else None  # --force: every page keyed (or rendered)
    if state is not None:
        # A caller told when the pages are live (the CMS), or who detaches from what follows (the command line),
        # has the patch's pages moved in without waiting for their search bundles (wenming.build.patch_search).
        patched = try_patch(state, content_dir, output_dir, stamps, fingerprint, as_of, now, markdown_entries,
                            progress, generate_site, pages_first=detach_from is not None or on_live is not None)
        if patched is not None:
            progress(f"patched the site: {len(patched.written)} files rendered again, {len(patched.bundles)} search "
                     f"bundle(s) {'being ' if patched.searching else ''}indexed again")
            result = BuildResult(output_dir / "site", patched.model, patched.model.diagnostics, patched=patched.written)
            if on_live is not None:
                on_live(result)
            _save_after_live(patched.record, detach_from, progress,
                             ", once its search bundles are in" if patched.searching else "")
            return result
    caches = LoadCaches(markdown_entries, source_store.load(), image_variants=cache_dir / "images",
                        found=found_files(content_dir, stamps))
    progress(f"reading and validating {content_dir} (image variants start in the background as images appear)")
    model = read_and_validate(content_dir, as_of, caches)
    heap.loaded()
    timeline = Timeline.of(e for e in model.collections.get("events", []) if e.is_published)
    progress(f"validated {len(model.news)} reports ({len(model.published_news)} published), "
             f"{len(model.pages)} pages, {len(model.registry.units)} units")
    staging, search, searching = None, None, False
    try:  # from here on, a failure must also stop the image variants already under way
        output_dir.mkdir(parents=True, exist_ok=True)
        empty_trash(output_dir)
        manifests.forget()
        keys = site_keys(stamps, content_dir, fingerprint, as_of, model.news, timeline)
        render_cache = RenderCache.load(cache_dir, keys, output_dir / "site", model.images)
        RenderCache.forget(cache_dir)
        PatchState.forget(cache_dir)
        in_place = bool(render_cache.previous)  # the live site and its page keys are there: stage only changes
        render_cache.link_kept = not in_place
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=output_dir))
        # A caller told when the pages are live (the CMS), or who detaches from what follows (the command line),
        # has the pages of an in-place update moved in before their search bundles are indexed (search_stage).
        search = SearchStage(model, staging / "site", output_dir / "site", cache_dir / "search", in_place,
                             deferred=detach_from is not None or on_live is not None)
        if model.images.start_variants():  # into caches.image_variants
            progress("making image variants in the background")
        progress("generating the public site")
        kept: list = []
        with signals.all_generators_finalized.connected_to(lambda _generators: heap.loaded()):
            warnings = generate_site(model, staging / "site", cache_dir, render_cache, kept, search,
                                     settled=settled_pages(state, model, stamps, keys.shell))
        for warning in warnings:
            model.diagnostics.add("W903", "pelican", warning=warning)
        progress(f"generated the site: {render_cache.rendered} pages rendered, {render_cache.linked} unchanged "
                 f"pages kept from the last build (and {render_cache.files_linked} generated files; "
                 f"{render_cache.settled} of these known unchanged without keys); search indexing "
                 + ("follows once the pages are live" if search.deferred else "has started"))
        kept_images: list[str] = []
        written, processed = model.images.write_used(staging / "site", live_dir=output_dir / "site" if in_place
                                                      else None, kept=kept_images)
        progress(f"images: {written} variants ({processed} newly processed, the rest from the cache)")
        for name, write_tree in OUTPUT_TREES:
            progress(f"writing {name}")
            write_tree(model, staging / name, staging / "site", cache_dir)
        if render_cache.deferred:
            progress(f"writing {len(render_cache.deferred)} large download(s) made in another process")
            render_cache.write_deferred(staging / "site")
        searching = _publish(staging / "site", output_dir / "site", render_cache, kept_images, search, progress)
        for name, _ in OUTPUT_TREES:
            swap_into_place(staging / name, output_dir / name)
    except BaseException:
        searching = False  # nothing follows a failed build: its staged files go
        if search is not None:
            search.cancel()
        model.images.stop_variants(wait=False)
        raise
    finally:
        if staging is not None and not searching:
            shutil.rmtree(staging, ignore_errors=True)
    last = LastBuild(model, kept[0], output_dir / "site", cache_dir) if kept else None
    result = BuildResult(output_dir / "site", model, model.diagnostics, last=last)
    if on_live is not None:
        on_live(result)

    def save_caches() -> None:
        render_cache.save(cache_dir)
        used = model.markdown.used_entries()
        markdown_store.save(used)
        if memory is not None:
            memory.remember(markdown_store, used)
        if len(known_words()) > len(words):
            words_store.save(known_words())
        inspections = model.images.inspections()
        if inspections.keys() != inspected.keys():
            inspections_store.save(inspections)
        existing = caches.found  # the content files' paths as the loader names them (found_files)
        source_store.save({path: entry for path, entry in caches.sources.items() if path in existing})
        if kept:
            record_state(cache_dir, model, stamps, fingerprint, keys.shell, kept[0].settings, render_cache.feeds,
                         search.plan)

    def index_then_save() -> None:
        """The search bundles of the pages now live, if they follow (see search_stage), indexed while the caches
        are saved (indexing is mostly Pagefind's own process: ~1.5 s at 10,000 reports, and the saves ~0.5 s,
        which the next build waited for in turn), then the manifest: until it is written, the next build is a
        whole one (never "up to date", never a patch), whose search stage indexes what this one did not."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-finish") as pool:
            indexed = pool.submit(search.finish, output_dir / "site") if searching else None
            try:
                save_caches()
            finally:
                if indexed is not None:
                    try:
                        progress(indexed.result())
                    finally:
                        shutil.rmtree(staging, ignore_errors=True)
        manifests.save(manifest, None if as_of is not None else timeline.next_change(now))

    also = ", once its search bundles are in" if searching else ""
    if _save_after_live(index_then_save, detach_from, progress, also):
        _left_for_exit(locals())
    return result


def _save_after_live(save: Callable[[], None], detach_from: BuildLock | None, progress: Progress,
                     also: str = "") -> bool:
    """Save what the next build starts from, once the site is live: in a forked child holding the build lock
    when ``detach_from`` is given and forking is safe (True), else here (False). ``also``: what else ``save``
    finishes, for the progress line."""
    def saved_unless_gone() -> None:
        if detach_from is not None and not detach_from.is_current():
            return  # the output folder was deleted after the command returned: nothing to save the caches for
        save()

    if detach_from is not None and in_background(saved_unless_gone):
        progress(f"the site is live; saving the caches for the next build in the background{also} "
                 "(it waits for them)")
        return True
    saved_unless_gone()
    return False
