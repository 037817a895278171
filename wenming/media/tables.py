"""Tables written in Markdown get what tables need to be read aloud: a caption and header scopes.

* Each header cell (``th`` of the head row) gets ``scope="col"``.
* A paragraph right before a table that starts with 表：(or 表:) becomes the table's ``<caption>``:

      表：2022年各镇（街道）志愿者人数
      | 镇（街道） | 人数 |
      | --- | --- |

  (the editors' handbook shows this under 写内容 → 表格).
* The table is wrapped in ``<div class="table-scroll">`` (the site's style): on a phone a wide table scrolls
  sideways in its box instead of widening the page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

CAPTION = re.compile(r"^表\s*[:：]\s*")


class _TableProcessor(Treeprocessor):
    def run(self, root):
        # Found first, changed after: the tree is not walked while tables are being moved into their boxes.
        found = [(parent, table) for parent in root.iter() for table in parent if table.tag == "table"]
        for parent, table in found:
            for cell in table.iter("th"):
                cell.set("scope", "col")
            index = list(parent).index(table)
            before = parent[index - 1] if index else None
            if before is not None and before.tag == "p" and len(before) == 0 and CAPTION.match(before.text or ""):
                caption = etree.Element("caption")
                caption.text = CAPTION.sub("", before.text).strip()
                table.insert(0, caption)
                parent.remove(before)
                index -= 1
            wrapper = etree.Element("div", {"class": "table-scroll"})
            parent.remove(table)
            parent.insert(index, wrapper)
            wrapper.append(table)


class TableExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.treeprocessors.register(_TableProcessor(md), "wm_tables", 1)
