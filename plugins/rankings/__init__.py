"""实践排行: /rankings/ and /rankings/<year>/ (towns, volunteers and teams, ties ranked 1, 2, 2, 4,
the method stated on the page) and the rankings API."""

from __future__ import annotations

import datetime

from pelican import signals
from pelican.generators import Generator

from wenming.build.settings import MODEL_KEY
from wenming.metrics.rankings import TIE_RULE, ranking_years, year_rankings
from wenming.model import urls
from wenming.output import write_json


class RankingsGenerator(Generator):
    SIDE_OUTPUT = True  # writes what nothing else reads: in a forked process (wenming.build.side_outputs)

    def generate_output(self, writer):
        model = self.settings[MODEL_KEY]
        years = ranking_years(model)
        today = datetime.date.today()
        writer.write_file(urls.save_as(urls.RANKINGS), self.get_template("rankings"), self.context,
                          ranking_years=years, TIE_RULE=TIE_RULE, page_name="rankings")
        write_json(self.output_path, f"{urls.API}rankings.json",
                   {"years": [{"year": y, "url": f"/{urls.API}rankings/{y}.json"} for y in years]})
        template = self.get_template("rankings_year")
        for year in years:
            rankings = year_rankings(model, year, today)
            url = urls.rankings_year(year)
            writer.write_file(urls.save_as(url), template, self.context, rankings=rankings, ranking_years=years,
                              TIE_RULE=TIE_RULE, page_name=url.rstrip("/"))
            write_json(self.output_path, f"{urls.API}rankings/{year}.json", rankings.as_json())


def get_generators(pelican):
    return RankingsGenerator


def register():
    signals.get_generators.connect(get_generators)
