"""Payloads of the hall's JSON API: api/v1/exhibits.json and api/v1/hall.json."""

from __future__ import annotations

from wenming.model.hall import ExhibitItem, Hall, Picture, Section


def _picture(picture: Picture | None) -> dict | None:
    if picture is None:
        return None
    return {"src": picture.src, "url": picture.full_url, "alt": picture.alt, "caption": picture.caption,
            "width": picture.width, "height": picture.height}


def exhibit_summary(item: ExhibitItem, hall: Hall) -> dict:
    return {
        "key": item.key,
        "slug": item.slug,
        "section": item.section.id,
        "title": item.title,
        "order": item.order,
        "summary": item.summary,
        "cover": _picture(item.cover),
        "url": "/" + item.url,
        "public_url": hall.public(item.url),
    }


def exhibit_detail(item: ExhibitItem, hall: Hall) -> dict:
    video = item.video
    return {
        **exhibit_summary(item, hall),
        "section_name": item.section.name,
        "images": [_picture(p) for p in item.images],
        "video": None if video is None else {
            "src": "/" + item.media_url(video.src), "title": video.title,
            "captions": "/" + item.media_url(video.captions) if video.captions else None,
        },
        "related": [{"slug": r.slug, "title": r.title, "date": r.date.isoformat(), "url": "/" + r.url}
                    for r in item.related],
        "html": item.html,
    }


def exhibits_payload(hall: Hall) -> dict:
    return {"items": [exhibit_detail(item, hall) for item in hall.exhibits]}


def _section(section: Section, hall: Hall) -> dict:
    return {
        "id": section.id,
        "name": section.name,
        "intro": section.intro,
        "order": section.order,
        "cover": _picture(section.cover),
        "url": "/" + section.url,
        "exhibits": [exhibit_summary(item, hall) for item in section.exhibits],
    }


def hall_payload(hall: Hall) -> dict:
    return {"title": hall.title, "url": "/" + hall.url, "public_url": hall.public(hall.url),
            "sections": [_section(s, hall) for s in hall.sections]}
