"""sitemap.xml of every HTML page the other generators wrote or kept (collected via content_written and the
build's content_settled), except pages
rendered with ``noindex`` (the placeholders after a list's newest archive page)."""

from __future__ import annotations

import os
from xml.sax.saxutils import escape

from pelican import signals
from pelican.generators import Generator

from wenming.build.render_cache import content_settled
from wenming.output import write_text

WRITTEN_KEY = "sitemap_written_pages"
EXCLUDED = {"404.html", "embed/latest.html"}


def record_written(path, context, **_signal):
    written = context.get(WRITTEN_KEY)
    if written is not None and path.endswith(".html") and not context.get("noindex"):
        written.append(path)


def record_settled(_writer, paths, context, **_signal):
    """Pages kept without being keyed (render_cache.content_settled): never a ``noindex`` placeholder."""
    written = context.get(WRITTEN_KEY)
    if written is not None:
        written.extend(path for path in paths if path.endswith(".html"))


def sitemap_xml(base_url: str, output_path: str, written: list[str]) -> str:
    locations = []
    top = os.path.join(os.path.realpath(output_path), "")  # Pelican writes to resolved paths
    for path in sorted(set(written)):
        # a slice rather than relpath (~30 µs a page, 15,000 pages at 10,000 reports)
        relative = path[len(top):] if path.startswith(top) else os.path.relpath(path, output_path)
        relative = relative.replace(os.sep, "/")
        if relative in EXCLUDED:
            continue
        url = relative.removesuffix("index.html")
        locations.append(f"  <url><loc>{escape(base_url.rstrip('/') + '/' + url)}</loc></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(locations) + "\n</urlset>\n")


class SitemapGenerator(Generator):
    READS_ALL_OUTPUT = True  # after the side outputs are in (wenming.build.side_outputs)

    def generate_context(self):
        # A list in the shared context: the writer's per-page context copies share it.
        self.context[WRITTEN_KEY] = []

    def generate_output(self, writer):
        text = sitemap_xml(self.settings["SITE_BASE_URL"], self.output_path, self.context[WRITTEN_KEY])
        write_text(self.output_path, "sitemap.xml", text)


def get_generators(pelican):
    return SitemapGenerator


def register():
    signals.get_generators.connect(get_generators)
    signals.content_written.connect(record_written)
    content_settled.connect(record_settled)
