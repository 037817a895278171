"""点服务: /services/, the service menu by platform with the order flow as a step diagram, the
services API and the JSON Schema of services.yml. Orders are not taken online."""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from wenming.build.settings import MODEL_KEY
from wenming.model import urls
from wenming.model.services import ORDER_FLOW
from wenming.output import write_json
from wenming.publish.practice_api import service_schema, services_payload


class ServicesGenerator(Generator):
    def generate_output(self, writer):
        model = self.settings[MODEL_KEY]
        registry = model.registry
        services = model.collections.get("services", [])
        menu = [(platform, [s for s in services if s.platform == platform]) for platform in registry.platforms]
        writer.write_file(urls.save_as(urls.SERVICES), self.get_template("services"), self.context,
                          menu=[(p, items) for p, items in menu if items], order_flow=ORDER_FLOW,
                          page_name="services")
        write_json(self.output_path, f"{urls.API}services.json", services_payload(registry.site, services))
        write_json(self.output_path, f"{urls.API}schema/services.json", service_schema(registry))


def get_generators(pelican):
    return ServicesGenerator


def register():
    signals.get_generators.connect(get_generators)
