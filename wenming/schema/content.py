"""Declared schemas of the content types: one pydantic model per type.

The same models validate files at build time, are exported as JSON Schema in
the static API, drive the CMS forms and generate the handbook's field
reference. ``json_schema_extra`` carries presentation hints for those uses:
``x-registry`` names the registry list a value must come from, ``x-widget``
the editor control.
"""

from __future__ import annotations

import datetime

from pydantic import Field, field_validator

from wenming.schema.base import SLUG_PATTERN, STATUS_LABELS, URL_PATTERN, ContentModel, Status  # noqa: F401
from wenming.schema.hall import Exhibit
from wenming.schema.practice import BrandProject, VolunteerEvent, VolunteerProfile


def _registry(name: str, widget: str = "select", **extra) -> dict:
    return {"x-registry": name, "x-widget": widget, **extra}


class Publication(ContentModel):
    """One media outlet that also ran the report."""

    outlet: str = Field(
        min_length=1, title="刊发媒体",
        description="登记的媒体名称或简称；未登记的媒体须填写级别",
        json_schema_extra=_registry("outlets", "combobox"),
    )
    level: str | None = Field(
        None, title="媒体级别", description="中央、省级、市级或县级；登记的媒体可不填",
        json_schema_extra=_registry("levels"),
    )
    date: datetime.date | None = Field(None, title="刊发日期", description="不填则为报道日期")
    url: str | None = Field(None, title="稿件链接", pattern=URL_PATTERN)


class NewsReport(ContentModel):
    """活动报道: a report of a civilization-practice activity."""

    title: str = Field(min_length=1, title="标题", json_schema_extra={"x-widget": "text"})
    date: datetime.date = Field(title="日期", description="活动或报道日期，格式 YYYY-MM-DD")
    units: list[str] = Field(
        min_length=1, title="报送单位",
        description="一个或多个镇（街道）或部门（单位）；可写简称",
        json_schema_extra=_registry("units", "multiselect"),
    )
    village: str | None = Field(
        None, title="村（社区）", description="所列镇（街道）下的村（社区）",
        json_schema_extra=_registry("villages"),
    )
    platform: str | None = Field(None, title="实践平台", json_schema_extra=_registry("platforms"))
    task: str | None = Field(None, title="重点任务", json_schema_extra=_registry("tasks"))
    kind: str | None = Field(
        None, title="报道类型", description="不填则为登记的默认类型（活动）",
        json_schema_extra=_registry("kinds"),
    )
    topics: list[str] = Field(
        default_factory=list, title="专题", json_schema_extra=_registry("topics", "multiselect")
    )
    project: str | None = Field(None, title="品牌项目", description="品牌项目的网址名")
    volunteers: list[str] = Field(default_factory=list, title="志愿者", description="志愿者资料的网址名")
    cover: str | None = Field(None, title="封面图片", description="content/ 下的图片路径",
                              json_schema_extra={"x-widget": "image"})
    summary: str | None = Field(None, title="摘要", description="不填则取正文第一段",
                                json_schema_extra={"x-widget": "textarea"})
    slug: str | None = Field(
        None, title="网址名", pattern=SLUG_PATTERN,
        description="报道网址 /news/<网址名>/，一经发布不要修改；不填则取文件名",
    )
    status: Status = Field("published", title="状态", description="只有 published（已发布）的报道公开显示")
    publications: list[Publication] = Field(default_factory=list, title="媒体刊发情况")

    @field_validator("units", "topics", "volunteers", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value


class Page(ContentModel):
    """单页: a standalone page such as 关于我们."""

    title: str = Field(min_length=1, title="标题")
    slug: str | None = Field(None, title="网址名", pattern=SLUG_PATTERN)
    summary: str | None = Field(None, title="摘要")
    order: int = Field(100, title="排序", description="导航中的顺序，小的在前")
    status: Status = Field("published", title="状态")


# Content folder under content/ -> (type name, schema).
CONTENT_TYPES: dict[str, tuple[str, type[ContentModel]]] = {
    "news": ("news", NewsReport),
    "pages": ("page", Page),
    "exhibits": ("exhibit", Exhibit),
    "volunteers": ("volunteer", VolunteerProfile),
    "projects": ("project", BrandProject),
    "events": ("event", VolunteerEvent),
}
