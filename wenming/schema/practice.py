"""Schemas of the volunteer-service content: volunteer profiles, brand projects, activities and
the service menu (``content/data/services.yml``).

The content models are listed in ``wenming.schema.CONTENT_TYPES`` with the other content types,
so the same schema validates files, is exported as JSON Schema and drives the CMS forms.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from wenming.schema.base import SLUG_PATTERN, ContentModel, Status, schema_error

CHINA_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
STAGES = ("确立项目", "招募志愿者", "实施项目", "评估效果", "优化项目")
Stage = Literal["确立项目", "招募志愿者", "实施项目", "评估效果", "优化项目"]
OrderChannel = Literal["hotline", "wechat", "platform"]
ORDER_CHANNEL_LABELS = {"hotline": "服务热线", "wechat": "微信公众号", "platform": "志愿服务平台"}

_DATETIME_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CLOCK_TEXT = re.compile(r"^(\d{1,2}):(\d{2})$")


def _hint(widget: str, registry: str | None = None) -> dict:
    return {"x-widget": widget, **({"x-registry": registry} if registry else {})}


def _slug_field(where: str):
    return Field(None, title="网址名", pattern=SLUG_PATTERN,
                 description=f"网址 {where}<网址名>/，一经发布不要修改；不填则取文件名")


def beijing_time(value: object) -> datetime.datetime:
    """A front-matter date and time as an aware datetime in Asia/Shanghai.

    Text '2022-05-15 09:30' and naive datetimes are Beijing time; aware ones are converted.
    """
    if isinstance(value, str):
        match = _DATETIME_TEXT.match(value.strip())
        if match is None:
            raise schema_error("E031", value=value)
        try:
            value = datetime.datetime(*(int(part or 0) for part in match.groups()))
        except ValueError:
            raise schema_error("E031", value=value) from None
    if not isinstance(value, datetime.datetime):
        raise schema_error("E031", value=value)
    if value.tzinfo is None:
        return value.replace(tzinfo=CHINA_TZ)
    return value.astimezone(CHINA_TZ)


def clock_time(value: object) -> datetime.time:
    """A time of day; YAML 1.1 reads an unquoted 19:30 as the base-60 number 1170, which is accepted too."""
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return datetime.time(*divmod(value, 60))
    match = _CLOCK_TEXT.match(str(value).strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise schema_error("E032", value=value)
    return datetime.time(int(match[1]), int(match[2]))


def _later_than_start(end, info: ValidationInfo, shown: str):
    """An ``end`` validator: the end must come after the already validated ``start``."""
    start = info.data.get("start")
    if start is not None and end <= start:
        raise schema_error("E033", end=f"{end:{shown}}", start=f"{start:{shown}}")
    return end


class VolunteerProfile(ContentModel):
    """志愿风采: a volunteer's public profile; published only with the volunteer's consent.

    There are deliberately no fields for phone numbers, ID numbers or addresses.
    """

    name: str = Field(min_length=1, max_length=20, title="姓名", description="志愿者本人同意公开的姓名",
                      json_schema_extra=_hint("text"))
    unit: str = Field(min_length=1, title="所在单位", description="所在的镇（街道）或部门（单位），可写简称",
                      json_schema_extra=_hint("select", "units"))
    team: str = Field(min_length=1, title="志愿服务队", description="所属的县级专业志愿服务队",
                      json_schema_extra=_hint("select", "teams"))
    hours: int = Field(ge=0, title="服务时长（小时）",
                       description="志愿服务平台记录的累计服务时长，取整数；星级按时长认定")
    since: int = Field(ge=1949, le=2100, title="开始参加志愿服务的年份", description="四位年份，如 2016")
    photo: str | None = Field(None, title="照片", description="content/images/volunteers/ 下的照片；须经本人同意",
                              json_schema_extra=_hint("image"))
    honors: list[str] = Field(default_factory=list, title="荣誉", description="获得的表彰和荣誉，每项一行")
    consent: bool = Field(False, title="本人同意公开",
                          description="志愿者本人书面同意公开资料后填 true；没有同意的资料不能发布")
    slug: str | None = _slug_field("/volunteers/")
    status: Status = Field("published", title="状态",
                           description="只有 published（已发布）且本人同意公开的资料公开显示")

    @field_validator("honors", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value


class MonthlySessions(ContentModel):
    """A project's recurring monthly sessions (茶乡微讲堂: mid-month), shown in the activities calendar."""

    day: int = Field(ge=1, le=28, title="每月日期", description="每月第几日，如 15 表示每月中旬的15日")
    start: datetime.time = Field(title="开始时间", description="HH:MM，如 19:30")
    end: datetime.time = Field(title="结束时间", description="HH:MM，须晚于开始时间")
    location: str = Field(min_length=1, title="地点", description="如“各参与村（社区）微讲堂”")
    title: str | None = Field(None, title="日历标题", description="不填则为“项目名称（每月中旬）”")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value):
        return clock_time(value)

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: datetime.time, info: ValidationInfo):
        return _later_than_start(value, info, "%H:%M")


class BrandProject(ContentModel):
    """品牌项目: a brand volunteer-service project and where it is in the five-stage lifecycle."""

    title: str = Field(min_length=1, title="项目名称", json_schema_extra=_hint("text"))
    owner: str = Field(min_length=1, title="责任主体",
                       description="负责项目的镇（街道）、部门（单位），或五大实践平台之一（如 理论宣讲）",
                       json_schema_extra=_hint("combobox"))
    platforms: list[str] = Field(min_length=1, title="实践平台", json_schema_extra=_hint("multiselect", "platforms"))
    years: list[int] = Field(min_length=1, title="实施年度", description="项目实施的年份，如 [2021, 2022]")
    stage: Stage = Field(title="所处阶段", description="确立项目 → 招募志愿者 → 实施项目 → 评估效果 → 优化项目")
    summary: str = Field(min_length=1, title="项目简介", json_schema_extra=_hint("textarea"))
    cover: str | None = Field(None, title="封面图片", description="content/images/ 下的图片",
                              json_schema_extra=_hint("image"))
    cover_alt: str | None = Field(None, title="封面图片说明", description="替代文字；不填则封面按装饰性图片处理")
    volunteers_recruited: int = Field(0, ge=0, title="招募志愿者人数")
    outcomes: list[str] = Field(default_factory=list, title="项目成效", description="每项一行")
    sessions: MonthlySessions | None = Field(None, title="每月固定活动",
                                             description="每月固定开展的活动，自动列入志愿活动日历")
    slug: str | None = _slug_field("/projects/")
    status: Status = Field("published", title="状态")

    @field_validator("platforms", "outcomes", "years", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, (str, int)) else value

    @field_validator("years")
    @classmethod
    def _plausible_years(cls, value: list[int]):
        for year in value:
            if not 2000 <= year <= 2100:
                raise schema_error("E034", year=year)
        return sorted(set(value))


class VolunteerEvent(ContentModel):
    """志愿活动: an upcoming activity or a volunteer recruitment notice."""

    title: str = Field(min_length=1, title="活动名称", json_schema_extra=_hint("text"))
    start: datetime.datetime = Field(title="开始时间", description="北京时间，YYYY-MM-DD HH:MM",
                                     json_schema_extra=_hint("datetime"))
    end: datetime.datetime = Field(title="结束时间", description="北京时间，YYYY-MM-DD HH:MM，须晚于开始时间",
                                   json_schema_extra=_hint("datetime"))
    location: str = Field(min_length=1, title="地点")
    unit: str = Field(min_length=1, title="主办单位", description="镇（街道）或部门（单位），可写简称",
                      json_schema_extra=_hint("select", "units"))
    village: str | None = Field(None, title="村（社区）", description="主办镇（街道）下的村（社区）",
                                json_schema_extra=_hint("select", "villages"))
    platform: str | None = Field(None, title="实践平台", json_schema_extra=_hint("select", "platforms"))
    project: str | None = Field(None, title="品牌项目", description="品牌项目的网址名")
    volunteers_needed: int | None = Field(None, ge=0, title="招募志愿者人数", description="不招募可不填")
    signup: str | None = Field(None, title="报名方式",
                               description="如“在志愿服务平台报名”；不填则显示平台报名和中心服务热线。不要填写个人手机号")
    report: str | None = Field(None, title="活动报道", description="活动结束后所写报道的网址名")
    summary: str | None = Field(None, title="简介", json_schema_extra=_hint("textarea"))
    slug: str | None = _slug_field("/activities/ 中的 #")
    status: Status = Field("published", title="状态")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _beijing_time(cls, value):
        return beijing_time(value)

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: datetime.datetime, info: ValidationInfo):
        return _later_than_start(value, info, "%Y-%m-%d %H:%M")


class ServiceEntry(ContentModel):
    """点服务: one service residents can order, in ``content/data/services.yml``."""

    name: str = Field(min_length=1, title="服务名称")
    platform: str = Field(min_length=1, title="实践平台", json_schema_extra=_hint("select", "platforms"))
    team: str | None = Field(None, title="服务队伍", description="提供服务的县级专业志愿服务队",
                             json_schema_extra=_hint("select", "teams"))
    description: str = Field(min_length=1, title="服务内容", json_schema_extra=_hint("textarea"))
    audience: str | None = Field(None, title="服务对象")
    order: list[OrderChannel] | None = Field(
        None, min_length=1, title="点单方式",
        description="hotline（中心服务热线）、wechat（微信公众号）、platform（志愿服务平台）；"
                    "不填则为 site.yml 中登记的服务热线和微信公众号",
    )
