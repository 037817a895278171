"""Volunteer profiles (志愿风采): reading ``content/volunteers/``, consent, privacy and star levels.

A profile is public only when it is published *and* the volunteer consented;
a published profile without ``consent: true`` is a build error. The privacy
guard of ``read_source`` scans every text; this module also refuses keys that
would hold contact details (phone, ID number, address) whatever their value.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from wenming.media.markup import derive_summary, render_markdown
from wenming.model import urls
from wenming.model.references import References
from wenming.model.registry import Named, Unit
from wenming.schema.content import VolunteerProfile
from wenming.schema.registry import StarLevel
from wenming.source.slugs import SlugClaims, slug_for

VOLUNTEERS_FOLDER = "volunteers"
# Sub-pages of /volunteers/ that a profile slug must not shadow.
RESERVED_SLUGS = ("teams", "towns")
PRIVATE_KEYS = frozenset({
    "phone", "mobile", "tel", "telephone", "id", "id_number", "id_card", "idcard", "address",
    "电话", "手机", "手机号", "联系电话", "身份证", "身份证号", "住址", "地址", "家庭住址",
})
STAR_NAMES = ("未评星", "一星", "二星", "三星", "四星", "五星")


@dataclasses.dataclass
class VolunteerItem:
    """A validated volunteer profile with its registry references resolved."""

    source: Path
    slug: str
    name: str
    unit: Unit
    team: Named
    hours: int
    since: int
    stars: int
    photo: str | None
    honors: list[str]
    consent: bool
    status: str
    summary: str
    html: str

    @property
    def url(self) -> str:
        return urls.volunteer(self.slug)

    @property
    def is_published(self) -> bool:
        """Shown on the site: published and consented (a published profile without consent never loads)."""
        return self.status == "published" and self.consent

    @property
    def town(self) -> Unit | None:
        return self.unit if self.unit.is_town else None

    @property
    def star_label(self) -> str:
        return f"{STAR_NAMES[self.stars]}志愿者" if self.stars else STAR_NAMES[0]


def star_level(hours: int, levels: list[StarLevel]) -> int:
    """Stars earned by ``hours``: the highest level whose threshold is reached, 0 below the first."""
    return max((level.stars for level in levels if hours >= level.hours), default=0)


def star_rule(levels: list[StarLevel]) -> str:
    """The thresholds in words, e.g. '一星 ≥100小时；二星 ≥300小时'."""
    return "；".join(f"{STAR_NAMES[level.stars]} ≥{level.hours}小时" for level in levels)


def load_volunteers(ctx) -> None:
    """Site-model loader: every profile (drafts included, to check slugs) into ``collections['volunteers']``."""
    items: list[VolunteerItem] = []
    claims = SlugClaims(ctx.diagnostics, {slug: urls.volunteer(slug) for slug in RESERVED_SLUGS})
    for source in ctx.read_folder(VOLUNTEERS_FOLDER, VolunteerProfile):
        path, meta = source.path, source.meta
        check = References(path, source, ctx.registry, ctx.diagnostics)
        for key in source.doc.data:
            if str(key).lower() in PRIVATE_KEYS:
                check.error("E501", str(key))
        if meta.status == "published" and not meta.consent:
            check.error("E502", "consent")
        slug = slug_for(source)
        check.ok &= claims.claim(slug, source)
        unit = check.unit(meta.unit, "unit")
        team = check.named(meta.team, ctx.registry.teams, "team", "team")
        photo = check.image(meta.photo, ctx.images, "photo")
        check.body(source, ctx.markdown)
        if not check.ok:
            continue
        html = render_markdown(source.body, ctx.markdown, publish=meta.status == "published" and meta.consent)
        items.append(VolunteerItem(
            source=path, slug=slug, name=meta.name, unit=unit, team=team, hours=meta.hours, since=meta.since,
            stars=star_level(meta.hours, ctx.registry.star_levels), photo=photo, honors=meta.honors,
            consent=meta.consent, status=meta.status, summary=derive_summary(html), html=html,
        ))
    ctx.collections["volunteers"] = items
