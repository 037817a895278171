"""The handbook's generated reference pages, in Markdown: the fields of every content type and data file
(``wenming.handbook.fields``) and every diagnostic code with its Chinese message, cause and fix (the catalog).

They are written into the staged copy of ``docs/`` at build time (``REFERENCE_PAGES``), never committed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from wenming.handbook.fields import (
    CONTENT_SECTIONS,
    DATA_FILES,
    OPTIONAL_DATA_FILES,
    FieldTable,
    content_tables,
    is_list_file,
    schema_tables,
)
from wenming.model.volunteer_stats import COLUMNS as VOLUNTEER_STATS_COLUMNS
from wenming.schema.content import CONTENT_TYPES
from wenming.source.messages import Message, codes

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_AREAS = {
    "source": "读取文件", "registry": "登记表", "news": "报道", "media": "图片和媒体", "model": "内容模型",
    "quota": "目标任务", "privacy": "隐私", "build": "生成网站", "preview": "预览", "hall": "展厅",
    "practice": "志愿服务", "handbook": "编辑手册",
}


def escape(text: str) -> str:
    """Text for a Markdown table cell or paragraph: no HTML, no emphasis, no column breaks."""
    text = html.escape(text, quote=False)
    for character in "\\`*_[]|":
        text = text.replace(character, "\\" + character)
    return text


def _field_table(table: FieldTable) -> list[str]:
    lines = ["| 字段 | 名称 | 类型 | 必填 | 可填的值 | 说明 |", "|---|---|---|---|---|---|"]
    for row in table.rows:
        lines.append(f"| `{row.key}` | {escape(row.title) or '—'} | {escape(row.type)} | "
                     f"{'必填' if row.required else '选填'} | {escape(row.allowed) or '—'} | "
                     f"{escape(row.description) or '—'} |")
    return lines


def _tables(tables: list[FieldTable], level: str) -> list[str]:
    lines: list[str] = []
    for table in tables:
        if table.path:
            lines += ["", f"{level} `{table.path.rstrip('.')}` 的字段", ""]
        lines += _field_table(table)
    return lines


def content_fields_page() -> str:
    lines = ["# 字段参考：内容文件", "",
             "本页由程序根据内容类型的定义（wenming/schema/）自动生成，与校验内容时所用的规则完全一致。",
             "每个内容文件开头的 `---` 之间是这些字段（YAML 格式），下面是正文。", "",
             "“必填”的字段不写就无法通过检查；“选填”的字段可以不写。"]
    for folder, (title, chapter) in CONTENT_SECTIONS.items():
        type_name, _ = CONTENT_TYPES[folder]
        lines += ["", f"## {title}（content/{folder}/） {{#{type_name}}}", "",
                  f"写法和完整示例见[{title}](../{chapter})。", ""]
        lines += _tables(content_tables(folder), "###")
    return "\n".join(lines) + "\n"


def _anchor(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def data_files_page() -> str:
    lines = ["# 字段参考：登记表和数据文件", "",
             "本页由程序根据数据文件的定义自动生成。这些文件都在 `content/data/` 下，只有管理员可以修改"
             "（在内容管理系统中，或直接修改文件）；修改方法见[登记表](../registry.md)。"]
    for name, (title, schema) in DATA_FILES.items():
        lines += ["", f"## `{name}`：{title} {{#{_anchor(name)}}}", ""]
        if name in OPTIONAL_DATA_FILES:
            lines += ["这个文件可以没有；没有时相应的内容不显示。", ""]
        if schema is None:
            lines += ["逗号分隔的表格（CSV，UTF-8 编码），第一行是列名，每个镇（街道）一行。必须有这些列：", ""]
            lines += [f"- `{column}`" for column in VOLUNTEER_STATS_COLUMNS]
            lines += ["", "详细说明见[数据文件格式](../data-formats.md)。"]
            continue
        if is_list_file(schema):
            lines += ["文件是一个列表，每项以 `- ` 开头，包含下列字段：", ""]
        lines += _tables(schema_tables(schema), "###")
    return "\n".join(lines) + "\n"


def _template(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: f"〈{m.group(1)}〉", escape(text))


def _code_entry(message: Message) -> list[str]:
    severity = "错误" if message.severity == "error" else "警告"
    return ["", f"### {message.key} · {severity} {{#{message.key.lower()}}}", "",
            f"**消息**：{_template(message.zh)}", "",
            f"**原因和处理**：{escape(message.fix) if message.fix else '—'}", "",
            f"<small>类别：{_AREAS.get(message.area, message.area)}（{message.area}）</small>"]


def codes_page() -> str:
    lines = ["# 提示代码一览", "",
             "检查内容（`build.py check`、生成网站、在内容管理系统中保存）时发现的每个问题都有一个代码。"
             "以 **E** 开头的是错误：必须改正，否则网站不会更新（上一版网站保持不变）；"
             "以 **W** 开头的是警告：网站照常生成，但最好看一看。", "",
             "本页由程序根据消息目录（wenming/source/catalog/）自动生成。消息中〈〉括起来的部分，"
             "实际显示时会换成具体内容（文件名、填写的值等）。"]
    messages = codes()
    first = {}  # each area's first code: areas in that order (source E0xx, registry E1xx, ...)
    for message in messages:
        first[message.area] = min(first.get(message.area, message.key), message.key)
    area = None
    for message in sorted(messages, key=lambda m: (first[m.area], m.key)):
        if message.area != area:  # one section per area, so the codes sit under an h2
            area = message.area
            lines += ["", f"## {_AREAS.get(area, area)} {{#area-{_anchor(area)}}}"]
        lines += _code_entry(message)
    return "\n".join(lines) + "\n"


# Path under docs/ -> the function writing it.
REFERENCE_PAGES = {
    "reference/content-fields.md": content_fields_page,
    "reference/data-files.md": data_files_page,
    "reference/codes.md": codes_page,
}


def write_reference(docs_dir: Path) -> list[Path]:
    """Write the generated pages into ``docs_dir`` (a staged copy of docs/); the paths written."""
    written = []
    for name, page in REFERENCE_PAGES.items():
        path = docs_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(), encoding="utf-8")
        written.append(path)
    return written
