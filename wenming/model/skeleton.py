"""`build.py new`: correctly filled skeleton files for new content."""

from __future__ import annotations

import datetime
from pathlib import Path

from wenming.model.registry import Registry
from wenming.source.discovery import content_files
from wenming.source.messages import render
from wenming.source.suggest import did_you_mean


class SkeletonError(ValueError):
    """A refused ``build.py new``: a catalog message (``cli.*``) and its parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params

    def __str__(self) -> str:
        return render(self.key, self.params)


def news_slug(date: datetime.date, unit_slug: str, taken: set[str]) -> str:
    """Short, stable slug: date plus unit, numbered when that day's slug is taken."""
    base = f"{date:%Y%m%d}-{unit_slug}"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _yaml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def new_news(content_dir: Path, registry: Registry, unit_name: str, title: str,
             date: datetime.date) -> Path:
    unit = registry.unit(unit_name)
    if unit is None:
        hint = did_you_mean(unit_name, registry.unit_choices(), lambda m: registry.unit(m).name)
        raise SkeletonError("cli.new_unknown_unit", unit=unit_name, hint=hint)
    if not title.strip():
        raise SkeletonError("cli.new_empty_title")
    news_dir = content_dir / "news"
    taken = {p.stem for p in content_files(news_dir)}
    slug = news_slug(date, unit.slug, taken)
    path = news_dir / f"{date:%Y}" / f"{date:%m}" / f"{slug}.md"
    village_hint = f"（{unit.name}的村或社区，可不填）" if unit.is_town else "（可不填）"
    text = "\n".join([
        "---",
        f"title: {_yaml_string(title.strip())}",
        f"slug: {slug}            # 报道网址 /news/{slug}/，发布后不要修改",
        f"date: {date.isoformat()}",
        f"units: [{unit.name}]",
        f"# village:         {village_hint}",
        f"# platform:        {' / '.join(p.name for p in registry.platforms)}",
        f"# task:            {' / '.join(t.name for t in registry.tasks)}",
        f"kind: {registry.default_kind}           # {' / '.join(k.name for k in registry.kinds)}",
        "# topics: []",
        "status: draft       # 写完后改为 published 才会公开",
        "publications: []    # 其他媒体刊发后补充：- outlet: 西乡融媒",
        "---",
        "",
        "在此撰写报道正文。请勿填写群众的身份证号、手机号或家庭住址。",
        "",
    ])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path
