"""Dates as the site writes them for its readers: 2022年5月12日, 2022年5月."""

from __future__ import annotations

import datetime


def cn_date(value: datetime.date | datetime.datetime | None) -> str:
    """2022年5月12日"""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(value: datetime.date) -> str:
    """2022年5月"""
    return f"{value.year}年{value.month}月"
