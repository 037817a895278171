"""Synthetic corpus for the benchmark: N realistic Chinese reports over the sample registry.

Reports are spread over towns, departments, kinds, platforms, topics and
publication levels; a fraction carry a cover image. The registry (content/data)
is copied from the sample site so that validation runs for real.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
PHRASES = [
    "新时代文明实践站志愿者走进院落，", "围绕群众关心的政策问题开展宣讲，", "现场气氛热烈，群众纷纷点赞，",
    "志愿者们耐心解答村民提出的问题，", "活动结合茶乡特色，把党的创新理论讲进群众心里，",
    "通过“下雨天堂屋讲、晴天院坝讲”的方式，", "进一步丰富了群众的精神文化生活，",
    "推动移风易俗、树立文明新风，", "累计服务群众两百余人次，", "下一步将持续开展常态化志愿服务。",
]
TITLE_PARTS = ["开展", "举办", "组织", "启动"]
TITLE_TOPICS = ["政策宣讲进院落活动", "志愿服务关爱行动", "文明实践骨干培训", "“茶乡微讲堂”宣讲活动",
                "移风易俗主题宣传", "健康义诊进乡村活动", "科普知识进校园活动", "文艺汇演送文化下乡"]


def _registry(content: Path) -> dict:
    data = content / "data"
    return {name: yaml.safe_load((data / f"{name}.yml").read_text(encoding="utf-8"))
            for name in ("units", "outlets", "platforms", "tasks", "kinds", "topics")}


def _image(path: Path, rng: random.Random) -> None:
    image = Image.new("RGB", (1600, 1067), tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(1600), rng.randrange(1067)
        draw.ellipse((x, y, x + rng.randrange(80, 400), y + rng.randrange(80, 400)),
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    image.save(path, "JPEG", quality=85)


def report_text(index: int, rng: random.Random, registry: dict, minimal: bool = False, cover: str | None = None):
    towns = registry["units"]["towns"]
    departments = registry["units"]["departments"]
    town = rng.choice(towns)
    units = [town["name"]] + ([rng.choice(departments)["name"]] if rng.random() < 0.2 else [])
    date = f"2022-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    title = f"{town['name']}{rng.choice(TITLE_PARTS)}{rng.choice(TITLE_TOPICS)}（{index}）"
    body = "\n\n".join("".join(rng.choice(PHRASES) for _ in range(rng.randrange(4, 9))) + "。"
                       for _ in range(rng.randrange(3, 7)))
    if minimal:
        return f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n"
    kind = rng.choice(registry["kinds"])["name"]
    lines = ["---", f"title: {title}", f"slug: bench-{index:05d}", f"date: {date}", f"units: [{', '.join(units)}]",
             f"kind: {kind}", f"platform: {rng.choice(registry['platforms'])['name']}",
             f"task: {rng.choice(registry['tasks'])['name']}"]
    if kind == "微讲堂" or rng.random() < 0.3:
        lines.append(f"village: {rng.choice(town['villages'])['name']}")
    if rng.random() < 0.3:
        lines.append(f"topics: [{rng.choice(registry['topics'])['name']}]")
    if cover:
        lines.append(f"cover: {cover}")
    outlets = rng.sample(registry["outlets"], k=rng.randrange(0, 3))
    if outlets:
        lines.append("publications:")
        lines += [f"  - outlet: {o['name']}" for o in outlets]
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def generate(target: Path, count: int, image_fraction: float = 0.05, seed: int = 2022, minimal: bool = False) -> Path:
    """Write a content folder with ``count`` reports (or, minimal, plain Pelican Markdown files)."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    registry = _registry(ROOT / "content")
    if not minimal:
        # The registry and yearly data; the hall settings name exhibit pictures the corpus does not have.
        shutil.copytree(ROOT / "content" / "data", target / "data", ignore=shutil.ignore_patterns("hall.yml"))
        (target / "images").mkdir(parents=True)
    images = max(1, int(count * image_fraction)) if not minimal else 0
    for index in range(images):
        _image(target / "images" / f"photo-{index:04d}.jpg", rng)
    for index in range(count):
        cover = f"images/photo-{index % images:04d}.jpg" if images and rng.random() < image_fraction else None
        text = report_text(index, rng, registry, minimal=minimal, cover=cover)
        folder = target / "news" / f"{index // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"bench-{index:05d}.md").write_text(text, encoding="utf-8")
    return target
