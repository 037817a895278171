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


HALL = """\
    title: 测试展厅
    intro: 展厅**简介**。
    sections:
      - {id: xuting, name: 序厅, intro: 序厅简介。, order: 1}
      - {id: zhiyuan, name: 志愿服务, intro: 志愿服务简介。, order: 2}
    """


def write_hall(content: Path, text: str = HALL) -> Path:
    path = content / "data" / "hall.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def write_picture(content: Path, relative: str, size=(1200, 800), color=(142, 27, 27), orientation=None) -> Path:
    """A small generated picture under content/; ``orientation`` writes that EXIF orientation tag."""
    from PIL import Image

    path = content / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    image.paste((250, 240, 220), (0, 0, size[0] // 3, size[1] // 3))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010E] = "camera description to be stripped"
    image.save(path, exif=exif) if path.suffix.lower() in (".jpg", ".jpeg") else image.save(path)
    return path


def exhibit(title="序厅导览", section="序厅", order=1, images="[{src: images/hall/a.jpg, alt: 展厅全景, caption: 展厅入口}]",
            body="这是展品介绍。\n\n第二段。", **fields) -> str:
    """Text of an exhibit file; extra fields are written verbatim as YAML values."""
    lines = ["---", f"title: {title}", f"section: {section}", f"order: {order}"]
    if images is not None:
        lines.append(f"images: {images}")
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def write_exhibit(content: Path, name: str, text: str) -> Path:
    path = content / "exhibits" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_hall_site(root: Path, exhibits: dict[str, str], hall: str = HALL,
                   reports: dict[str, str] | None = None) -> Path:
    """A small site with a hall: the registry, hall.yml, pictures a.jpg and b.png, exhibits and reports."""
    content = make_site(root, reports)
    write_hall(content, hall)
    write_picture(content, "images/hall/a.jpg")
    write_picture(content, "images/hall/b.png", size=(600, 900), color=(11, 74, 133))
    for name, text in exhibits.items():
        write_exhibit(content, name, text)
    return content


# Volunteer service: star levels, volunteer profiles, brand projects, activities, services, statistics.

STARS = """\
    source: 西实践发〔2022〕3号 第12条
    levels:
      - {stars: 1, hours: 100}
      - {stars: 2, hours: 300}
      - {stars: 3, hours: 600}
      - {stars: 4, hours: 1000}
      - {stars: 5, hours: 1500}
    """

STATS_CSV = """\
镇（街道）,注册志愿者人数,活跃志愿者人数,服务时长（小时）
城北街道,1500,900,20000
杨河镇,800,500,9000
茶镇,600,300,9000
"""

SERVICES = """\
    - name: 政策理论宣讲
      platform: 理论宣讲
      team: 理论宣讲志愿服务队
      description: 到村（社区）宣讲惠民政策。
      audience: 村（社区）群众
    - name: 上门义诊
      platform: 卫生健康
      description: 为行动不便的老人上门义诊。
      order: [hotline, platform]
    """


def write_stars(content: Path, text: str = STARS) -> Path:
    path = content / "data" / "stars.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def write_stats(content: Path, text: str = STATS_CSV, year: int | str = 2022) -> Path:
    path = content / "data" / "volunteer-stats" / f"{year}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_services(content: Path, text: str = SERVICES) -> Path:
    path = content / "data" / "services.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _front_matter(fields: dict, body: str) -> str:
    lines = ["---", *(f"{key}: {value}" for key, value in fields.items() if value is not None), "---", "", body, ""]
    return "\n".join(lines)


def volunteer(name="王小梅", unit="城北街道", team="理论宣讲志愿服务队", hours=120, since=2018, consent="true",
              body="退休教师，常年在社区开展理论宣讲。", **fields) -> str:
    """Text of a volunteer profile; a field set to None is left out, extra fields are written verbatim."""
    return _front_matter({"name": name, "unit": unit, "team": team, "hours": hours, "since": since,
                          "consent": consent, **fields}, body)


def project(title="茶乡微讲堂", owner="理论宣讲", platforms="[理论宣讲]", years="[2022]", stage="实施项目",
            summary="在村（社区）开展群众身边的微型宣讲。", body="项目介绍。", **fields) -> str:
    return _front_matter({"title": title, "owner": owner, "platforms": platforms, "years": years, "stage": stage,
                          "summary": summary, **fields}, body)


def event(title="北关社区健康义诊", start="2022-05-20 09:00", end="2022-05-20 11:30", location="北关社区广场",
          unit="城北街道", body="活动介绍。", **fields) -> str:
    return _front_matter({"title": title, "start": start, "end": end, "location": location, "unit": unit,
                          **fields}, body)


def write_content(content: Path, folder: str, name: str, text: str) -> Path:
    """Write ``content/<folder>/<name>`` (volunteers, projects, events, …)."""
    path = content / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_practice_site(root: Path, reports: dict[str, str] | None = None, **folders: dict[str, str]) -> Path:
    """A small site with star levels, statistics and services plus files per folder:
    make_practice_site(tmp_path, reports, volunteers={'a.md': volunteer()}, projects={...}, events={...})."""
    content = make_site(root, reports)
    write_stars(content)
    write_stats(content)
    write_services(content)
    for folder, files in folders.items():
        for name, text in files.items():
            write_content(content, folder, name, text)
    return content


def hall_exhibits() -> dict[str, str]:
    """Exhibits of the demo hall: a link out and a related report, two sections, a video, a draft."""
    return {
        "xuting/guide.md": exhibit(related="[chengbei-xuanjiang]", summary="展厅导览摘要。",
                                   body="详见[中国文明网](http://www.wenming.cn/)和[本站专栏](/column/)。\n\n第二段。"),
        "xuting/platforms.md": exhibit(title="五大平台", order=2, images="[{src: images/hall/b.png, alt: 竖图, "
                                       "caption: 竖图说明}, {src: images/hall/big.jpg, alt: 竖拍大图}]"),
        "xuting/lecture.md": exhibit(title="茶乡微讲堂", order=3,
                                     video="{src: media/clip.mp4, captions: media/clip.vtt, title: 讲堂视频}"),
        "xuting/draft.md": exhibit(title="未发布展品", order=4, status="draft"),
        "zhiyuan/teams.md": exhibit(title="志愿服务队", section="志愿服务", images="[]"),
    }


def make_hall_demo(root: Path, hall: str = HALL) -> Path:
    """A small site with the demo hall; big.jpg is 2400×1600 taken sideways (EXIF orientation 6)."""
    content = make_hall_site(root, hall_exhibits(), hall, reports={"a.md": news(slug="chengbei-xuanjiang")})
    write_picture(content, "images/hall/big.jpg", size=(2400, 1600), color=(42, 106, 42), orientation=6)
    (content / "media").mkdir()
    (content / "media/clip.mp4").write_bytes(b"not really a video")
    (content / "media/clip.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n字幕\n", encoding="utf-8")
    return content
