"""Static JSON API under /api/v1/: news, units, outlets and the JSON Schema of each content type."""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from wenming.build.fragments import kept_fragment
from wenming.build.render_cache import write_generated
from wenming.build.settings import MODEL_KEY
from wenming.model.urls import API
from wenming.output import json_bytes, json_list_bytes, json_text, write_bytes
from wenming.publish import api
from wenming.schema.content import CONTENT_TYPES


class JsonApiGenerator(Generator):
    SIDE_OUTPUT = True  # writes what nothing else reads: in a forked process (wenming.build.side_outputs)

    def generate_output(self, writer):
        model = self.settings[MODEL_KEY]
        registry = model.registry
        items = model.published_news
        # an entry shows the site's shell and its report's slug, front matter and summary: kept while those are
        entries = [kept_fragment(writer, ("news.json", i.slug, i.front_matter_digest, i.summary),
                                 lambda i=i: json_text(api.news_summary(i))) for i in items]
        write_bytes(self.output_path, f"{API}news.json", json_list_bytes("items", entries))
        for item in items:  # each report's JSON is kept from the last build when the report did not change
            write_generated(writer, f"{API}news/{item.slug}.json", lambda item=item: json_bytes(api.news_detail(item)),
                            report=item)
        # made from the code and the registry alone: kept from the last build while the site's shell is the same
        reportless = {f"{API}units.json": lambda: api.units_payload(registry),
                      f"{API}outlets.json": lambda: api.outlets_payload(registry)}
        for type_name, content_model in CONTENT_TYPES.values():
            reportless[f"{API}schema/{type_name}.json"] = lambda m=content_model: api.json_schema(m, registry)
        for name, payload in reportless.items():
            write_generated(writer, name, lambda payload=payload: json_bytes(payload()), reportless=True)


def get_generators(pelican):
    return JsonApiGenerator


def register():
    signals.get_generators.connect(get_generators)
