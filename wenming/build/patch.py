"""The body-edit patch: when only the bodies of published reports changed, rebuild just what shows them.

A full incremental build reads and validates every content file and runs Pelican over every report, even
when it renders a dozen pages: at 10,000 reports that is ~10 s for a one-paragraph fix. Yet a report's
body shows in few places (the page keys say which, page_keys.py): its own page, its month's
archive, its JSON, the feeds it is in (with the column's feed, also the JSON feed and the embeddable list
of the newest reports), and its search bundle. Lists, counts, quota pages and the home page show front
matter and summaries only.

Unpublished reports (drafts, reports under review) show nowhere at all: the CMS writes one at every step
before publishing, and each would otherwise cost a full build.

So when every file that changed since the last build is a published report whose front matter, summary
and pictures are unchanged, or an unpublished report that stays unpublished (added, edited or removed),
and nothing else changed (no other file, the same code, options and day), ``try_patch``:

1. reads and validates, with the full build's own loader, only those reports, the others of their
   months and of their feeds, and those that other content names (an exhibit's related reports): the
   site model of that subset (an unpublished report's slug is checked against every other report's, as
   the full build does);
2. runs Pelican over that model, writing only the wanted files (render_cache.WRITE_ONLY): the reports'
   pages, their months' archives and JSON, and their feeds. Each of these shows only reports of the
   subset (a feed shows the newest of its reports, and all of them are in the subset), so it comes out
   byte for byte as a full build makes it (tested);
3. indexes the reports' search bundles again, from the live site's other pages and the new ones;
4. moves the new files into the live site, each with an atomic rename, and each bundle with an exchange.

Anything it cannot tell is safe returns None before writing anything, and the caller runs the full
build: a first build, a published report added, removed or published, a front-matter or summary change,
a body that shows other pictures (one taken out must leave the site), a validation problem (which the
full build then reports in full). A failure before the moves leaves the site as it was. The moves
themselves are renames inside one file system; the manifest of the last build is forgotten before the
first of them and written again after the last, so a crash between them is mended by the next build,
which is then a full one.

What it needs from the last full build is kept in ``<output>/.cache/patch.pickle`` (PatchState).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from pelican import signals

from wenming.build.cache import ManifestStore, PickledCache, Stamp, content_relative, input_manifest, source_cache
from wenming.build.in_place import move_in
from wenming.build.patch_search import BundleIndexer, index_then_record
from wenming.build.render_cache import RenderCache, WriteOnly
from wenming.model import urls
from wenming.model.news import NewsItem
from wenming.model.registry import Registry
from wenming.model.site import LoadCaches, SiteModel, load_site
from wenming.publish.search_index import bundle_urls
from wenming.schema.content import NewsReport
from wenming.source.diagnostics import Diagnostics
from wenming.source.discovery import is_content_file
from wenming.source.frontmatter import read_source

STATE_FILE = "patch.pickle"
FORMAT = "patch-state-4"  # the store's fingerprint: change it when PatchState changes
# Collections whose items name reports (collection -> the attribute holding them): their loaders check that
# each named report exists and is published, so a patch reads those reports too.
REPORT_REFERENCES = {"exhibits": "related", "events": "reports"}
MEDIA = re.compile(r"/media/[0-9a-f]+-\d+\.[a-z]+")  # an image variant's URL in rendered HTML


@dataclasses.dataclass(frozen=True)
class ReportRecord:
    """What the last build knew of one report: its slug, and for a published one what the site shows of it
    beyond its body."""

    slug: str
    published: bool
    front_matter_digest: str = ""
    summary_digest: str = ""
    page: str = ""  # its page, relative to the site
    month: str = ""  # its month's archive page
    year: str = ""  # its year's archive page
    bundle: str = ""  # its search bundle
    feeds: tuple[str, ...] = ()  # the feeds it is in
    media_digest: str = ""  # of the picture variants its body shows


@dataclasses.dataclass
class PatchState:
    code: str
    shell: str  # the build's shell key (page_keys.SiteKeys): code, options, day and every file but reports
    as_of: datetime.date | None
    day: datetime.date
    stamps: dict[str, tuple[int, int]]  # content file -> (size, mtime)
    reports: dict[str, ReportRecord]  # content file (relative) -> record, for every report
    months: dict[str, list[str]]  # month archive page -> the content files of its reports
    feeds: dict[str, list[str]]  # feed file -> the content files of its reports
    referenced: list[str]  # content files of the reports other content names (REPORT_REFERENCES)
    plan: dict[str, list[str]]  # search bundle -> its pages
    registry: Registry  # as read from the data files (which a patch never changed)

    @staticmethod
    def _store(cache_dir: Path) -> PickledCache:
        return PickledCache(cache_dir / STATE_FILE, FORMAT)

    @classmethod
    def load(cls, cache_dir: Path) -> PatchState | None:
        state = cls._store(cache_dir).load()
        return state if isinstance(state, cls) else None

    def save(self, cache_dir: Path) -> None:
        self._store(cache_dir).save(self)

    @staticmethod
    def forget(cache_dir: Path) -> None:
        """Before a full build changes the site (with the page keys: a state and page keys of different builds
        must never meet, see wenming.build.settled)."""
        PatchState._store(cache_dir).path.unlink(missing_ok=True)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def month_page(settings: dict, item: NewsItem) -> str:
    return settings["MONTH_ARCHIVE_SAVE_AS"].format(date=item.date)


def year_page(settings: dict, item: NewsItem) -> str:
    return settings["YEAR_ARCHIVE_SAVE_AS"].format(date=item.date)


def summary_digest(item: NewsItem) -> str:
    return _digest(item.summary)


def news_json(item: NewsItem) -> str:
    return f"{urls.API}news/{item.slug}.json"


def record_state(cache_dir: Path, model: SiteModel, stamps: list[Stamp], code: str, shell: str, settings: dict,
                 feeds: dict[str, list[str]], plan: dict[str, list[str]]) -> None:
    """Keep what the next build needs to patch instead of rebuilding (after a successful full build)."""
    relative_to_content = content_relative(model.content_dir)
    bundle_of = {page: bundle for bundle, pages in plan.items() for page in pages}
    members = {feed: [relative_to_content(source) for source in sources] for feed, sources in feeds.items()}
    in_feeds: dict[str, list[str]] = {}  # content file -> feeds
    for feed, sources in sorted(members.items()):
        for source in sources:
            in_feeds.setdefault(source, []).append(feed)
    reports: dict[str, ReportRecord] = {}
    months: dict[str, list[str]] = {}
    archives: dict[tuple[int, int], tuple[str, str]] = {}  # (year, month) -> its month's and year's archive pages
    for item in model.news:
        relative = relative_to_content(item.source)
        if not item.is_published:
            reports[relative] = ReportRecord(item.slug, False)
            continue
        period = (item.date.year, item.date.month)  # formatting a date is ~9 µs: once a month, not twice a report
        if period not in archives:
            archives[period] = (month_page(settings, item), year_page(settings, item))
        page, (month, year) = urls.save_as(item.url), archives[period]
        reports[relative] = ReportRecord(item.slug, True, item.front_matter_digest, summary_digest(item), page,
                                         month, year, bundle_of.get(page, ""), tuple(in_feeds.get(relative, ())),
                                         _media_digest(item))
        months.setdefault(month, []).append(relative)
    referenced = sorted({relative_to_content(report.source) for name, attribute in REPORT_REFERENCES.items()
                         for item in model.collections.get(name, []) for report in getattr(item, attribute)})
    PatchState(code, shell, model.as_of, datetime.date.today(), {path: (size, mtime) for path, size, mtime in stamps},
               reports, months, members, referenced, plan, model.registry).save(cache_dir)


@dataclasses.dataclass
class Patched:
    model: SiteModel
    written: list[str]  # site files replaced
    bundles: list[str]  # search bundles indexed again
    valid_until: datetime.datetime | None = None  # as the last build's manifest said
    searching: bool = False  # the pages are live, the search bundles are still being indexed (patch_search)
    # Saves the state and manifest of the patched site, which the next build starts from (first, when
    # ``searching``, it moves the search bundles in). The site is live without them: until they are saved the
    # manifest is forgotten, and a next build is a whole one.
    record: Callable[[], None] = lambda: None


@dataclasses.dataclass(frozen=True)
class Changes:
    """What changed since the state's build, when only reports did (content files, relative)."""

    edited: list[str]  # published reports
    unpublished: list[str]  # reports that were not published, and new files in news/
    removed: list[str]  # reports that were not published

    @property
    def count(self) -> int:
        return len(self.edited) + len(self.unpublished) + len(self.removed)


def _is_report_file(relative: str) -> bool:
    return relative.startswith(urls.NEWS) and is_content_file(Path(relative))


def _changes(state: PatchState, stamps: list[Stamp]) -> Changes | None:
    """The changes since the state's build when every one is to a report and none removes a published one."""
    current = {path: (size, mtime) for path, size, mtime in stamps}
    added = current.keys() - state.stamps.keys()
    removed = state.stamps.keys() - current.keys()
    changed = [path for path in current.keys() & state.stamps.keys() if state.stamps[path] != current[path]]
    if (not all(map(_is_report_file, added)) or any(path not in state.reports for path in changed)
            or any(path not in state.reports or state.reports[path].published for path in removed)):
        return None
    changes = Changes(sorted(path for path in changed if state.reports[path].published),
                      sorted([*added, *(path for path in changed if not state.reports[path].published)]),
                      sorted(removed))
    return changes if changes.count else None


def _published(path: Path) -> bool:
    """Whether a report file says it is published (or cannot be read: the full build will say why)."""
    source = read_source(path, NewsReport, Diagnostics(path.parent))
    return source is None or source.meta.status == "published"


def _unpublished_ok(model: SiteModel, content_dir: Path, state: PatchState, changes: Changes) -> bool:
    """Whether the changed unpublished reports are still unpublished and claim no other report's slug
    (the full build checks slugs across every report; the patch read only some)."""
    owners = {record.slug: path for path, record in state.reports.items() if path not in changes.removed}
    for path in changes.unpublished:
        item = model.item_for_source(content_dir / path)
        if not isinstance(item, NewsItem) or item.is_published or owners.get(item.slug, path) != path:
            return False
    return True


def try_patch(state: PatchState | None, content_dir: Path, output_dir: Path, stamps: list[Stamp], code: str,
              as_of: datetime.date | None, now: datetime.datetime, markdown: dict, progress: Callable[[str], None],
              generate: Callable[..., list[str]], pages_first: bool = False) -> Patched | None:
    """Patch the live site for body edits (see the module docstring), or None: run the full build.

    ``state``: what the last build recorded (PatchState.load); ``markdown``: the rendered-Markdown cache the
    build loaded; ``generate`` is pipeline.generate_site (passed in: the pipeline imports this module). The caller
    calls the result's ``record`` once the site is live (see Patched). ``pages_first``: the caller does not need
    the search with the pages (it runs ``record`` in the background, or reports the site live before it): the
    pages then go live without waiting for their search bundles (patch_search)."""
    cache_dir, site_dir = output_dir / ".cache", output_dir / "site"
    if state is None or state.code != code or state.as_of != as_of or state.day != datetime.date.today():
        return None
    manifests = ManifestStore(cache_dir)
    previous = [(path, size, mtime) for path, (size, mtime) in state.stamps.items()]
    if not manifests.matches(input_manifest(previous, code, as_of), site_dir, now):
        return None  # the live site is not that build's (or time-dependent pages are due)
    changes = _changes(state, stamps)
    if changes is None:
        return None
    if any(_published(content_dir / path) for path in changes.unpublished):
        return None  # a report published (or one that does not parse): the full build, without a wasted load
    records = [state.reports[path] for path in changes.edited]
    subset = {path for record in records for path in state.months[record.month]} | set(changes.unpublished)
    subset.update(state.referenced)
    for feed in {feed for record in records for feed in record.feeds}:
        subset.update(state.feeds.get(feed, ()))
    progress(f"only report bodies and unpublished reports changed ({changes.count} files): patching the site "
             f"(reading {len(subset)} reports of their months and feeds)")
    staging = Path(tempfile.mkdtemp(prefix=".patch-", dir=output_dir))
    # The search bundles' worker starts while the reports are read.
    search = BundleIndexer(sorted({record.bundle for record in records if record.bundle}), state.plan,
                            {record.page for record in records}, staging / "site", site_dir, cache_dir / "search")
    patched = None
    try:
        caches = LoadCaches(markdown, source_cache(cache_dir, code).load_only(
            str(content_dir / path) for path in subset), registry=state.registry)
        model, _ = load_site(content_dir, as_of, caches, news_only={content_dir / path for path in subset})
        if model is None or not _unpublished_ok(model, content_dir, state, changes):
            return None  # the full build reports every problem
        items = [model.item_for_source(content_dir / path) for path in changes.edited]
        for item, record in zip(items, records):
            if (not isinstance(item, NewsItem) or not item.is_published
                    or item.front_matter_digest != record.front_matter_digest
                    or summary_digest(item) != record.summary_digest or _media_digest(item) != record.media_digest):
                return None
        patched = _patch(model, items, records, state, staging, site_dir, cache_dir, manifests, progress, generate,
                         search, pages_first)
    finally:
        if patched is None:
            search.cancel()
        if patched is None or not patched.searching:
            shutil.rmtree(staging, ignore_errors=True)
    if patched is not None:
        patched.record = functools.partial(_record_patch, state, model, content_dir, changes, stamps, cache_dir,
                                           manifests, patched.valid_until)
        if patched.searching:
            patched.record = functools.partial(index_then_record, search, staging, site_dir, patched.record)
    return patched


def _record_patch(state: PatchState, model: SiteModel, content_dir: Path, changes: Changes, stamps: list[Stamp],
                  cache_dir: Path, manifests: ManifestStore, valid_until: datetime.datetime | None) -> None:
    """The state and manifest of the patched site: the next build starts from them."""
    for path in changes.removed:
        state.reports.pop(path, None)
    for path in changes.unpublished:
        state.reports[path] = ReportRecord(model.item_for_source(content_dir / path).slug, False)
    state.stamps = {path: (size, mtime) for path, size, mtime in stamps}
    state.save(cache_dir)
    manifests.save(input_manifest(stamps, state.code, state.as_of), valid_until)


def _patch(model: SiteModel, items: list[NewsItem], records: list[ReportRecord], state: PatchState,
           staging: Path, site_dir: Path, cache_dir: Path, manifests: ManifestStore, progress: Callable[[str], None],
           generate: Callable[..., list[str]], search: BundleIndexer, pages_first: bool) -> Patched | None:
    """Render, index and move into place what shows the edited reports (nothing when none is published);
    ``pages_first``: the pages without waiting for their search bundles (see try_patch)."""
    written: list[str] = []
    bundles = search.bundles
    staged = staging / "site"
    if items:
        wanted = {name for item, record in zip(items, records)
                  for name in (record.page, record.month, news_json(item))}
        feeds = frozenset(feed for record in records for feed in record.feeds)
        if urls.NEWS_FEED_ATOM in feeds:  # the JSON feed and the embeddable list show the column feed's newest
            wanted |= {urls.NEWS_FEED_JSON, urls.EMBED_LATEST}
        only = WriteOnly(frozenset(wanted), feeds=feeds)
        with signals.content_written.connected_to(search.page_written):
            warnings = generate(model, staged, cache_dir, bundles=bundle_urls(state.plan), only=only)
        for warning in warnings:
            model.diagnostics.add("W903", "pelican", warning=warning)
        written = sorted(wanted | feeds)
        if not all((staged / name).is_file() for name in written):
            return None
        search.ask_all()
        if not (pages_first and bundles):
            progress(f"waiting for {len(bundles)} search bundle(s) indexed again")
            bundles = search.wait()
    searching = pages_first and bool(bundles)
    progress(f"moving {len(written)} files into {site_dir}; {len(bundles)} search bundle(s) follow once indexed"
             if searching else f"moving {len(written)} files and {len(bundles)} search bundle(s) into {site_dir}")
    valid_until = manifests.valid_until()
    manifests.forget()
    RenderCache.invalidate(cache_dir, written)
    if searching:
        move_in(staged, site_dir, written, [], keep_staged=True)  # the worker may still read them
    else:
        move_in(staged, site_dir, written, bundles)
    return Patched(model, written, bundles, valid_until, searching=searching)


def _media_digest(item: NewsItem) -> str:
    return _digest("\n".join(sorted(set(MEDIA.findall(item.html)))))


def media_published(item: NewsItem, site_dir: Path) -> bool:
    """Whether every image variant the report's body shows is already in the site."""
    return all((site_dir / url.lstrip("/")).is_file() for url in MEDIA.findall(item.html))
