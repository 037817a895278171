"""What the field reference says about each field of a schema: its key, title, type, whether it is required,
the values it allows and its description, read from the pydantic models (nested models get their own tables).

The content types and data files it covers are listed here once (``CONTENT_SECTIONS``, ``DATA_FILES``); the
handbook tests compare them with ``wenming.schema.CONTENT_TYPES``, the registry files and ``content/data/``.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing

import annotated_types
import pydantic
from pydantic.fields import FieldInfo

from wenming.model.quota_rules import DEFAULT_KINDS, METRIC_KEYS, QuotaFile
from wenming.schema.base import SLUG_PATTERN, STATUS_LABELS, URL_PATTERN
from wenming.schema.content import CONTENT_TYPES
from wenming.schema.hall import HallConfig
from wenming.schema.practice import ServiceEntry
from wenming.schema.registry import OPTIONAL_FILES, REGISTRY_FILES

# Content folder -> (chapter title, the chapter that explains it) in the order of the handbook.
CONTENT_SECTIONS: dict[str, tuple[str, str]] = {
    "news": ("报道", "writing/news.md"),
    "events": ("活动", "writing/events.md"),
    "exhibits": ("展品", "writing/exhibits.md"),
    "projects": ("品牌项目", "writing/projects.md"),
    "volunteers": ("志愿者", "writing/volunteers.md"),
    "pages": ("单页", "writing/pages.md"),
}

# Data file (under content/data/; <year> stands for any year) -> (title, schema). The volunteer statistics
# are a CSV file: their columns are ``wenming.model.volunteer_stats.COLUMNS``.
DATA_FILES: dict[str, tuple[str, object]] = {
    "site.yml": ("网站信息", REGISTRY_FILES["site.yml"]),
    "units.yml": ("单位：镇（街道）、村（社区）和部门", REGISTRY_FILES["units.yml"]),
    "levels.yml": ("媒体级别", REGISTRY_FILES["levels.yml"]),
    "outlets.yml": ("媒体", REGISTRY_FILES["outlets.yml"]),
    "platforms.yml": ("五大实践平台", REGISTRY_FILES["platforms.yml"]),
    "tasks.yml": ("重点任务", REGISTRY_FILES["tasks.yml"]),
    "kinds.yml": ("报道类型", REGISTRY_FILES["kinds.yml"]),
    "topics.yml": ("专题", REGISTRY_FILES["topics.yml"]),
    "teams.yml": ("志愿服务队", REGISTRY_FILES["teams.yml"]),
    "stars.yml": ("志愿者星级", REGISTRY_FILES["stars.yml"]),
    "hall.yml": ("展厅", HallConfig),
    "services.yml": ("服务菜单", list[ServiceEntry]),
    "quotas/<year>.yml": ("年度目标任务", QuotaFile),
    "volunteer-stats/<year>.csv": ("志愿者统计（CSV）", None),
}
OPTIONAL_DATA_FILES = OPTIONAL_FILES | {"hall.yml", "services.yml", "quotas/<year>.yml", "volunteer-stats/<year>.csv"}

_REGISTRY_SOURCES = {
    "units": "content/data/units.yml 中登记的单位名称或简称",
    "villages": "content/data/units.yml 中所填镇（街道）下登记的村（社区）",
    "platforms": "content/data/platforms.yml 中的平台名称",
    "tasks": "content/data/tasks.yml 中的任务名称",
    "kinds": "content/data/kinds.yml 中的类型名称",
    "topics": "content/data/topics.yml 中的专题名称",
    "levels": "content/data/levels.yml 中的级别（中央、省级、市级、县级）",
    "outlets": "content/data/outlets.yml 中的媒体名称或简称",
    "teams": "content/data/teams.yml 中的服务队名称",
    "hall_sections": "content/data/hall.yml 中展区的名称或编号",
    "news": "已发布报道的网址名",
}
_PATTERNS = {
    SLUG_PATTERN: "小写字母、数字和连字符（-），如 chabei-jiangtang",
    URL_PATTERN: "以 http:// 或 https:// 开头的网址",
    r"^https?://": "以 http:// 或 https:// 开头的网址",
}
_SCALARS = {
    str: "文本", int: "整数", float: "数字", bool: "是否（true / false）",
    datetime.date: "日期（YYYY-MM-DD）", datetime.datetime: "日期和时间（YYYY-MM-DD HH:MM）",
    datetime.time: "时间（HH:MM）",
}
# Allowed values of keys that are documented elsewhere in the code.
_EXTRA_ALLOWED = {
    (QuotaFile, "targets"): "指标代码：" + "、".join(METRIC_KEYS),
    (QuotaFile, "kinds"): "、".join(f"{purpose}（默认 {kind}）" for purpose, kind in DEFAULT_KINDS.items()),
    (QuotaFile, "level_mapping"): "键和值都是 content/data/levels.yml 中的级别名称",
}


@dataclasses.dataclass(frozen=True)
class FieldRow:
    """One line of a field table."""

    key: str  # as written in the file; nested fields with their path, e.g. publications[].outlet
    title: str
    type: str
    required: bool
    allowed: str
    description: str


@dataclasses.dataclass(frozen=True)
class FieldTable:
    """The fields of one model; ``path`` is where it sits in the file ("" for the top level)."""

    path: str
    model: type[pydantic.BaseModel]
    rows: list[FieldRow]


def _without_none(annotation):
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _is_model(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)


def nested_model(annotation) -> type[pydantic.BaseModel] | None:
    """The model a field holds (itself, in a list or as the values of a mapping), if any."""
    annotation = _without_none(annotation)
    if _is_model(annotation):
        return annotation
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (list, dict) and args and _is_model(args[-1]):
        return args[-1]
    return None


def describe_type(annotation) -> str:
    annotation = _without_none(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "文本"
    if origin is list:
        return f"列表（每项：{describe_type(args[0])}）"
    if origin is dict:
        return f"映射（键：值为{describe_type(args[1])}）"
    if _is_model(annotation):
        return "一组字段（见下表）"
    return _SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _literal_values(annotation) -> list[str]:
    annotation = _without_none(annotation)
    if typing.get_origin(annotation) is list:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is typing.Literal:
        return [str(v) for v in typing.get_args(annotation)]
    return []


def _limits(info: FieldInfo, annotation) -> list[str]:
    is_list = typing.get_origin(_without_none(annotation)) is list
    notes = []
    for item in info.metadata:
        if isinstance(item, annotated_types.MinLen) and item.min_length:
            notes.append(f"至少 {item.min_length} 项" if is_list else "不能为空")
        elif isinstance(item, annotated_types.MaxLen):
            notes.append(f"最多 {item.max_length} 项" if is_list else f"最多 {item.max_length} 个字")
        elif isinstance(item, annotated_types.Ge):
            notes.append(f"不小于 {item.ge}")
        elif isinstance(item, annotated_types.Gt):
            notes.append(f"大于 {item.gt}")
        elif isinstance(item, annotated_types.Le):
            notes.append(f"不大于 {item.le}")
        elif getattr(item, "pattern", None):
            notes.append(_PATTERNS.get(item.pattern, f"格式：{item.pattern}"))
    return notes


def _allowed(model, name: str, info: FieldInfo) -> str:
    parts = []
    values = _literal_values(info.annotation)
    if values:
        labels = STATUS_LABELS if set(values) == set(STATUS_LABELS) else {}
        parts.append("、".join(f"{v}（{labels[v]}）" if v in labels else v for v in values))
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if extra.get("x-registry") in _REGISTRY_SOURCES:
        parts.append(_REGISTRY_SOURCES[extra["x-registry"]])
    if (model, name) in _EXTRA_ALLOWED:
        parts.append(_EXTRA_ALLOWED[(model, name)])
    parts.extend(_limits(info, info.annotation))
    if not info.is_required():
        default = info.get_default(call_default_factory=True)
        if default not in (None, [], {}, "") and not isinstance(default, pydantic.BaseModel):
            parts.append(f"默认 {str(default).lower() if isinstance(default, bool) else default}")
    return "；".join(parts)


def field_tables(model: type[pydantic.BaseModel], path: str = "") -> list[FieldTable]:
    """The table of ``model`` and, after it, those of the models nested in it (depth first)."""
    rows, nested = [], []
    for name, info in model.model_fields.items():
        key = f"{path}{name}"
        rows.append(FieldRow(key, info.title or "", describe_type(info.annotation), info.is_required(),
                             _allowed(model, name, info), info.description or ""))
        inner = nested_model(info.annotation)
        if inner is not None:
            container = typing.get_origin(_without_none(info.annotation))
            suffix = "[]." if container is list else ".<键>." if container is dict else "."
            nested.extend(field_tables(inner, key + suffix))
    return [FieldTable(path, model, rows), *nested]


def schema_tables(schema: object) -> list[FieldTable]:
    """The tables of a data file's schema: a model, or ``list[Model]`` (the fields of each entry of the list)."""
    return field_tables(schema if _is_model(schema) else typing.get_args(schema)[0])


def is_list_file(schema: object) -> bool:
    return typing.get_origin(schema) is list


def content_tables(folder: str) -> list[FieldTable]:
    return field_tables(CONTENT_TYPES[folder][1])
