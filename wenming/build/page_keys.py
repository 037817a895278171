"""The key of each page Pelican writes (and of each generated file): what it shows, hashed, so that a page whose
key is unchanged is kept from the previous build (wenming.build.render_cache).

A page's key is hashed from:

* the *site key*: our code, the date options, every content file except the
  reports (registry, data files, static pages, images: the *shell key*) and
  every report's validated front matter. Lists, counts and quota pages only
  depend on these, so any change to them renders them again. Report pages
  (OWN_REPORT_TEMPLATES) show no other report, so they use the shell key and
  their own report's front matter instead: adding a report keeps them;
* the output name and the template;
* for a page handed OWN_DATA_ARGUMENT (a unit's quota page), only that
  text besides the shell key and the name;
* for pages handed ``now`` (activities, projects), which activities had
  started and ended at that moment (Timeline.state);
* the *content digests* (summary and body HTML) of the reports the page was
  handed: its own report, a month's reports, the reports on one page of a
  paginated list (not for FRONT_MATTER_PAGES, which show no summary or body:
  a year's archive lists its months' counts and newest titles).

A page of a paginated list (wenming.build.pagination) shows the shell, its
own reports and its place in the list, nothing else: it is keyed by the shell
key, its reports' front matter and content, and ListPage.key (an archive
page's number; the first page's number and the list's length). So adding a
report renders again only the first page of each list it is in, and a full
archive page is kept. The first page of a template in SITE_WIDE_FIRST_PAGES
shows more of the site (the column's sub-column counts): it has the site key.

Templates that show report text taken from the shared context rather than
from their arguments (the home page's latest reports) are in ALWAYS_RENDER.
A template that shows a report's summary or body must receive the report (or
a list of them) in its ``write_file`` arguments.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Mapping
from pathlib import Path

from wenming.build.cache import Stamp, Timeline, content_relative
from wenming.build.digests import ReportDigests
from wenming.build.pagination import list_pages, page_arguments
from wenming.model.news import NewsItem

ALWAYS_RENDER = {"home.html"}
# Templates that show their own report and the site shell (registry, pages, navigation) but nothing of
# other reports: their key uses the shell key and their report's front matter, so adding or retitling
# one report does not render every report page again.
OWN_REPORT_TEMPLATES = {"article.html"}
# Pages that are not paginated and show only the reports handed to them, the plain values handed to them
# (numbers, text, sets of names: see _plain) and the shell (a month's or a year's archive, a town's page with
# its latest reports and their count, a volunteer team's page with none): keyed the same way, so adding a
# report renders again only its own month, year and town.
OWN_LIST_TEMPLATES = {"period_archives.html", "town.html", "towns.html", "volunteers.html", "volunteer_group.html"}
# Template -> the setting naming its pages that show only the front matter of the reports handed to them
# (titles, dates, counts), never a summary or body: a year's archive lists its months. Their key has no
# content digest, so editing a report's body keeps them.
FRONT_MATTER_PAGES = {"period_archives.html": "YEAR_ARCHIVE_SAVE_AS"}
# Paginated templates whose first page shows more than its own list (the column index's sub-column counts).
SITE_WIDE_FIRST_PAGES = {"index.html"}
# Arguments Pelican passes that our templates never show (the period archives get every report).
IGNORED_ARGUMENTS = {"all_articles"}
# Pelican's direct templates that show no report although Pelican hands them all (``articles``, ``dates``):
# keyed without those arguments, by the site key and their name (so no build digests every report for them).
REPORTLESS_TEMPLATES = {"search.html", "404.html"}
REPORT_ARGUMENTS = {"articles", "dates"}  # what Pelican hands every direct template
# The argument of pages that show the time (an activity 进行中, the calendar's 今天): their key has the
# timeline's state at that moment, so a page rendered before an activity started is not reused after.
TIME_ARGUMENT = "now"
# The argument of a page that shows the site shell and, besides, only what the argument's text describes
# (a digest its generator makes of the data the template shows, e.g. one unit's quota): keyed by the
# shell key and that text, so a report that changes another unit's numbers keeps the page.
OWN_DATA_ARGUMENT = "page_data"


@dataclasses.dataclass(frozen=True)
class SiteKeys:
    shell: str  # code, dates and every content file except reports: registry, data files, pages, images
    site: str  # the shell and every report's front matter: what lists, counts and navigation show
    timeline: Timeline = Timeline()  # for pages handed ``now``: which activities have started and ended


def site_keys(stamps: list[Stamp], content_dir: Path, code: str, as_of: datetime.date | None,
              news: list[NewsItem], timeline: Timeline = Timeline()) -> SiteKeys:
    """Hashes of every input except report summaries and bodies (see the module docstring), and the
    timeline of the activities (see TIME_ARGUMENT)."""
    digest = hashlib.sha256(f"{code}\0as_of={as_of}\0today={datetime.date.today()}\n".encode())
    relative = content_relative(content_dir)
    reports = {relative(item.source) for item in news}
    for relative, size, mtime in stamps:
        if relative not in reports:
            digest.update(f"{relative}\0{size}\0{mtime}\n".encode())
    shell = digest.hexdigest()
    for item in sorted(news, key=lambda n: n.slug):
        digest.update(f"{item.source}\0{item.slug}\0{item.front_matter_digest}\n".encode())
    return SiteKeys(shell, digest.hexdigest(), timeline)


def page_key(keys: SiteKeys, digests: ReportDigests, settings: Mapping, template_name: str, name: str,
             arguments: dict) -> str:
    """The key of page ``name`` rendered from ``template_name`` with these ``write_file`` arguments (see the
    module docstring); ``digests`` collects the reports' digests, ``settings`` are Pelican's."""
    own_data = arguments.get(OWN_DATA_ARGUMENT)
    if own_data is not None:
        return hashlib.sha1(f"{keys.shell}\n{template_name}\n{name}\n{own_data}".encode()).hexdigest()
    lists = list_pages(arguments)
    if lists:  # a page of a paginated list: its reports and its place in the list
        own = not (template_name in SITE_WIDE_FIRST_PAGES and any(page.is_first for page in lists.values()))
    else:
        own = template_name in OWN_REPORT_TEMPLATES or template_name in OWN_LIST_TEMPLATES
    parts = [keys.shell if own else keys.site, template_name, name]
    content = not _front_matter_page(settings, template_name, name, arguments)
    listed = set().union(*(page_arguments(list_name) for list_name in lists))
    ignored = IGNORED_ARGUMENTS | (REPORT_ARGUMENTS if template_name in REPORTLESS_TEMPLATES else set())
    for argument in sorted(set(arguments) - listed - ignored):
        digests.collect(arguments[argument], parts, front_matter=own, content=content)
        if own and (plain := _plain(arguments[argument])) is not None:
            parts.append(f"{argument}={plain}")
    for _, page in sorted(lists.items()):
        digests.collect(page, parts, front_matter=own)
    if TIME_ARGUMENT in arguments:
        parts.append(keys.timeline.state(arguments[TIME_ARGUMENT]))
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def _front_matter_page(settings: Mapping, template_name: str, name: str, arguments: dict) -> bool:
    """Whether page ``name`` is one of FRONT_MATTER_PAGES (named by the setting, formatted with the date of
    its first report, as Pelican names a period archive)."""
    setting = FRONT_MATTER_PAGES.get(template_name)
    reports = arguments.get("dates") or ()
    return bool(setting and reports) and name == settings.get(setting, "").format(date=reports[0].date)


def _plain(value) -> str | None:
    """A plain value's text for a key (a number, a text, None, or a set, sequence or dict of them; a set's
    members sorted); None for anything else: reports (keyed by their digests) and objects of the shell."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    if isinstance(value, (set, frozenset, list, tuple)):
        members = [_plain(member) for member in value]
        if any(member is None for member in members):
            return None
        return repr(sorted(members) if isinstance(value, (set, frozenset)) else members)
    if isinstance(value, dict):
        entries = [(_plain(key), _plain(member)) for key, member in value.items()]
        return None if any(None in entry for entry in entries) else repr(sorted(entries))
    return None
