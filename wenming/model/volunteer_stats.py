"""Volunteer statistics per town and year, from the platform of record's CSV export
(``content/data/volunteer-stats/<year>.csv``; columns documented in docs/data-formats.md).

They feed the quota page's participation metric through
``ctx.extras['volunteer_stats']`` ({(town name, year): VolunteerStats}) and the
town ranking by service hours. A bad row is reported at its line, which is its
spreadsheet row number (the header is row 1), naming the column.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path

from wenming.model.registry import Registry
from wenming.source.diagnostics import Diagnostics
from wenming.source.privacy import report_private_text
from wenming.source.suggest import did_you_mean
from wenming.source.textfile import read_text_file

STATS_FOLDER = "data/volunteer-stats"
TOWN, REGISTERED, ACTIVE, HOURS = "镇（街道）", "注册志愿者人数", "活跃志愿者人数", "服务时长（小时）"
COLUMNS = (TOWN, REGISTERED, ACTIVE, HOURS)
_WHOLE = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)$")  # 1234 or 1,234


@dataclasses.dataclass(frozen=True)
class VolunteerStats:
    """One town's volunteers in one year: registered, active (served in the year) and total hours."""

    town: str
    year: int
    registered: int
    active: int
    hours: int


class _StatsFile:
    """Reads one year's export, reporting every bad cell."""

    def __init__(self, path: Path, year: int, registry: Registry, diagnostics: Diagnostics) -> None:
        self.path, self.year, self.registry, self.diagnostics = path, year, registry, diagnostics
        self.ok = True

    def error(self, code: str, line: int | None = None, column: str | None = None, **params: object) -> None:
        self.ok = False
        self.diagnostics.add(code, self.path, line=line, field=column, **params)

    def whole(self, cell: str, line: int, column: str) -> int | None:
        text = cell.strip()
        if not _WHOLE.match(text):
            self.error("E510", line, column, value=text or "(empty)")
            return None
        return int(text.replace(",", ""))

    def header(self, cells: list[str]) -> dict[str, int] | None:
        names = [c.strip() for c in cells]
        for index, name in enumerate(names):
            if name and name not in COLUMNS:
                self.diagnostics.add("W510", self.path, line=1, field=f"column {index + 1}", name=name,
                                     hint=did_you_mean(name, COLUMNS))
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            self.error("E511", 1, missing=missing, columns=list(COLUMNS))
            return None
        return {c: names.index(c) for c in COLUMNS}

    def town(self, cell: str, line: int, seen: dict[str, int]) -> str | None:
        value = cell.strip()
        unit = self.registry.unit(value)
        if unit is None:
            names = [t.name for t in self.registry.towns]
            aliases = [n for t in self.registry.towns for n in (t.name, *t.aliases)]
            hint = did_you_mean(value, aliases, lambda m: self.registry.unit(m).name)
            self.error("E512", line, TOWN, value=value or "(empty)", hint=hint, towns=names)
            return None
        if not unit.is_town:
            self.error("E513", line, TOWN, value=value)
            return None
        if unit.name in seen:
            self.error("E514", line, TOWN, town=unit.name, row=seen[unit.name])
            return None
        seen[unit.name] = line
        return unit.name

    def row(self, cells: list[str], line: int, columns: dict[str, int], seen: dict[str, int]):
        if len(cells) < len(COLUMNS) or len(cells) <= max(columns.values()):
            self.error("E515", line, count=len(cells), columns=len(COLUMNS))
            return None
        town = self.town(cells[columns[TOWN]], line, seen)
        registered, active, hours = (self.whole(cells[columns[c]], line, c) for c in (REGISTERED, ACTIVE, HOURS))
        if None in (town, registered, active, hours):
            return None
        if active > registered:
            self.error("E516", line, ACTIVE, active=active, registered=registered)
            return None
        population = self.registry.unit(town).population
        if population and registered > population:
            self.diagnostics.add("W511", self.path, line=line, field=REGISTERED, registered=registered, town=town,
                                 population=population)
        return VolunteerStats(town, self.year, registered, active, hours)

    def read(self, text: str) -> dict[tuple[str, int], VolunteerStats]:
        reader = csv.reader(io.StringIO(text))
        first = next(reader, None)
        if first is None:
            self.error("E517", columns=list(COLUMNS))
            return {}
        columns = self.header(first)
        if columns is None:
            return {}
        stats, seen = {}, {}
        for cells in reader:
            if any(cell.strip() for cell in cells):
                entry = self.row(cells, reader.line_num, columns, seen)
                if entry is not None:
                    stats[(entry.town, self.year)] = entry
        missing = [t.name for t in self.registry.towns if t.name not in seen]
        if missing and self.ok:
            self.diagnostics.add("W512", self.path, towns=missing)
        return stats


def read_stats_file(path: Path, registry: Registry, diagnostics: Diagnostics) -> dict[tuple[str, int], VolunteerStats]:
    """The statistics in one ``<year>.csv`` (UTF-8, or GBK as Excel saves it, with a warning)."""
    if not (path.stem.isdigit() and 2000 <= int(path.stem) <= 2100):
        diagnostics.add("E518", path, name=path.name)
        return {}
    text = read_text_file(path, diagnostics)
    if text is None:
        return {}
    report_private_text(diagnostics, path, text)  # ID and mobile numbers, as in every other file
    return _StatsFile(path, int(path.stem), registry, diagnostics).read(text)


def load_volunteer_stats(ctx) -> None:
    """Site-model loader: every year's statistics into ``ctx.extras['volunteer_stats']``."""
    folder = ctx.content_dir / STATS_FOLDER
    stats: dict[tuple[str, int], VolunteerStats] = {}
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        stats.update(read_stats_file(path, ctx.registry, ctx.diagnostics))
    ctx.extras["volunteer_stats"] = stats
