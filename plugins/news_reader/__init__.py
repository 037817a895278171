"""Pelican reader for our Markdown content: hands Pelican the already-validated model items.

Files are read and validated once, before Pelican runs (see wenming.site_model);
this reader only converts a model item into Pelican's (html, metadata) pair.
"""

from __future__ import annotations

import datetime
import html

from pelican import signals
from pelican.readers import BaseReader
from pelican.urlwrappers import Category
from pelican.utils import SafeDatetime

from wenming.build.settings import MODEL_KEY
from wenming.model.news import NewsItem


class ModelReader(BaseReader):
    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path):
        item = self.settings[MODEL_KEY].item_for_source(source_path)
        if item is None:
            raise ValueError(f"{source_path} is not part of the validated content model")
        metadata = {
            "title": item.title,
            "slug": item.slug,
            "summary": html.escape(item.summary),
        }
        if isinstance(item, NewsItem):
            metadata.update(
                date=SafeDatetime.combine(item.date, datetime.time(12, 0)),
                status="published" if item.is_published else "draft",
                report=item,
                category=Category("news", self.settings),
            )
        else:
            metadata.update(status="published" if item.status == "published" else "draft", entry=item)
        return item.html, metadata


def add_reader(readers):
    for extension in ModelReader.file_extensions:
        readers.reader_classes[extension] = ModelReader
    readers.reader_classes.pop("mkd", None)
    readers.reader_classes.pop("mdown", None)


def register():
    signals.readers_init.connect(add_reader)
