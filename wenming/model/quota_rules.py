"""Yearly quota rules (content/data/quotas/<year>.yml): which targets apply to whom, and how much.

The metric *definitions* are code (wenming.metrics.quotas); which metrics a year
uses, their targets and who they apply to are data, so next year's plan is a
new YAML file.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field

from wenming.schema.base import SchemaModel
from wenming.source.datafile import load_data_file
from wenming.source.diagnostics import Diagnostics
from wenming.source.suggest import did_you_mean

METRIC_KEYS = (
    "media.provincial", "media.municipal", "media.county", "training", "weijiangtang.coverage",
    "projects.brand", "volunteers.participation", "stations.bayou",
)
# Metrics that accumulate over the year are paced; snapshots (participation, 八有) are not.
PACED_METRICS = {"media.provincial", "media.municipal", "media.county", "training", "weijiangtang.coverage",
                 "projects.brand"}
RATIO_METRICS = {"weijiangtang.coverage", "volunteers.participation", "stations.bayou"}
Audience = Literal["town", "department", "platform_lead"]
KindPurpose = Literal["training", "weijiangtang"]
# The report kind each counting purpose uses unless the year's ``kinds:`` block names another.
DEFAULT_KINDS: dict[str, str] = {"training": "培训", "weijiangtang": "微讲堂"}
KIND_METRICS = {"training": "training", "weijiangtang": "weijiangtang.coverage"}  # purpose → the metric using it


class Target(SchemaModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    target: float = Field(gt=0, title="目标值", description="篇数、次数、个数，或比例（0–1）")
    applies_to: list[Audience] = Field(
        default_factory=lambda: ["town"], title="适用对象",
        description="town（镇街道）、department（所有部门）、platform_lead（五大平台牵头部门）",
    )
    label: str | None = Field(None, title="指标名称")


class QuotaFile(SchemaModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    year: int = Field(ge=2000, le=2100, title="年度")
    source: str | None = Field(None, title="依据文件")
    level_mapping: dict[str, str] = Field(
        default_factory=dict, title="级别折算", description="如 中央: 省级，表示中央媒体刊发计入省级指标"
    )
    kinds: dict[KindPurpose, str] = Field(
        default_factory=dict, title="计数所用报道类型",
        description="只写与默认值不同的项，未写的项用默认值（"
                    + "，".join(f"{purpose}: {kind}" for purpose, kind in DEFAULT_KINDS.items()) + "）",
    )
    targets: dict[str, Target] = Field(title="指标")


@dataclasses.dataclass(frozen=True)
class QuotaRules:
    year: int
    source: str | None
    level_mapping: dict[str, str]
    kinds: dict[str, str]
    targets: dict[str, Target]

    def applies(self, metric: str, unit, platform_leads: set[str]) -> bool:
        audience = self.targets[metric].applies_to
        if unit.is_town:
            return "town" in audience
        return "department" in audience or ("platform_lead" in audience and unit.name in platform_leads)


def load_quota_rules(folder: Path, registry, diagnostics: Diagnostics) -> dict[int, QuotaRules]:
    """Every quotas/<year>.yml, validated; years with errors are left out (and reported)."""
    rules: dict[int, QuotaRules] = {}
    if not folder.is_dir():
        return rules
    for path in sorted(folder.glob("*.yml")):
        loaded = _load_one(path, registry, diagnostics)
        if loaded is not None:
            rules[loaded.year] = loaded
    return rules


def _load_one(path: Path, registry, diagnostics: Diagnostics) -> QuotaRules | None:
    loaded = load_data_file(path, QuotaFile, diagnostics)
    if loaded is None:
        return None
    data, doc = loaded
    ok = True
    if path.stem != str(data.year):
        diagnostics.add("E701", path, line=doc.line_of(("year",)), field="year", year=data.year, file=path.name)
        ok = False
    for key, target in data.targets.items():
        if key not in METRIC_KEYS:
            diagnostics.add("E702", path, line=doc.line_of(("targets", key)), field=f"targets.{key}", key=key,
                            suggestion=did_you_mean(key, METRIC_KEYS), allowed=list(METRIC_KEYS))
            ok = False
        elif key in RATIO_METRICS and target.target > 1:
            diagnostics.add("E703", path, line=doc.line_of(("targets", key, "target")),
                            field=f"targets.{key}.target", value=target.target)
            ok = False
    levels = registry.level_names()
    for source_level, counted_as in data.level_mapping.items():
        for value in (source_level, counted_as):
            if value not in levels:
                diagnostics.add("E704", path, line=doc.line_of(("level_mapping", source_level)),
                                field="level_mapping", value=value, allowed=levels)
                ok = False
    kinds = {**DEFAULT_KINDS, **data.kinds}
    ok = _check_kinds(path, doc, data, kinds, [k.name for k in registry.kinds], diagnostics) and ok
    if not ok:
        return None
    return QuotaRules(data.year, data.source, dict(data.level_mapping), kinds, dict(data.targets))


def _check_kinds(path: Path, doc, data: QuotaFile, kinds: dict[str, str], known: list[str],
                 diagnostics: Diagnostics) -> bool:
    """Every kind written under ``kinds:`` is a registry kind, and so is every default a target counts."""
    ok = True
    for purpose, kind in kinds.items():
        if kind in known:
            continue
        if purpose in data.kinds:
            diagnostics.add("E705", path, line=doc.line_of(("kinds", purpose)), field=f"kinds.{purpose}", kind=kind,
                            suggestion=did_you_mean(kind, known), allowed=known)
            ok = False
        elif KIND_METRICS[purpose] in data.targets:
            metric = KIND_METRICS[purpose]
            diagnostics.add("E706", path, line=doc.line_of(("targets", metric)), field=f"targets.{metric}",
                            metric=metric, kind=kind, purpose=purpose, allowed=known)
            ok = False
    return ok


def load_quotas(ctx) -> None:
    """Site-model loader: every year's rules into ``ctx.extras['quota_rules']``."""
    ctx.extras["quota_rules"] = load_quota_rules(ctx.content_dir / "data" / "quotas", ctx.registry, ctx.diagnostics)
