"""The registry: towns, villages, departments, outlets, platforms, … loaded from ``content/data/``.

The registry is data, not code: next year's plan changes YAML, not Python.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from wenming.schema import registry as rs
from wenming.source.datafile import load_data_file
from wenming.source.diagnostics import Diagnostics
from wenming.source.messages import Text
from wenming.source.slugs import is_valid_slug, pinyin_slug
from wenming.source.suggest import did_you_mean
from wenming.source.yamlsource import YamlDocument


@dataclasses.dataclass(frozen=True)
class Unit:
    """A town/subdistrict or a department/unit that reports are attributed to."""

    name: str
    kind: str  # "town" | "department"
    slug: str
    aliases: tuple[str, ...] = ()
    population: int | None = None
    institute: str | None = None
    villages: tuple[rs.Village, ...] = ()

    @property
    def is_town(self) -> bool:
        return self.kind == "town"

    def village(self, name: str) -> rs.Village | None:
        return next((v for v in self.villages if v.name == name), None)


@dataclasses.dataclass(frozen=True)
class Named:
    """A platform, task, topic, kind or team: a name with a URL slug."""

    name: str
    slug: str
    description: str | None = None
    extra: dict = dataclasses.field(default_factory=dict, compare=False, hash=False)


class Registry:
    def __init__(
        self,
        site: rs.SiteInfo,
        units: list[Unit],
        levels: list[rs.Level],
        outlets: list[rs.Outlet],
        platforms: list[Named],
        tasks: list[Named],
        kinds: list[Named],
        topics: list[Named],
        teams: list[Named],
        default_kind: str,
        star_levels: list[rs.StarLevel] | None = None,
    ) -> None:
        self.site = site
        self.units = units
        self.levels = levels
        self.outlets = outlets
        self.platforms = platforms
        self.tasks = tasks
        self.kinds = kinds
        self.topics = topics
        self.teams = teams
        self.default_kind = default_kind
        self.star_levels = star_levels or []
        self._units = {n: u for u in units for n in (u.name, *u.aliases)}
        self._outlets = {n: o for o in outlets for n in (o.name, *o.aliases)}
        self._levels = {lv.name: lv for lv in levels}

    @property
    def towns(self) -> list[Unit]:
        return [u for u in self.units if u.is_town]

    @property
    def departments(self) -> list[Unit]:
        return [u for u in self.units if not u.is_town]

    def unit(self, name: str) -> Unit | None:
        """The unit named ``name`` or one of its aliases."""
        return self._units.get(name)

    def unit_choices(self) -> list[str]:
        return list(self._units)

    def outlet(self, name: str) -> rs.Outlet | None:
        return self._outlets.get(name)

    def outlet_choices(self) -> list[str]:
        return list(self._outlets)

    def level(self, name: str) -> rs.Level | None:
        return self._levels.get(name)

    def level_names(self) -> list[str]:
        return [lv.name for lv in self.levels]

    def level_rank(self, name: str) -> int:
        """0 for the highest level (中央); used to order badges."""
        names = self.level_names()
        return names.index(name) if name in names else len(names)

    def village_names(self) -> list[str]:
        return [v.name for t in self.towns for v in t.villages]


def load_registry(data_dir: Path, diagnostics: Diagnostics) -> Registry | None:
    """Load and cross-check every registry file; None when any has errors."""
    before = len(diagnostics.errors)
    raw: dict[str, object] = {}
    docs: dict[str, YamlDocument] = {}
    for file_name, schema in rs.REGISTRY_FILES.items():
        path = data_dir / file_name
        if file_name in rs.OPTIONAL_FILES and not path.exists():
            continue
        if not path.is_file():
            diagnostics.add("E101", path)
            continue
        loaded = load_data_file(path, schema, diagnostics)
        if loaded is not None:
            raw[file_name], docs[file_name] = loaded
    if len(diagnostics.errors) > before:
        return None
    registry = _assemble(raw, docs, data_dir, diagnostics)
    return registry if len(diagnostics.errors) == before else None


def _slug(path, doc, loc, name, explicit, seen, diagnostics) -> str:
    slug = explicit or pinyin_slug(name)
    if not is_valid_slug(slug):
        diagnostics.add("E102", path, line=doc.line_of(loc + ("slug",)), field="slug", slug=slug)
    elif slug in seen:
        diagnostics.add("E103", path, line=doc.line_of(loc), field="slug", slug=slug, name=name, other=seen[slug])
    seen[slug] = name
    return slug


def _named(file_name, entries, docs, data_dir, diagnostics) -> list[Named]:
    path, doc, seen, result = data_dir / file_name, docs[file_name], {}, []
    for index, entry in enumerate(entries):
        if entry.name in (n.name for n in result):
            diagnostics.add("E104", path, line=doc.line_of((index,)), field="name", name=entry.name)
        slug = _slug(path, doc, (index,), entry.name, entry.slug, seen, diagnostics)
        extra = entry.model_dump(exclude={"name", "slug", "description"})
        result.append(Named(entry.name, slug, entry.description, extra))
    return result


def _assemble(raw, docs, data_dir: Path, diagnostics: Diagnostics) -> Registry:
    units = _units(raw["units.yml"], docs["units.yml"], data_dir / "units.yml", diagnostics)
    by_name = {n: u for u in units for n in (u.name, *u.aliases)}
    levels = raw["levels.yml"]
    level_names = [lv.name for lv in levels]
    outlets_path, outlets_doc = data_dir / "outlets.yml", docs["outlets.yml"]
    outlet_names: set[str] = set()
    for index, outlet in enumerate(raw["outlets.yml"]):
        if outlet.level not in level_names:
            diagnostics.add("E105", outlets_path, line=outlets_doc.line_of((index, "level")), field="level",
                            level=outlet.level, allowed=level_names)
        for name in (outlet.name, *outlet.aliases):
            if name in outlet_names:
                diagnostics.add("E104", outlets_path, line=outlets_doc.line_of((index,)), name=name)
            outlet_names.add(name)
    named = {f: _named(f, raw[f], docs, data_dir, diagnostics)
             for f in ("platforms.yml", "tasks.yml", "kinds.yml", "topics.yml", "teams.yml")}
    _check_reference(named["platforms.yml"], "lead", by_name, "department", data_dir / "platforms.yml",
                     docs["platforms.yml"], diagnostics)
    platform_names = {p.name: p for p in named["platforms.yml"]}
    _check_reference(named["teams.yml"], "platform", platform_names, "platform", data_dir / "teams.yml",
                     docs["teams.yml"], diagnostics)
    defaults = [k.name for k in named["kinds.yml"] if k.extra.get("default")]
    if len(defaults) > 1:
        diagnostics.add("E106", data_dir / "kinds.yml", defaults=defaults)
    default_kind = defaults[0] if defaults else named["kinds.yml"][0].name
    return Registry(
        site=raw["site.yml"], units=units, levels=levels, outlets=raw["outlets.yml"],
        platforms=named["platforms.yml"], tasks=named["tasks.yml"], kinds=named["kinds.yml"],
        topics=named["topics.yml"], teams=named["teams.yml"], default_kind=default_kind,
        star_levels=raw["stars.yml"].levels if "stars.yml" in raw else None,
    )


def _check_reference(entries, key, targets, what, path, doc, diagnostics) -> None:
    for index, entry in enumerate(entries):
        value = entry.extra.get(key)
        if value is not None and value not in targets:
            diagnostics.add("E107", path, line=doc.line_of((index, key)), field=key, value=value,
                            what=Text(f"noun.{what}"), hint=did_you_mean(value, targets))


def _units(data: rs.Units, doc: YamlDocument, path: Path, diagnostics: Diagnostics) -> list[Unit]:
    units: list[Unit] = []
    owner: dict[str, str] = {}
    slugs: dict[str, str] = {}
    groups = (("towns", "town", data.towns), ("departments", "department", data.departments))
    for group, kind, entries in groups:
        for index, entry in enumerate(entries):
            loc = (group, index)
            for alias_index, name in enumerate((entry.name, *entry.aliases)):
                if name in owner:
                    line = doc.line_of(loc + (("aliases", alias_index - 1) if alias_index else ("name",)))
                    diagnostics.add("E108", path, line=line, field="aliases" if alias_index else "name", name=name,
                                    owner=owner[name])
                owner[name] = entry.name
            slug = _slug(path, doc, loc, entry.name, entry.slug, slugs, diagnostics)
            villages = tuple(getattr(entry, "villages", ()))
            seen_villages: set[str] = set()
            for v_index, village in enumerate(villages):
                if village.name in seen_villages:
                    diagnostics.add("E109", path, line=doc.line_of(loc + ("villages", v_index)), field="villages",
                                    village=village.name, unit=entry.name)
                seen_villages.add(village.name)
            units.append(Unit(
                name=entry.name, kind=kind, slug=slug, aliases=tuple(entry.aliases),
                population=getattr(entry, "population", None), institute=getattr(entry, "institute", None),
                villages=villages,
            ))
    return units
