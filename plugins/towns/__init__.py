"""Town pages: /towns/ and /towns/<slug>/ with the institute, its villages and latest reports."""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from wenming.model import urls

LATEST = 10


class TownsGenerator(Generator):
    SIDE_OUTPUT = True  # writes what nothing else reads: in a forked process (wenming.build.side_outputs)

    def generate_output(self, writer):
        registry = self.context["WM_REGISTRY"]
        town_reports = {t.name: self.context["column"].unit_articles(t.name) for t in registry.towns}
        # counts, not the reports: a page handed reports is keyed by their summaries and bodies (render_cache)
        writer.write_file(urls.save_as(urls.TOWNS), self.get_template("towns"), self.context, towns=registry.towns,
                          report_counts={name: len(reports) for name, reports in town_reports.items()},
                          page_name="towns")
        template = self.get_template("town")
        for town in registry.towns:
            reports = town_reports[town.name]
            writer.write_file(
                urls.save_as(urls.town(town.slug)), template, self.context, town=town,
                latest=reports[:LATEST], report_count=len(reports),
                villages_with_reports={v for a in reports if (v := a.report.village)},
                page_name=f"towns/{town.slug}",
            )


def get_generators(pelican):
    return TownsGenerator


def register():
    signals.get_generators.connect(get_generators)
