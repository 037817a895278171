"""Quota rules: a partial ``kinds:`` block keeps the other defaults, a platform lead written as an alias
still gets its targets, and the quota file's coded messages (also in Chinese)."""

from __future__ import annotations

import datetime

from sitekit import QUOTA_2022, news, project, write_content, write_news, write_quota, write_registry

from wenming.metrics.quotas import QuotaCalculator
from wenming.model.site import load_site

YEAR_END = datetime.date(2022, 12, 31)
KINDS_WITH_COURSE = """\
    - {name: 活动, default: true}
    - name: 微讲堂
    - name: 培训
    - name: 集中培训
    """


def load(content, rules: str):
    write_quota(content, rules)
    model, diagnostics = load_site(content)
    return model, [d.format() for d in diagnostics.sorted()]


def quota_report(model):
    return QuotaCalculator(model.registry, model.extras["quota_rules"][2022], model.news, YEAR_END,
                           projects=model.collections.get("projects")).report()


def with_kinds(block: str) -> str:
    return QUOTA_2022.replace("targets:", f"{block}\ntargets:")


def test_a_kinds_block_naming_one_kind_keeps_the_default_of_the_other(tmp_path):
    content = write_registry(tmp_path / "content", kinds_yml=KINDS_WITH_COURSE)
    write_news(content, "t.md", news(slug="t", kind="集中培训", units="杨河镇"))
    write_news(content, "p.md", news(slug="p", kind="培训", units="杨河镇"))
    write_news(content, "w.md", news(slug="w", kind="微讲堂", village="北关社区"))
    model, messages = load(content, with_kinds("kinds: {training: 集中培训}"))
    assert messages == []
    assert model.extras["quota_rules"][2022].kinds == {"training": "集中培训", "weijiangtang": "微讲堂"}
    units = {u.unit.name: u for u in quota_report(model).units}
    assert [c.item.slug for c in units["杨河镇"].metrics["training"].counted] == ["t"]
    coverage = units["城北街道"].metrics["weijiangtang.coverage"]
    assert (coverage.numerator, coverage.denominator) == (1, 4)


def test_without_a_kinds_block_the_defaults_apply(content):
    model, messages = load(content, QUOTA_2022)
    assert messages == []
    assert model.extras["quota_rules"][2022].kinds == {"training": "培训", "weijiangtang": "微讲堂"}


def test_a_kind_written_under_kinds_must_be_a_registry_kind(content):
    _, messages = load(content, with_kinds("kinds: {weijiangtang: 微讲坛}"))
    assert messages == [
        "content/data/quotas/2022.yml:4: error[E705]: kinds.weijiangtang: 微讲坛 is not a report kind; "
        "did you mean 微讲堂? (allowed: 活动, 微讲堂, 培训)"]


def test_a_default_kind_missing_from_the_registry_is_reported_where_a_target_needs_it(tmp_path):
    content = write_registry(tmp_path / "content", kinds_yml="- {name: 活动, default: true}\n- name: 培训\n")
    _, messages = load(content, QUOTA_2022)
    assert messages == [
        "content/data/quotas/2022.yml:9: error[E706]: targets.weijiangtang.coverage: weijiangtang.coverage counts "
        "reports of the default kind 微讲堂, which is not a report kind; name the kind under kinds.weijiangtang "
        "(allowed: 活动, 培训)"]
    without_coverage = QUOTA_2022.replace("  weijiangtang.coverage: {target: 0.3}\n", "")
    model, messages = load(content, without_coverage)
    assert messages == [] and model is not None


def test_a_platform_lead_written_as_an_alias_gets_the_platform_lead_targets(tmp_path):
    platforms = "- {name: 理论宣讲, lead: 县新时代文明实践中心}\n- {name: 卫生健康, lead: 县卫生健康局}\n"
    content = write_registry(tmp_path / "content", platforms_yml=platforms)
    write_content(content, "projects", "a.md", project(title="健康行", owner="卫生健康", platforms="[卫生健康]"))
    model, messages = load(content, QUOTA_2022)
    assert messages == []
    units = {u.unit.name: u for u in quota_report(model).units}
    brand = units["县卫健局"].metrics.get("projects.brand")  # 县卫生健康局 is an alias of 县卫健局
    assert brand is not None
    assert (brand.actual, brand.note, brand.status) == (1, "健康行", "met")


def test_a_unit_leading_two_platforms_counts_the_projects_of_both(tmp_path):
    platforms = "- {name: 理论宣讲, lead: 县卫健局}\n- {name: 卫生健康, lead: 县卫生健康局}\n"
    content = write_registry(tmp_path / "content", platforms_yml=platforms)
    write_content(content, "projects", "a.md", project(title="茶乡微讲堂"))
    write_content(content, "projects", "b.md", project(title="健康行", owner="卫生健康", platforms="[卫生健康]"))
    model, messages = load(content, QUOTA_2022)
    assert messages == []
    units = {u.unit.name: u for u in quota_report(model).units}
    assert units["县卫健局"].metrics["projects.brand"].actual == 2
    assert "projects.brand" not in units["县新时代文明实践中心"].metrics


def test_quota_messages_in_chinese(content, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    _, messages = load(content, with_kinds("kinds: {weijiangtang: 微讲坛}"))
    assert messages == [
        "content/data/quotas/2022.yml:4: error[E705]: kinds.weijiangtang: “微讲坛”不是登记的报道类型。"
        "您是不是要写“微讲堂”？可用的类型有：活动、微讲堂、培训（见 content/data/kinds.yml）。"]
    _, messages = load(content, QUOTA_2022.replace("{target: 0.3}", "{target: 30}"))
    assert messages == ["content/data/quotas/2022.yml:9: error[E703]: targets.weijiangtang.coverage.target: "
                        "“30.0”是比例指标，目标值必须在 0 到 1 之间（30% 请写成 0.3）。"]

