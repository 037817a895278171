"""Schemas of the registry files under ``content/data/`` (towns, units, outlets, …)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from wenming.schema.base import SchemaModel, schema_error

BAYOU_STANDARDS = ("场所", "队伍", "活动", "项目", "机制", "机构", "主题", "档案")
Bayou = Literal["场所", "队伍", "活动", "项目", "机制", "机构", "主题", "档案"]


class RegistryModel(SchemaModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Village(RegistryModel):
    name: str = Field(min_length=1, title="村（社区）名称")
    population: int | None = Field(None, ge=0, title="常住人口")
    key: bool = Field(False, title="重点村（社区）")
    bayou: list[Bayou] | None = Field(
        None, title="“八有”达标项", description="实践站已达到的“八有”标准；不填表示无数据"
    )


class Town(RegistryModel):
    name: str = Field(min_length=1, title="镇（街道）名称")
    slug: str | None = Field(None, title="网址名", description="不填则由拼音生成")
    aliases: list[str] = Field(default_factory=list, title="简称")
    population: int | None = Field(None, ge=0, title="常住人口")
    institute: str | None = Field(None, title="新时代文明实践所名称")
    villages: list[Village] = Field(default_factory=list, title="村（社区）")


class Department(RegistryModel):
    name: str = Field(min_length=1, title="部门（单位）名称")
    slug: str | None = Field(None, title="网址名")
    aliases: list[str] = Field(default_factory=list, title="简称")


class Units(RegistryModel):
    towns: list[Town]
    departments: list[Department] = Field(default_factory=list)


class Level(RegistryModel):
    key: Literal["central", "provincial", "municipal", "county"]
    name: str = Field(min_length=1)


class Outlet(RegistryModel):
    name: str = Field(min_length=1, title="媒体名称")
    level: str = Field(title="媒体级别")
    url: str | None = Field(None, title="网址")
    aliases: list[str] = Field(default_factory=list)


class NamedEntry(RegistryModel):
    name: str = Field(min_length=1)
    slug: str | None = None
    description: str | None = None


class Platform(NamedEntry):
    lead: str | None = Field(None, title="牵头单位")


class Team(NamedEntry):
    platform: str | None = None


class Kind(NamedEntry):
    default: bool = False


class SiteInfo(RegistryModel):
    title: str = Field(min_length=1)
    column_title: str = "文明实践"
    description: str = ""
    base_url: str = Field(min_length=1, pattern=r"^https?://")
    hotline: str | None = None
    wechat: str | None = None
    per_page: int = Field(12, ge=1, le=100)


class StarLevel(RegistryModel):
    stars: int = Field(ge=1, le=5, title="星级")
    hours: int = Field(ge=1, title="服务时长下限（小时）")


class StarLevels(RegistryModel):
    """Volunteer star levels by service hours (``stars.yml``)."""

    source: str | None = Field(None, title="依据")
    levels: list[StarLevel] = Field(min_length=1, title="星级标准", description="从一星起，每级所需时长递增")

    @field_validator("levels")
    @classmethod
    def _one_star_at_a_time(cls, levels: list[StarLevel]) -> list[StarLevel]:
        for index, level in enumerate(levels):
            if level.stars != index + 1:
                raise schema_error("E035", index=index + 1, stars=level.stars, at=[index])
            if index and level.hours <= levels[index - 1].hours:
                raise schema_error("E036", stars=level.stars, hours=level.hours,
                                   lower_stars=levels[index - 1].stars, lower_hours=levels[index - 1].hours, at=[index])
        return levels


# File name (under content/data/) -> schema of its top-level value.
REGISTRY_FILES: dict[str, object] = {
    "site.yml": SiteInfo,
    "units.yml": Units,
    "levels.yml": list[Level],
    "outlets.yml": list[Outlet],
    "platforms.yml": list[Platform],
    "tasks.yml": list[NamedEntry],
    "kinds.yml": list[Kind],
    "topics.yml": list[NamedEntry],
    "teams.yml": list[Team],
    "stars.yml": StarLevels,
}

# Registry files that may be left out; a missing one means no data (e.g. no volunteer star levels).
OPTIONAL_FILES = frozenset({"stars.yml"})
