"""The CMS's operations on content, each one a small transaction: check the permission, check the version,
validate as ``build.py check`` does, write atomically and commit to git, write the audit row, and ask for
a build when the public site changes. The web layer (wenming.cms.app) only translates HTTP to these calls.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
from pathlib import Path
from typing import NamedTuple

from wenming.cms.accounts import AccountStore, User
from wenming.cms.builds import BuildWorker
from wenming.cms.checker import ContentChecker
from wenming.cms.datafiles import RegistryFiles
from wenming.cms.entries import COLLECTIONS, Collection, Entry, EntryFiles, collection, entry_text, typed_fields
from wenming.cms.errors import CmsError, InvalidEntry, StaleVersion
from wenming.cms.media import MAX_PIXELS, decode_upload, encode_clean, store_upload
from wenming.cms.policy import Target, allowed
from wenming.cms.preview import Previewer
from wenming.cms.repository import Author, Change, Repository
from wenming.cms.sanitize import sanitize_body
from wenming.media.images import ImageStore
from wenming.model.dates import cn_date
from wenming.model.registry import Registry
from wenming.model.skeleton import news_slug
from wenming.publish.api import json_schema, schema_nodes
from wenming.publish.wechat import wechat_html
from wenming.source.messages import Text
from wenming.source.slugs import pinyin_slug

# action -> (statuses it starts from, the status it leaves, the commit message's verb)
TRANSITIONS = {
    "submit": (("draft",), "review", "提交审核"),
    "publish": (("draft", "review"), "published", "发布"),
    "unpublish": (("published",), "draft", "撤回发布"),
    "return": (("review",), "draft", "退回"),
}
PER_PAGE_MAX = 100


class _Listed(NamedTuple):
    """What a list request works out for one entry (ContentService._list_facts)."""

    entry: Entry
    registry: Registry
    target: Target
    sort_date: tuple


@dataclasses.dataclass
class ContentService(RegistryFiles):
    content_dir: Path
    accounts: AccountStore
    repository: Repository
    checker: ContentChecker
    worker: BuildWorker
    previewer: Previewer

    def __post_init__(self) -> None:
        self.content_dir = self.content_dir.resolve()
        self.files = EntryFiles(self.content_dir)
        self._listed: dict[str, dict[Path, _Listed]] = {}  # collection -> path -> what the last list worked out

    # --- permissions -------------------------------------------------------------------------------
    def registry(self) -> Registry:
        registry = self.checker.registry()
        if registry is None:
            raise CmsError("cms.registry_broken", 503)
        return registry

    def _target(self, kind: Collection, fields: dict, registry: Registry) -> Target:
        units = []
        for name in kind.units_of(fields):
            unit = registry.unit(name)
            units.append(unit.name if unit is not None else name)
        return Target(tuple(units), str(fields.get("status", "published")))

    def canonical_unit(self, name: str) -> str:
        """The registry name of a unit (an account's unit must be one)."""
        unit = self.registry().unit(name)
        if unit is None:
            raise CmsError("cms.unknown_unit", 400, unit=name)
        return unit.name

    def require(self, user: User, action: str, target: Target = Target()) -> None:
        if not allowed(user.role, user.unit, action, target):
            raise CmsError("cms.forbidden", 403, action=Text(f"cms.action.{action}"))

    def _may(self, user: User, action: str, kind: Collection, entry: Entry, registry: Registry) -> bool:
        return allowed(user.role, user.unit, action, self._target(kind, entry.fields, registry))

    def _entry(self, user: User, kind: Collection, slug: str, registry: Registry) -> Entry:
        entry = self.files.find(kind, slug)
        if entry is None or not self._may(user, "read", kind, entry, registry):
            raise CmsError("cms.not_found", 404, slug=slug)  # another unit's draft is not even acknowledged
        return entry

    # --- reading -----------------------------------------------------------------------------------
    def warm(self) -> None:
        """Read every collection's files once, as the first list request after a start otherwise would (~3.5 s
        at 10,000 reports), and every report's slug, as the first check of a report would (ContentChecker.warm);
        later requests read only the files changed since."""
        for kind in COLLECTIONS.values():
            self.files.all(kind)
        self.checker.warm()

    def list(self, user: User, name: str, *, unit: str | None = None, status: str | None = None,
             kind: str | None = None, q: str | None = None, page: int = 1, per_page: int = 20) -> dict:
        kind_of = collection(name)
        registry = self.registry()
        entries = self.files.all(kind_of)
        facts = self._list_facts(kind_of, entries, registry)
        visible = [e for e in entries if allowed(user.role, user.unit, "read", facts[e.path].target)]
        statuses = collections.Counter(e.status for e in visible)
        counts = {s: statuses[s] for s in ("draft", "review", "published")}
        if unit:
            wanted = registry.unit(unit)
            name_wanted = wanted.name if wanted else unit
            visible = [e for e in visible if name_wanted in facts[e.path].target.units]
        if status:
            visible = [e for e in visible if e.status == status]
        if kind:
            visible = [e for e in visible if e.fields.get("kind", registry.default_kind) == kind]
        if q:
            visible = [e for e in visible if q in str(e.fields.get("title", e.fields.get("name", ""))) or q in e.body]
        own = user.unit
        visible.sort(key=lambda e: (own not in facts[e.path].target.units if own else False, facts[e.path].sort_date,
                                    e.slug))
        per_page = max(1, min(per_page, PER_PAGE_MAX))
        start = (max(page, 1) - 1) * per_page
        return {"items": [_summary(kind_of, e, self.content_dir) for e in visible[start:start + per_page]],
                "total": len(visible), "page": max(page, 1), "per_page": per_page, "counts": counts}

    def _list_facts(self, kind: Collection, entries: list[Entry], registry: Registry) -> dict[Path, _Listed]:
        """Each entry's units resolved against the registry and its date, worked out again only when the entry or
        the registry changed (a list request at 10,000 reports worked them all out, ~0.1 s)."""
        listed, facts = self._listed.get(kind.name, {}), {}
        for entry in entries:
            fact = listed.get(entry.path)
            if fact is None or fact.entry is not entry or fact.registry is not registry:
                fact = _Listed(entry, registry, self._target(kind, entry.fields, registry), _sort_date(entry))
            facts[entry.path] = fact
        self._listed[kind.name] = facts  # the entries no longer there are forgotten
        return facts

    def get(self, user: User, name: str, slug: str) -> dict:
        kind = collection(name)
        return self._entry(user, kind, slug, self.registry()).as_json(kind, self.content_dir)

    def history(self, user: User, name: str, slug: str) -> list[dict]:
        kind = collection(name)
        entry = self._entry(user, kind, slug, self.registry())
        return [{"commit": h.commit, "author": h.author, "email": h.email, "date": h.date.isoformat(),
                 "message": h.message} for h in self.repository.history(entry.path)]

    def registry_json(self, user: User) -> dict:
        """The registry's choices for forms: units with aliases and villages, outlets with their level, …"""
        registry = self.registry()
        names = {key: [n.name for n in getattr(registry, key)] for key in ("platforms", "tasks", "kinds", "topics",
                                                                            "teams")}
        hall = self.checker.hall_sections()
        return {
            "units": [{"name": u.name, "kind": u.kind, "aliases": list(u.aliases),
                       "villages": [v.name for v in u.villages]} for u in registry.units],
            "outlets": [{"name": o.name, "aliases": list(o.aliases), "level": o.level} for o in registry.outlets],
            "levels": registry.level_names(), "default_kind": registry.default_kind, **names,
            "hall_sections": hall,
        }

    def diff(self, user: User, name: str, slug: str, commit: str) -> dict:
        kind = collection(name)
        entry = self._entry(user, kind, slug, self.registry())
        return {"commit": commit, "diff": self.repository.diff(entry.path, commit)}

    def wechat(self, user: User, name: str, slug: str) -> dict:
        """The entry as inline-styled HTML for the WeChat official-account editor."""
        kind = collection(name)
        registry = self.registry()
        entry = self._entry(user, kind, slug, registry)
        fields = entry.fields
        units = "、".join(self._target(kind, fields, registry).units)
        meta = " · ".join(part for part in (_cn_date(fields.get("date")), units) if part)
        html = wechat_html(_title(fields, slug), meta, entry.body, registry.site.base_url, entry.public_url(kind),
                           ImageStore(self.content_dir), source=f"{registry.site.title} ")
        return {"html": html}

    def schema(self, user: User, name: str) -> dict:
        kind = collection(name)
        registry = self.registry()
        schema = json_schema(kind.model, registry)
        unit = registry.unit(user.unit) if user.role == "editor" and user.unit else None
        if unit is not None:
            villages = [v.name for v in unit.villages]
            for node in schema_nodes(schema):
                if node.get("x-registry") == "villages":
                    node["x-choices"] = villages
                if node.get("x-registry") == "units" and "x-choices" in node:
                    node["x-default"] = unit.name
        return schema

    # --- writing -----------------------------------------------------------------------------------
    def _author(self, user: User) -> Author:
        return Author(user.display_name or user.username, user.email or f"{user.username}@cms.invalid")

    def _clean(self, kind: Collection, fields: dict, body: str) -> tuple[dict, str]:
        if not isinstance(fields, dict):
            raise CmsError("cms.bad_fields", 400)
        return typed_fields(kind.model, fields), sanitize_body(body or "")

    def _validate(self, path: Path, text: str) -> None:
        errors = [d for d in self.checker.check(path, text) if d.severity.value == "error"]
        if errors:
            raise InvalidEntry(errors)

    def _commit(self, user: User, changes: list[Change], message: str, action: str, name: str | None,
                slug: str | None, detail: str | None = None) -> str:
        sha = self.repository.commit(changes, message, self._author(user))
        self.accounts.audit(user, action, collection=name, slug=slug, detail=detail, commit=sha)
        return sha

    def create(self, user: User, name: str, fields: dict, body: str, slug: str | None = None) -> dict:
        kind = collection(name)
        registry = self.registry()
        fields, body = self._clean(kind, {**fields, "status": "draft"}, body)  # every entry starts as a draft
        target = self._target(kind, fields, registry)
        if user.role == "editor" and not target.units:
            raise CmsError("cms.editor_needs_unit", 403, unit=user.unit or "")
        # A unit the registry does not know (a typo) is a content error, with its suggestion, not a refusal:
        # the content is checked first then, as an edit's is (see update).
        registered = all(registry.unit(unit) is not None for unit in target.units)
        if registered:
            self.require(user, "create", target)
        with self.repository.lock():
            if not slug:  # free by construction: _new_slug has just listed every entry's slug
                slug = self._new_slug(kind, fields, registry)
            elif self.files.find(kind, slug) is not None:
                raise CmsError("cms.slug_taken", 409, slug=slug)
            path = self.files.new_path(kind, slug, fields)
            if fields.get("slug") is None and path.stem != slug:
                fields["slug"] = slug
            text = entry_text(fields, body)
            self._validate(path, text)
            if not registered:
                self.require(user, "create", target)
            title = _title(fields, slug)
            self._commit(user, [Change(path, text.encode("utf-8"))], f"新增{kind.label}：{title}", "create", name, slug)
        # the file just written, not a search for its slug (a new slug is in no listing yet: ~10,000 files looked at)
        return self.files.entry(path).as_json(kind, self.content_dir)

    def update(self, user: User, name: str, slug: str, fields: dict, body: str, version: str) -> dict:
        kind = collection(name)
        registry = self.registry()
        fields, body = self._clean(kind, fields, body)
        with self.repository.lock():
            entry = self._entry(user, kind, slug, registry)
            if entry.version != version:
                raise StaleVersion(entry.as_json(kind, self.content_dir))
            self.require(user, "edit", self._target(kind, entry.fields, registry))
            fields["status"] = entry.status  # the status moves only through the workflow actions
            if entry.fields.get("slug") is not None or entry.path.stem != slug:
                fields["slug"] = slug  # the address of a published entry never changes by an edit
            else:
                fields.pop("slug", None)
            text = entry_text(typed_fields(kind.model, fields), body)
            self._validate(entry.path, text)
            self.require(user, "edit", self._target(kind, fields, registry))  # nor hand it to another unit
            self._commit(user, [Change(entry.path, text.encode("utf-8"))], f"修改{kind.label}：{_title(fields, slug)}",
                         "edit", name, slug)
        if entry.status == "published":
            self.worker.request()
        return self.files.find(kind, slug).as_json(kind, self.content_dir)

    def delete(self, user: User, name: str, slug: str, version: str) -> None:
        kind = collection(name)
        registry = self.registry()
        with self.repository.lock():
            entry = self._entry(user, kind, slug, registry)
            if entry.version != version:
                raise StaleVersion(entry.as_json(kind, self.content_dir))
            self.require(user, "delete", self._target(kind, entry.fields, registry))
            errors = self.checker.check_removal(entry.path)
            if errors:  # other files refer to it: deleting it would break them
                raise InvalidEntry(errors)
            self._commit(user, [Change(entry.path, None)], f"删除{kind.label}：{_title(entry.fields, slug)}",
                         "delete", name, slug)
        if entry.status == "published":
            self.worker.request()

    def transition(self, user: User, name: str, slug: str, action: str, version: str | None = None,
                   comment: str | None = None) -> dict:
        kind = collection(name)
        if action not in TRANSITIONS:
            raise CmsError("cms.not_found", 404, slug=action)
        sources, status, verb = TRANSITIONS[action]
        if action == "return" and not (comment or "").strip():
            raise CmsError("cms.return_needs_comment", 400)
        registry = self.registry()
        with self.repository.lock():
            entry = self._entry(user, kind, slug, registry)
            if version is not None and entry.version != version:
                raise StaleVersion(entry.as_json(kind, self.content_dir))
            self.require(user, action, self._target(kind, entry.fields, registry))
            if entry.status not in sources:
                raise CmsError("cms.wrong_status", 409, current=entry.status, action=verb)
            fields = dict(entry.fields)
            fields["status"] = status
            text = entry_text(fields, entry.body)
            if status == "published":
                self._validate(entry.path, text)
            message = f"{verb}：{_title(fields, slug)}"
            if action == "return":
                message += f"（意见：{comment.strip()}）"
            self._commit(user, [Change(entry.path, text.encode("utf-8"))], message, action, name, slug,
                         detail=(comment or "").strip() or None)
        if "published" in (status, entry.status):
            self.worker.request()
        return self.files.find(kind, slug).as_json(kind, self.content_dir)

    def upload(self, user: User, filename: str, data: bytes) -> dict:
        """Store an image (every role may upload) and commit it; the path goes into front matter or a body."""
        relative = store_upload(self.content_dir, filename, data, today=datetime.date.today())  # atomic, idempotent
        with self.repository.lock():
            path = self.content_dir / relative
            if not self.repository.history(path, limit=1):  # the same photo uploaded again: committed already
                self._commit(user, [Change(path, path.read_bytes())], f"上传图片：{relative}", "upload", None, None,
                             detail=relative)
        return {"path": relative}

    def preview_image(self, user: User, relative: str) -> tuple[bytes, str]:
        """An image under content/images/ for previews, before a build publishes its variants: decoded, at most
        1600 px wide and without any metadata (the same cleaning as an upload), for logged-in users only."""
        images = (self.content_dir / "images").resolve()
        path = (self.content_dir / relative).resolve()
        if not path.is_relative_to(images) or not path.is_file():
            raise CmsError("cms.not_found", 404, slug=relative[:120])
        image, image_format = decode_upload(path.read_bytes(), path.name, MAX_PIXELS)
        image.thumbnail((1600, 1600))
        return encode_clean(image, image_format), f"image/{image_format.lower()}"

    def preview(self, user: User, name: str, fields: dict, body: str) -> dict:
        kind = collection(name)
        fields, body = self._clean(kind, fields, body)
        slug = fields.get("slug") or "preview"
        html, problems = self.previewer.render(kind, self.files.new_path(kind, _safe_slug(slug), fields), fields, body)
        return {"html": html, "diagnostics": [d.as_dict() for d in problems]}

    def _new_slug(self, kind: Collection, fields: dict, registry: Registry) -> str:
        taken = {e.slug for e in self.files.all(kind)}
        if kind.dated:
            units = kind.units_of(fields)
            unit = registry.unit(units[0]) if units else None
            try:
                day = datetime.date.fromisoformat(str(fields.get("date")))
            except ValueError:
                day = datetime.date.today()
            return news_slug(day, unit.slug if unit else "baodao", taken)
        base = _safe_slug(pinyin_slug(str(fields.get("title") or fields.get("name") or kind.name))) or kind.name
        slug, number = base[:80], 2
        while slug in taken:
            slug, number = f"{base[:80]}-{number}", number + 1
        return slug


def _safe_slug(text: str) -> str:
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in str(text).lower())
    return "-".join(part for part in cleaned.split("-") if part)[:100] or "preview"


def _cn_date(value) -> str:
    if isinstance(value, datetime.date):
        return cn_date(value)
    return cn_date(datetime.date.fromisoformat(str(value)[:10])) if _is_date(value) else ""


def _title(fields: dict, slug: str) -> str:
    return str(fields.get("title") or fields.get("name") or slug)


def _sort_date(entry: Entry) -> tuple:
    value = entry.fields.get("date") or entry.fields.get("start") or ""
    return (-datetime.date.fromisoformat(str(value)[:10]).toordinal(),) if _is_date(value) else (0,)


def _is_date(value) -> bool:
    try:
        datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return True


def _summary(kind: Collection, entry: Entry, content_dir: Path) -> dict:
    fields = entry.fields
    return {"slug": entry.slug, "title": _title(fields, entry.slug), "status": entry.status,
            "date": str(fields.get("date") or fields.get("start") or "") or None,
            "units": kind.units_of(fields),
            "version": entry.version, "path": entry.path.relative_to(content_dir).as_posix()}


__all__ = ["COLLECTIONS", "ContentService"]
