"""Builders of small content trees for tests: a minimal registry plus report files."""

from __future__ import annotations

import textwrap
from pathlib import Path

REGISTRY = {
    "site.yml": """\
        title: 测试文明实践中心
        column_title: 文明实践
        description: 测试站点
        base_url: https://example.test
        hotline: 0916-6212345
        per_page: 3
        """,
    "units.yml": """\
        towns:
          - name: 城北街道
            aliases: [城北, 城北办]
            population: 10000
            institute: 城北街道新时代文明实践所
            villages:
              - name: 北关社区
                population: 3000
                key: true
                bayou: [场所, 队伍, 活动, 项目, 机制, 机构, 主题, 档案]
              - name: 东关社区
                population: 2500
              - name: 西关社区
                population: 2000
              - name: 南关社区
                population: 2500
          - name: 杨河镇
            aliases: [杨河]
            population: 8000
            villages:
              - name: 杨河村
                population: 1200
          - name: 茶镇
            population: 5000
        departments:
          - name: 县卫健局
            aliases: [县卫生健康局]
          - name: 县新时代文明实践中心
            slug: center
        """,
    "levels.yml": """\
        - {key: central, name: 中央}
        - {key: provincial, name: 省级}
        - {key: municipal, name: 市级}
        - {key: county, name: 县级}
        """,
    "outlets.yml": """\
        - {name: 中国文明网, level: 中央, url: "http://www.wenming.cn/"}
        - {name: 陕西文明网, level: 省级}
        - {name: 汉中日报, level: 市级}
        - {name: 西乡融媒, level: 县级, aliases: [融媒]}
        - {name: 西乡月报, level: 县级}
        """,
    "platforms.yml": """\
        - {name: 理论宣讲, lead: 县新时代文明实践中心}
        - {name: 卫生健康, lead: 县卫健局}
        """,
    "tasks.yml": """\
        - name: 学习实践科学理论
        - name: 持续深化移风易俗
        """,
    "kinds.yml": """\
        - {name: 活动, default: true}
        - name: 微讲堂
        - name: 培训
        """,
    "topics.yml": """\
        - name: 五知五行·知行合一
        - name: 国际志愿者日
        """,
    "teams.yml": """\
        - {name: 理论宣讲志愿服务队, platform: 理论宣讲}
        """,
}


def write_registry(content: Path, **overrides: str) -> Path:
    """Write the minimal registry; ``overrides`` replaces files by name (units_yml=...)."""
    data = content / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, text in REGISTRY.items():
        text = overrides.get(name.replace(".", "_"), text)
        (data / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return content


def news(title="城北街道开展宣讲活动", date="2022-05-12", units="城北街道", body="这是正文第一段。\n\n第二段。",
         **fields) -> str:
    """Text of a news file; extra fields are written verbatim as YAML values."""
    lines = ["---", f"title: {title}", f"date: {date}", f"units: {units}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def write_news(content: Path, name: str, text: str | bytes) -> Path:
    path = content / "news" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def make_site(root: Path, reports: dict[str, str] | None = None) -> Path:
    content = write_registry(root / "content")
    for name, text in (reports or {"a.md": news()}).items():
        write_news(content, name, text)
    return content


QUOTA_2022 = """\
year: 2022
source: 西实践发〔2022〕3号
level_mapping: {中央: 省级}
targets:
  media.provincial: {target: 1, applies_to: [town, department]}
  media.municipal: {target: 2, applies_to: [town, department]}
  media.county: {target: 3, applies_to: [town, department]}
  training: {target: 2}
  weijiangtang.coverage: {target: 0.3}
  projects.brand: {target: 1, applies_to: [town, platform_lead]}
  volunteers.participation: {target: 0.13}
  stations.bayou: {target: 1.0}
"""


def write_quota(content: Path, text: str = QUOTA_2022, year: int = 2022) -> Path:
    path = content / "data" / "quotas" / f"{year}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
