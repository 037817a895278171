"""Content files as the CMS API sees them: collections, entries ({slug, fields, body, version, status}),
the file an entry lives in, and the text an entry is written as.

An entry is exactly one Markdown file under ``content/<folder>/``; the CMS writes the same format a
person writes with a text editor (YAML front matter, then the body), so a report written in the browser
and one committed with git are indistinguishable afterwards.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import threading
from collections.abc import Callable
from pathlib import Path

import yaml

from wenming.cms.errors import CmsError
from wenming.cms.repository import file_version
from wenming.model import urls
from wenming.schema.base import ContentModel
from wenming.schema.content import CONTENT_TYPES
from wenming.source.discovery import DirectoryScans, content_files
from wenming.source.frontmatter import FrontMatterError, split_front_matter
from wenming.source.slugs import file_slug, is_valid_slug

STATUSES = ("draft", "review", "published")


def _units_of(key: str) -> Callable[[dict], list[str]]:
    def units(fields: dict) -> list[str]:
        value = fields.get(key)
        if isinstance(value, list):
            return [str(v) for v in value]
        return [str(value)] if value else []

    return units


@dataclasses.dataclass(frozen=True)
class Collection:
    """One editable content type: its API name, folder, schema and the units an entry belongs to."""

    name: str
    model: type[ContentModel]
    label: str  # Chinese name shown to editors
    units_of: Callable[[dict], list[str]]  # an entry's units: editors may touch entries of their own unit
    dated: bool = False  # new files go to <folder>/<yyyy>/<mm>/ (reports)

    @property
    def folder(self) -> str:
        return self.name


COLLECTIONS: dict[str, Collection] = {c.name: c for c in (
    Collection("news", CONTENT_TYPES["news"][1], "报道", _units_of("units"), dated=True),
    Collection("events", CONTENT_TYPES["events"][1], "活动", _units_of("unit")),
    Collection("exhibits", CONTENT_TYPES["exhibits"][1], "展品", lambda fields: []),
    Collection("projects", CONTENT_TYPES["projects"][1], "品牌项目", _units_of("owner")),
    Collection("volunteers", CONTENT_TYPES["volunteers"][1], "志愿者", _units_of("unit")),
    Collection("pages", CONTENT_TYPES["pages"][1], "单页", lambda fields: []),
)}


def collection(name: str) -> Collection:
    if name not in COLLECTIONS:
        raise CmsError("cms.unknown_collection", 404, name=name, allowed=list(COLLECTIONS))
    return COLLECTIONS[name]


@dataclasses.dataclass(frozen=True)
class Entry:
    slug: str
    fields: dict
    body: str
    version: str
    path: Path

    @functools.cached_property
    def status(self) -> str:  # worked out once: a list request counts the statuses of every entry
        return str(self.fields.get("status", "published"))

    def public_url(self, kind: Collection) -> str | None:
        """Where the public site shows the entry (site-relative), once it is published."""
        if self.status != "published":
            return None
        return {"news": f"{urls.NEWS}{self.slug}/", "pages": f"{self.slug}/", "volunteers": urls.volunteer(self.slug),
                "projects": urls.project(self.slug), "events": urls.ACTIVITIES, "exhibits": urls.HALL}[kind.name]

    def as_json(self, kind: Collection, content_dir: Path) -> dict:
        return {"slug": self.slug, "fields": jsonable(self.fields), "body": self.body, "version": self.version,
                "status": self.status, "path": self.path.relative_to(content_dir).as_posix(),
                "url": self.public_url(kind)}


def jsonable(value):
    """Front-matter values as JSON can carry them (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def parse_entry(path: Path, data: bytes) -> Entry:
    """The entry held by a file (front matter as written, not validated: a broken file can still be edited)."""
    text = data.decode("utf-8", errors="replace")
    try:
        parsed = split_front_matter(text)
        fields = parsed.meta.data if isinstance(parsed.meta.data, dict) else {}
        body = parsed.body.strip("\n")
    except FrontMatterError:
        fields, body = {}, text
    slug = fields.get("slug") if isinstance(fields.get("slug"), str) else None
    return Entry(slug or file_slug(path), dict(fields), body, file_version(data), path)


class _Dumper(yaml.SafeDumper):
    """YAML as people write front matter: block mappings, short lists inline, Chinese unescaped."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def entry_text(fields: dict, body: str) -> str:
    """The file text of an entry: front matter between --- lines, a blank line, the body."""
    front = yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=None,
                      width=1000)
    body = body.replace("\r\n", "\n").strip("\n")
    return f"---\n{front}---\n\n{body}\n"


def typed_fields(model: type[ContentModel], fields: dict) -> dict:
    """Fields with dates as dates (so YAML writes 2022-05-12, not '2022-05-12'), in the schema's order."""
    order = list(model.model_fields)
    result = {}
    for key in sorted(fields, key=lambda k: order.index(k) if k in order else len(order)):
        value = fields[key]
        annotation = model.model_fields[key].annotation if key in model.model_fields else None
        if isinstance(value, str) and annotation in (datetime.date, datetime.date | None):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                pass  # left as written: validation reports it
        if value is not None:
            result[key] = value
    return result


class EntryFiles:
    """Where the entries of one content folder live, found by slug."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir.resolve()
        self._parsed: dict[Path, tuple[tuple[int, int], Entry]] = {}  # path -> ((mtime, size), entry)
        self._where: dict[str, dict[str, Path]] = {}  # content folder -> slug -> file, as the last listing found
        self._scans = DirectoryScans()  # each request lists a collection: its unchanged folders are not read again
        self._lock = threading.Lock()

    def folder(self, kind: Collection) -> Path:
        return self.content_dir / kind.folder

    def entry(self, path: Path) -> Entry | None:
        """The entry in ``path``, parsed again only when the file changed (by the CMS, git or anyone)."""
        try:
            stat = path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._parsed.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        entry = parse_entry(path, path.read_bytes())
        after = path.stat()
        if (after.st_mtime_ns, after.st_size) == stamp:  # not changed while being read: keep it
            with self._lock:
                self._parsed[path] = (stamp, entry)
        return entry

    def all(self, kind: Collection) -> list[Entry]:
        entries = [e for e in map(self.entry, content_files(self.folder(kind), scans=self._scans)) if e is not None]
        where: dict[str, Path] = {}
        for entry in entries:
            where.setdefault(entry.slug, entry.path)  # the first, as find's scan would
        with self._lock:
            self._where[kind.folder] = where
        return entries

    def find(self, kind: Collection, slug: str) -> Entry | None:
        """The entry of ``slug``: from the file where the last listing found it when that file still has that
        slug (a look at one file, not at every file of the folder), else from a new listing."""
        check_slug(slug)
        with self._lock:
            path = self._where.get(kind.folder, {}).get(slug)
        if path is not None:
            entry = self.entry(path)
            if entry is not None and entry.slug == slug:
                return entry
        return next((e for e in self.all(kind) if e.slug == slug), None)

    def new_path(self, kind: Collection, slug: str, fields: dict) -> Path:
        """The file a new entry is written to: <folder>/<yyyy>/<mm>/<slug>.md for reports, else <folder>/<slug>.md
        (exhibits: in their section's folder)."""
        check_slug(slug)
        folder = self.folder(kind)
        if kind.dated:
            date = fields.get("date")
            try:
                day = date if isinstance(date, datetime.date) else datetime.date.fromisoformat(str(date))
            except ValueError:
                day = datetime.date.today()
            folder = folder / f"{day:%Y}" / f"{day:%m}"
        elif kind.name == "exhibits" and isinstance(fields.get("section"), str) and is_valid_slug(fields["section"]):
            folder = folder / fields["section"]
        path = (folder / f"{slug}.md").resolve()
        if not path.is_relative_to(self.content_dir):
            raise CmsError("cms.bad_slug", 400, slug=slug)
        return path


def check_slug(slug: str) -> str:
    """A slug from a request: lowercase words and hyphens only (so it can never name another path)."""
    if not isinstance(slug, str) or len(slug) > 120 or not is_valid_slug(slug):
        raise CmsError("cms.bad_slug", 400, slug=str(slug)[:120])
    return slug
