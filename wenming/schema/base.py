"""Base of every content type's schema, shared by ``wenming.schema`` and the schemas kept beside it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Status = Literal["published", "review", "draft"]
STATUS_LABELS = {"published": "已发布", "review": "待审核", "draft": "草稿"}


class ContentModel(BaseModel):
    """Base of every content type's front matter."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
