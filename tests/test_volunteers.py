"""Volunteer profiles: consent, privacy, star levels, registry references and the news cross-links."""

from __future__ import annotations

import pytest
from sitekit import news, project, volunteer, write_content, write_news, write_picture, write_stars
from test_privacy import VALID_ID

from wenming.model.site import load_site
from wenming.model.volunteers import star_level, star_rule
from wenming.schema.registry import StarLevel

LEVELS = [StarLevel(stars=s, hours=h) for s, h in ((1, 100), (2, 300), (3, 600), (4, 1000), (5, 1500))]


def check(content, profiles: dict[str, str], reports: dict[str, str] | None = None):
    for name, text in profiles.items():
        write_content(content, "volunteers", name, text)
    for name, text in (reports or {}).items():
        write_news(content, name, text)
    model, diagnostics = load_site(content)
    return model, [d.format() for d in diagnostics.sorted()]


def errors(messages) -> list[str]:
    return [m for m in messages if ": error" in m]


@pytest.mark.parametrize("hours, stars", [
    (0, 0), (99, 0), (100, 1), (299, 1), (300, 2), (999, 3), (1000, 4), (1499, 4), (1500, 5), (20000, 5),
])
def test_star_level_boundaries(hours, stars):
    assert star_level(hours, LEVELS) == stars


def test_star_rule_in_words():
    assert star_rule(LEVELS[:2]) == "一星 ≥100小时；二星 ≥300小时"


def test_valid_profile_is_resolved_against_the_registry(content):
    write_stars(content)
    model, messages = check(content, {"wang-xiaomei.md": volunteer(unit="城北", hours=1500, honors="[县级优秀志愿者]")})
    assert messages == []
    [item] = model.collections["volunteers"]
    assert (item.slug, item.name, item.unit.name, item.town.name, item.team.name) == (
        "wang-xiaomei", "王小梅", "城北街道", "城北街道", "理论宣讲志愿服务队")
    assert (item.hours, item.stars, item.star_label, item.honors) == (1500, 5, "五星志愿者", ["县级优秀志愿者"])
    assert item.is_published and item.url == "volunteers/wang-xiaomei/"
    assert item.html == "<p>退休教师，常年在社区开展理论宣讲。</p>"


def test_stars_need_the_registry_file(content):
    model, messages = check(content, {"a.md": volunteer(hours=1500)})
    assert messages == [] and model.registry.star_levels == []
    assert model.collections["volunteers"][0].stars == 0


def test_published_profile_without_consent_is_an_error(content):
    _, messages = check(content, {"a.md": volunteer(consent="false")})
    assert messages == [
        "content/volunteers/a.md:7: error[E502]: consent: a published profile needs consent: true, set only when the "
        "volunteer has agreed in writing to publish it; until then keep status: draft"]


def test_consent_left_out_counts_as_no_consent(content):
    _, messages = check(content, {"a.md": volunteer(consent=None)})
    assert errors(messages) == [
        "content/volunteers/a.md:2: error[E502]: consent: a published profile needs consent: true, set only when the "
        "volunteer has agreed in writing to publish it; until then keep status: draft"]


@pytest.mark.parametrize("status", ["draft", "review"])
def test_unpublished_profile_without_consent_loads_but_is_not_public(content, status):
    model, messages = check(content, {"a.md": volunteer(consent="false", status=status)})
    assert messages == []
    assert model.collections["volunteers"][0].is_published is False


def test_mobile_number_in_the_bio_is_an_error_at_its_line(content):
    _, messages = check(content, {"a.md": volunteer(body="热心公益。\n\n联系电话 13912345678。")})
    assert errors(messages) == [
        "content/volunteers/a.md:12: error[E802]: body: contains a mobile phone number (139****5678); personal ID and "
        "phone numbers must never be published: remove it (use the center's public hotline for contact)"]


def test_id_number_in_honors_is_an_error(content):
    _, messages = check(content, {"a.md": volunteer(honors=f"[身份证{VALID_ID}]")})
    [error] = errors(messages)
    assert error.startswith("content/volunteers/a.md:8: error[E801]: honors.0: contains a resident ID number")
    assert VALID_ID not in error


def test_contact_fields_are_refused_whatever_their_value(content):
    _, messages = check(content, {"a.md": volunteer(phone="0916-7654321", 住址="城北街道某小区")})
    advice = ("volunteer profiles must not hold phone numbers, ID numbers or addresses; remove this field "
              "(the public contact is the center's hotline)")
    assert errors(messages) == [f"content/volunteers/a.md:8: error[E501]: phone: {advice}",
                                f"content/volunteers/a.md:9: error[E501]: 住址: {advice}"]


@pytest.mark.parametrize("field, value, expected", [
    ("unit", "城北街办", "3: error[E201]: unit: 城北街办 is not a registry unit; did you mean 城北街道? "
                        "(see content/data/units.yml)"),
    ("team", "理论宣讲队", "4: error[E202]: team: 理论宣讲队 is not a county volunteer team; did you mean "
                          "理论宣讲志愿服务队? (allowed: 理论宣讲志愿服务队)"),
    ("hours", "12.5", "5: error[E012]: hours: 12.5 must be a whole number"),
    ("since", "去年", "6: error[E012]: since: 去年 must be a whole number"),
])
def test_field_errors(content, field, value, expected):
    _, messages = check(content, {"a.md": volunteer(**{field: value})})
    assert errors(messages) == [f"content/volunteers/a.md:{expected}"]


def test_photo_must_exist_and_be_an_image(content):
    write_picture(content, "images/volunteers/a.png", size=(200, 200))
    model, messages = check(content, {"a.md": volunteer(photo="images/volunteers/a.png")})
    assert messages == [] and model.collections["volunteers"][0].photo == "images/volunteers/a.png"
    _, messages = check(content, {"a.md": volunteer(photo="images/volunteers/none.png")})
    assert errors(messages) == ["content/volunteers/a.md:8: error[E301]: photo: image images/volunteers/none.png does not "
                                "exist (paths are relative to content/)"]


def test_reserved_and_duplicate_slugs(content):
    _, messages = check(content, {"teams.md": volunteer(), "a.md": volunteer(), "b.md": volunteer(slug="a")})
    assert errors(messages) == [
        "content/volunteers/b.md:8: error[E401]: slug: slug a is already used by content/volunteers/a.md; "
        "slugs must be unique",
        "content/volunteers/teams.md:2: error[E402]: slug: slug teams is reserved for /volunteers/teams/; "
        "choose another slug",
    ]


def test_report_naming_an_unknown_volunteer_names_the_file_and_slug(content):
    _, messages = check(content, {"wang-xiaomei.md": volunteer()},
                        {"2022/report.md": news(volunteers="[wang-xiaomai]")})
    assert errors(messages) == [
        "content/news/2022/report.md:5: error[E205]: volunteers.0: wang-xiaomai is not a volunteer profile slug; "
        "did you mean wang-xiaomei? (see content/volunteers/)"]


def test_report_naming_an_unknown_project(content):
    write_content(content, "projects", "chaxiang-weijiangtang.md", project())
    _, messages = check(content, {}, {"2022/report.md": news(project="chaxiang-weijiangtan")})
    assert errors(messages) == [
        "content/news/2022/report.md:5: error[E205]: project: chaxiang-weijiangtan is not a brand project slug; "
        "did you mean chaxiang-weijiangtang? (see content/projects/)"]


def test_reports_may_name_known_volunteers_and_projects(content):
    write_content(content, "projects", "chaxiang-weijiangtang.md", project())
    model, messages = check(content, {"wang-xiaomei.md": volunteer(), "li-si.md": volunteer(name="李四")},
                            {"2022/report.md": news(project="chaxiang-weijiangtang",
                                                    volunteers="[wang-xiaomei, li-si]")})
    assert messages == []
    assert (model.news[0].project, model.news[0].volunteers) == ("chaxiang-weijiangtang", ["wang-xiaomei", "li-si"])


@pytest.mark.parametrize("levels, expected", [
    ("[{stars: 1, hours: 100}, {stars: 2, hours: 100}]",
     "error[E036]: levels.1: 2 stars need 100 h, which is not more than the 100 h of 1 stars; hours must increase"),
    ("[{stars: 2, hours: 300}]",
     "error[E035]: levels.0: level 1 has 2 stars; list the levels from 1 star upwards, one star at a time"),
    ("[{stars: 1, hours: 0}]", "error[E019]: levels.0.hours: 0 is too small (at least 1)"),
])
def test_star_levels_file_errors(content, levels, expected):
    write_stars(content, f"levels: {levels}\n")
    _, messages = check(content, {})
    assert messages == [f"content/data/stars.yml:1: {expected}"]
