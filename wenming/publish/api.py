"""Payloads of the JSON API, shared by the static API plugin and (later) the CMS's live API."""

from __future__ import annotations

import copy
import typing

from pydantic import BaseModel

from wenming.model.news import NewsItem
from wenming.model.registry import Registry
from wenming.model.urls import API
from wenming.schema.content import CONTENT_TYPES


def absolute(base_url: str, relative: str) -> str:
    return f"{base_url.rstrip('/')}/{relative}"


def news_summary(item: NewsItem) -> dict:
    return {
        "slug": item.slug,
        "title": item.title,
        "date": item.date.isoformat(),
        "units": [u.name for u in item.units],
        "towns": [u.name for u in item.towns],
        "village": item.village,
        "platform": item.platform.name if item.platform else None,
        "task": item.task.name if item.task else None,
        "kind": item.kind.name,
        "topics": [t.name for t in item.topics],
        "levels": item.levels,
        "summary": item.summary,
        "url": "/" + item.url,
        "api_url": f"/{API}news/{item.slug}.json",
    }


def news_detail(item: NewsItem) -> dict:
    return {
        **news_summary(item),
        "publications": [
            {"outlet": p.outlet, "level": p.level.name, "date": p.date.isoformat(), "url": p.url,
             "registered": p.registered}
            for p in item.publications
        ],
        "html": item.html,
    }


def units_payload(registry: Registry) -> dict:
    return {"units": [
        {
            "name": u.name, "kind": u.kind, "slug": u.slug, "aliases": list(u.aliases),
            "population": u.population, "institute": u.institute,
            "villages": [{"name": v.name, "population": v.population, "key": v.key} for v in u.villages],
        }
        for u in registry.units
    ]}


def outlets_payload(registry: Registry) -> dict:
    return {"outlets": [{"name": o.name, "level": o.level, "url": o.url, "aliases": list(o.aliases)}
                        for o in registry.outlets]}


def _registry_choices(registry: Registry) -> dict[str, tuple[list[str], bool]]:
    """Registry list name -> (canonical names, whether aliases are accepted too)."""
    return {
        "units": ([u.name for u in registry.units], True),
        "outlets": ([o.name for o in registry.outlets], True),
        "levels": (registry.level_names(), False),
        "villages": (registry.village_names(), False),
        "platforms": ([p.name for p in registry.platforms], False),
        "tasks": ([t.name for t in registry.tasks], False),
        "kinds": ([k.name for k in registry.kinds], False),
        "topics": ([t.name for t in registry.topics], False),
        "teams": ([t.name for t in registry.teams], False),
    }


def json_schema(model: type[BaseModel], registry: Registry) -> dict:
    """JSON Schema of a content type with the registry's current choices filled in.

    Lists without aliases become ``enum``; lists that accept aliases (units,
    outlets) get ``x-choices`` so that an alias stays valid. Villages depend
    on the chosen towns, so they are offered as choices only.
    """
    result = copy.deepcopy(model.model_json_schema())
    choices = _registry_choices(registry)
    for node in schema_nodes(result):
        name = node.get("x-registry")
        if name not in choices:
            continue
        values, loose = choices[name]
        target = node["items"] if node.get("type") == "array" else node
        target = next((b for b in target.get("anyOf", []) if b.get("type") == "string"), target)
        if loose or name == "villages":
            node["x-choices"] = values
        else:
            target["enum"] = values
    result["$id"] = f"/{API}schema/{schema_name(model)}.json"
    return result


def schema_nodes(node: typing.Any):
    """Every object of a JSON Schema, depth first (where registry choices are filled in)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from schema_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from schema_nodes(value)


def schema_name(model: type[BaseModel]) -> str:
    return next(name for name, m in CONTENT_TYPES.values() if m is model)
