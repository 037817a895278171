"""Payloads of the volunteer-service JSON API (volunteers, events, projects, services, rankings),
shared by the static plugins and (later) the CMS's live API. Only public items are included."""

from __future__ import annotations

import copy

from wenming.media.images import ImageStore
from wenming.model import urls
from wenming.model.events import EventItem, signup_text
from wenming.model.projects import ProjectItem
from wenming.model.registry import Registry
from wenming.model.services import ORDER_FLOW, ServiceItem
from wenming.model.volunteers import VolunteerItem
from wenming.schema.practice import ServiceEntry
from wenming.schema.registry import SiteInfo


def volunteer_payload(item: VolunteerItem, reports: list, images: ImageStore) -> dict:
    """``photo`` is the URL of a processed variant (no EXIF or GPS data), never of the original upload."""
    return {
        "slug": item.slug, "name": item.name, "unit": item.unit.name,
        "town": item.town.name if item.town else None, "team": item.team.name, "hours": item.hours,
        "stars": item.stars, "since": item.since, "honors": item.honors,
        "photo": images.published_url(item.photo) if item.photo else None, "url": f"/{item.url}",
        "reports": [n.slug for n in reports],
    }


def event_payload(item: EventItem, site: SiteInfo) -> dict:
    return {
        "slug": item.slug, "title": item.title, "start": item.start.isoformat(), "end": item.end.isoformat(),
        "location": item.location, "organizer": item.organizer, "towns": [t.name for t in item.towns],
        "village": item.village, "platform": item.platform.name if item.platform else None,
        "project": item.project.slug if item.project else None, "volunteers_needed": item.volunteers_needed,
        "signup": signup_text(item, site), "reports": [n.slug for n in item.reports],
        "generated": item.is_generated, "url": f"/{item.url}",
    }


def project_payload(item: ProjectItem, reports: list, volunteers: list[VolunteerItem], images: ImageStore) -> dict:
    """``cover`` is the URL of a processed variant (no EXIF or GPS data), never of the original upload."""
    return {
        "slug": item.slug, "title": item.title, "owner": item.owner_unit.name if item.owner_unit
        else item.owner_platform.name, "owner_kind": item.owner_unit.kind if item.owner_unit else "platform",
        "platforms": [p.name for p in item.platforms], "years": item.years, "stage": item.stage,
        "stage_index": item.stage_index, "summary": item.summary, "volunteers_recruited": item.volunteers_recruited,
        "outcomes": item.outcomes, "cover": images.published_url(item.cover) if item.cover else None,
        "reports": [n.slug for n in reports], "volunteers": [v.slug for v in volunteers], "url": f"/{item.url}",
    }


def services_payload(site: SiteInfo, services: list[ServiceItem]) -> dict:
    return {
        "hotline": site.hotline, "wechat": site.wechat,
        "order_flow": [{"step": step, "description": text} for step, text in ORDER_FLOW],
        "services": [
            {"name": s.name, "platform": s.platform.name, "team": s.team.name if s.team else None,
             "description": s.description, "audience": s.audience, "order": list(s.order)}
            for s in services
        ],
    }


def service_schema(registry: Registry) -> dict:
    """JSON Schema of services.yml with the registry's platforms and teams as choices."""
    result = {"type": "array", "items": copy.deepcopy(ServiceEntry.model_json_schema()),
              "$id": f"/{urls.API}schema/services.json", "title": "点服务菜单（content/data/services.yml）"}
    choices = {"platforms": [p.name for p in registry.platforms], "teams": [t.name for t in registry.teams]}
    for field in result["items"]["properties"].values():
        values = choices.get(field.get("x-registry"))
        if values:
            target = next((b for b in field.get("anyOf", []) if b.get("type") == "string"), field)
            target["enum"] = values
    return result
