"""Schemas of the exhibition hall (功能展厅): exhibit front matter and ``content/data/hall.yml``.

``Exhibit`` is listed in ``wenming.schema.CONTENT_TYPES`` with the other content types.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field, field_validator

from wenming.schema.base import SLUG_PATTERN, URL_PATTERN, ContentModel, SchemaModel, Status


def _widget(name: str, **extra) -> dict:
    return {"x-widget": name, **extra}


class ExhibitImage(ContentModel):
    """One picture of an exhibit."""

    src: str = Field(min_length=1, title="图片", description="content/ 下的图片路径，须在 images/ 文件夹中",
                     json_schema_extra=_widget("image"))
    alt: str = Field(min_length=1, title="替代文字",
                     description="用一句话说明图片内容，供读屏软件朗读和图片无法显示时显示；必填")
    caption: str | None = Field(None, title="图片说明", description="显示在图片下方的说明文字")


class ExhibitVideo(ContentModel):
    """A local video file with optional captions."""

    src: str = Field(min_length=1, title="视频文件", description="content/ 下的 .mp4 或 .webm 文件路径",
                     json_schema_extra=_widget("file"))
    captions: str | None = Field(None, title="字幕文件", description="content/ 下的 .vtt 字幕文件路径",
                                 json_schema_extra=_widget("file"))
    title: str | None = Field(None, title="视频标题")


class Exhibit(ContentModel):
    """展品: one exhibit page of the exhibition hall, online and on the kiosk."""

    title: str = Field(min_length=1, title="标题", json_schema_extra=_widget("text"))
    section: str = Field(min_length=1, title="展区", description="content/data/hall.yml 中展区的名称或编号",
                         json_schema_extra={"x-registry": "hall_sections", "x-widget": "select"})
    order: int = Field(ge=0, title="排序", description="在展区中的顺序，小的在前；同一展区内不能重复")
    cover: str | None = Field(None, title="封面图片", description="content/ 下的图片路径；不填则用第一张图片",
                              json_schema_extra=_widget("image"))
    images: list[ExhibitImage] = Field(default_factory=list, title="图片",
                                       description="展品图片，依次显示；每张都要填写替代文字")
    video: ExhibitVideo | None = Field(None, title="视频", description="本地视频文件，可附字幕")
    related: list[str] = Field(default_factory=list, title="相关报道", description="已发布报道的网址名",
                               json_schema_extra=_widget("multiselect", **{"x-registry": "news"}))
    summary: str | None = Field(None, title="摘要", description="不填则取正文第一段",
                                json_schema_extra=_widget("textarea"))
    slug: str | None = Field(None, title="网址名", pattern=SLUG_PATTERN,
                             description="展品网址 /hall/<展区>/<网址名>/，不填则取文件名")
    status: Status = Field("published", title="状态", description="只有 published（已发布）的展品公开展示")

    @field_validator("related", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value


class HallModel(SchemaModel):
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)


class HallSection(HallModel):
    """展区: one section of the hall."""

    id: str = Field(pattern=SLUG_PATTERN, title="编号", description="网址中使用的小写字母编号，如 xuting")
    name: str = Field(min_length=1, title="名称", description="如 序厅、五大平台")
    intro: str = Field("", title="简介")
    order: int = Field(ge=0, title="排序", description="展区的顺序，小的在前")
    cover: str | None = Field(None, title="封面图片", description="content/ 下的图片路径；不填则用第一件展品的封面")


class AttractLoop(HallModel):
    """屏保轮播: the kiosk's full-screen loop shown while nobody uses it."""

    prompt: str = Field("触摸屏幕开始参观", min_length=1, title="提示语")
    slide_seconds: int = Field(6, ge=2, le=60, title="每张停留秒数")
    max_slides: int = Field(12, ge=1, le=60, title="最多轮播展品数",
                            description="按展区和展品顺序选取有封面的展品")


class HallConfig(HallModel):
    """content/data/hall.yml: the hall's title, sections and kiosk settings."""

    title: str = Field(min_length=1, title="展厅名称")
    intro: str = Field("", title="展厅简介")
    sections: list[HallSection] = Field(min_length=1, title="展区")
    attract: AttractLoop = Field(default_factory=AttractLoop, title="屏保轮播")
    idle_seconds: int = Field(120, ge=1, le=3600, title="无操作等待秒数",
                              description="触摸屏无人操作多少秒后显示倒计时")
    countdown_seconds: int = Field(20, ge=1, le=300, title="倒计时秒数",
                                   description="倒计时结束后回到屏保并清除浏览状态")
    public_url: str | None = Field(None, pattern=URL_PATTERN, title="公开网址",
                                   description="二维码指向的网站地址；不填则为 site.yml 的 base_url")
