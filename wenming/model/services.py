"""The service menu (点服务) in ``content/data/services.yml`` and the order flow it follows.

Residents order by the center's public hotline or WeChat account (from
``site.yml``) or on the platform of record; the site takes no orders itself.
"""

from __future__ import annotations

import dataclasses

from wenming.model.references import References
from wenming.model.registry import Named
from wenming.schema.practice import ORDER_CHANNEL_LABELS, ServiceEntry
from wenming.source.datafile import load_data_file

SERVICES_FILE = "data/services.yml"
# The order flow of the cloud platform (西实践发〔2022〕3号 第8条): (step, what happens).
ORDER_FLOW = (
    ("群众点单", "群众通过服务热线、微信公众号或村（社区）实践站提出服务需求。"),
    ("中心制单", "县新时代文明实践中心汇总需求，对照服务菜单生成服务订单。"),
    ("所站派单", "镇（街道）实践所、村（社区）实践站把订单派给相应的志愿服务队。"),
    ("志愿者接单", "志愿服务队和志愿者在志愿服务平台上接单，确定时间和人员。"),
    ("项目实施", "志愿者按约定的时间和地点上门或到站开展服务。"),
    ("综合评估", "群众评价服务效果，中心综合评估并记录志愿服务时长。"),
)


@dataclasses.dataclass(frozen=True)
class ServiceItem:
    name: str
    platform: Named
    team: Named | None
    description: str
    audience: str | None
    order: tuple[str, ...]

    @property
    def order_labels(self) -> list[str]:
        return [ORDER_CHANNEL_LABELS[channel] for channel in self.order]


def load_services(ctx) -> None:
    """Site-model loader: the menu into ``collections['services']`` (empty when there is no services.yml)."""
    path = ctx.content_dir / SERVICES_FILE
    ctx.collections["services"] = []
    if not path.is_file():
        return
    loaded = load_data_file(path, list[ServiceEntry], ctx.diagnostics)
    if loaded is None:
        return
    entries, doc = loaded
    site = ctx.registry.site
    contacts = {"hotline": site.hotline, "wechat": site.wechat}
    services = []
    for index, entry in enumerate(entries):
        check = References(path, doc, ctx.registry, ctx.diagnostics, prefix=(index,))
        if entry.name in (s.name for s in services):
            check.error("E504", "name", name=entry.name)
        platform = check.named(entry.platform, ctx.registry.platforms, "platform", "platform")
        team = check.named(entry.team, ctx.registry.teams, "team", "team")
        for position, channel in enumerate(entry.order or ()):
            if channel in contacts and not contacts[channel]:
                check.error("E505", "order", position, channel=channel)
        order = entry.order or [channel for channel, contact in contacts.items() if contact] or ["platform"]
        if check.ok:
            services.append(ServiceItem(entry.name, platform, team, entry.description, entry.audience,
                                        tuple(order)))
    ctx.collections["services"] = services
