"""志愿风采: the volunteer showcase /volunteers/, a page per team and per town, profile pages
and the volunteers API. Only published profiles of consenting volunteers appear anywhere."""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from wenming.build.settings import MODEL_KEY
from wenming.metrics.rankings import pinyin_order
from wenming.model import urls
from wenming.model.volunteers import star_rule
from wenming.output import write_json
from wenming.publish.practice_api import volunteer_payload


def public_volunteers(model) -> list:
    """Published, consenting profiles: most hours first, then by the pinyin of the name."""
    items = [v for v in model.collections.get("volunteers", []) if v.is_published]
    return sorted(items, key=lambda v: (-v.hours, pinyin_order(v.name)))


def reports_naming(model, volunteer) -> list:
    return [n for n in model.published_news if volunteer.slug in n.volunteers]


class VolunteersGenerator(Generator):
    def generate_output(self, writer):
        model = self.settings[MODEL_KEY]
        registry = model.registry
        volunteers = public_volunteers(model)
        projects = {p.slug: p for p in model.collections.get("projects", []) if p.is_published}
        common = {"star_max": len(registry.star_levels), "star_rule": star_rule(registry.star_levels)}
        writer.write_file(urls.save_as(urls.VOLUNTEERS), self.get_template("volunteers"), self.context,
                          volunteers=volunteers, page_name="volunteers", **common)
        group = self.get_template("volunteer_group")
        for team in registry.teams:
            url = urls.volunteer_team(team.slug)
            writer.write_file(urls.save_as(url), group, self.context, group_name=team.name, group_kind="服务队",
                              description=team.description, volunteers=[v for v in volunteers if v.team == team],
                              page_name=url.rstrip("/"), **common)
        for town in registry.towns:
            url = urls.volunteer_town(town.slug)
            writer.write_file(urls.save_as(url), group, self.context, group_name=town.name, group_kind="镇（街道）",
                              description=None, volunteers=[v for v in volunteers if v.town == town],
                              page_name=url.rstrip("/"), **common)
        profile = self.get_template("volunteer")
        payload = []
        for volunteer in volunteers:
            reports = reports_naming(model, volunteer)
            payload.append(volunteer_payload(volunteer, reports, model.images))
            joined = {n.project for n in reports if n.project in projects}
            writer.write_file(urls.save_as(volunteer.url), profile, self.context, volunteer=volunteer,
                              reports=reports,
                              projects=[p for slug, p in projects.items() if slug in joined],
                              page_name=volunteer.url.rstrip("/"), **common)
        write_json(self.output_path, f"{urls.API}volunteers.json",
                   {"star_levels": [{"stars": lv.stars, "hours": lv.hours} for lv in registry.star_levels],
                    "items": payload})


def get_generators(pelican):
    return VolunteersGenerator


def register():
    signals.get_generators.connect(get_generators)
