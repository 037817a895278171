"""Tables written in Markdown get what tables need to be read aloud: a caption and header scopes.

* Each header cell (``th`` of the head row) gets ``scope="col"``.
* A paragraph right before a table that starts with 表：(or 表:) becomes the table's ``<caption>``:

      表：2022年各镇（街道）志愿者人数
      | 镇（街道） | 人数 |
      | --- | --- |

  (the editors' handbook shows this under 报道 → 表格).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

CAPTION = re.compile(r"^表\s*[:：]\s*")


class _TableProcessor(Treeprocessor):
    def run(self, root):
        for parent in root.iter():
            children = list(parent)
            for index, table in enumerate(children):
                if table.tag != "table":
                    continue
                for cell in table.iter("th"):
                    cell.set("scope", "col")
                before = children[index - 1] if index else None
                if before is not None and before.tag == "p" and len(before) == 0 and CAPTION.match(before.text or ""):
                    caption = etree.Element("caption")
                    caption.text = CAPTION.sub("", before.text).strip()
                    table.insert(0, caption)
                    parent.remove(before)


class TableExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.treeprocessors.register(_TableProcessor(md), "wm_tables", 1)
