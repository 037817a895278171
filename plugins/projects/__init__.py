"""品牌项目: /projects/ with each project's five-step lifecycle, a page per project (its reports,
volunteers, activities and yearly counts) and the projects API."""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from wenming.build.settings import MODEL_KEY
from wenming.metrics.rankings import pinyin_order
from wenming.model import urls
from wenming.model.events import reference_moment, signup_text
from wenming.model.projects import project_years
from wenming.output import write_json
from wenming.publish.practice_api import project_payload
from wenming.schema.practice import STAGES


def public_projects(model) -> list:
    """Published projects: those of the five platforms first, then of towns and departments, each in
    registry order, then by the pinyin of the title."""
    registry = model.registry
    platforms, units = [p.name for p in registry.platforms], [u.name for u in registry.units]

    def order(project):
        owner = (0, platforms.index(project.owner_platform.name)) if project.owner_platform \
            else (1, units.index(project.owner_unit.name))
        return (*owner, pinyin_order(project.title))

    return sorted((p for p in model.collections.get("projects", []) if p.is_published), key=order)


class ProjectsGenerator(Generator):
    def generate_output(self, writer):
        model = self.settings[MODEL_KEY]
        projects = public_projects(model)
        volunteers = {v.slug: v for v in model.collections.get("volunteers", []) if v.is_published}
        events = model.collections.get("events", [])
        writer.write_file(urls.save_as(urls.PROJECTS), self.get_template("projects"), self.context,
                          projects=projects, STAGES=STAGES, page_name="projects")
        template = self.get_template("project")
        payload = []
        for project in projects:
            reports = [n for n in model.published_news if n.project == project.slug]
            named = [volunteers[s] for s in dict.fromkeys(s for n in reports for s in n.volunteers) if s in volunteers]
            own_events = [e for e in events if e.project is project and e.is_published]
            payload.append(project_payload(project, reports, named, model.images))
            writer.write_file(
                urls.save_as(project.url), template, self.context, project=project, STAGES=STAGES,
                reports=reports, volunteers=named,
                activities=[e for e in own_events if not e.is_generated],
                years=project_years(project, reports, own_events, set(volunteers)),
                now=reference_moment(model.as_of), signup_text=signup_text,
                page_name=project.url.rstrip("/"),
            )
        write_json(self.output_path, f"{urls.API}projects.json", {"stages": list(STAGES), "items": payload})


def get_generators(pelican):
    return ProjectsGenerator


def register():
    signals.get_generators.connect(get_generators)
