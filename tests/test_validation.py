"""Every validation message: file, line, field, what was wrong, what is allowed."""

from __future__ import annotations

import pytest
from conftest import only_error
from sitekit import news, write_news, write_registry
from test_privacy import VALID_ID

from wenming.model.site import load_site


def check(content, text: str | bytes, name: str = "2022/report.md"):
    write_news(content, name, text)
    model, diagnostics = load_site(content)
    return model, [d.format() for d in diagnostics.sorted()]


def test_valid_report_has_no_diagnostics(content):
    model, messages = check(content, news(village="北关社区", platform="理论宣讲", kind="微讲堂",
                                           topics="[国际志愿者日]", publications="[{outlet: 融媒}]"))
    assert messages == []
    item = model.news[0]
    assert [u.name for u in item.units] == ["城北街道"]
    assert item.publications[0].outlet == "西乡融媒" and item.publications[0].level.name == "县级"
    assert item.kind.name == "微讲堂"


def test_unknown_unit_names_line_field_and_suggestion(content):
    _, messages = check(content, news(units="[城北街办]"))
    assert only_error(messages) == (
        "content/news/2022/report.md:4: error[E201]: units.0: 城北街办 is not a registry unit; did you mean 城北街道? "
        "(see content/data/units.yml)"
    )


def test_aliases_are_normalised(content):
    model, messages = check(content, news(units="[城北, 县卫生健康局]"))
    assert messages == []
    assert [u.name for u in model.news[0].units] == ["城北街道", "县卫健局"]


def test_unknown_key_is_a_warning_with_suggestion(content):
    model, messages = check(content, news(tilte="错字"))
    assert model is not None
    assert messages == ["content/news/2022/report.md:5: warning[W003]: tilte: unknown key is ignored; did you mean title?"]


@pytest.mark.parametrize("text, expected", [
    ("---\ndate: 2022-05-12\nunits: 城北街道\n---\n正文\n", "content/news/2022/report.md:2: error[E010]: title: is required"),
    (news(date="2022-5-12"), "content/news/2022/report.md:3: error[E017]: date: 2022-5-12 must be a date written YYYY-MM-DD"),
    (news(date="2022-02-30"), "content/news/2022/report.md:3: error[E017]: date: 2022-02-30 must be a date written YYYY-MM-DD"),
    (news(status="published-now"), "content/news/2022/report.md:5: error[E021]: status: published-now is not allowed; "
                                   "allowed: published, review, draft"),
    (news(slug="城北-1"), "content/news/2022/report.md:5: error[E022]: slug: 城北-1 is not a valid slug: use only "
                         "lowercase letters a-z, digits and single hyphens, e.g. chengbei-jiedao"),
])
def test_structural_errors(content, text, expected):
    _, messages = check(content, text)
    assert only_error(messages) == expected


@pytest.mark.parametrize("field, value, expected", [
    ("platform", "理论宣传", "error[E202]: platform: 理论宣传 is not a platform; did you mean 理论宣讲? (allowed: 理论宣讲, 卫生健康)"),
    ("task", "移风易俗", "error[E202]: task: 移风易俗 is not a task; did you mean 持续深化移风易俗? (allowed: 学习实践科学理论, 持续深化移风易俗)"),
    ("kind", "讲座", "error[E202]: kind: 讲座 is not a report kind (allowed: 活动, 微讲堂, 培训)"),
    ("topics", "[志愿者日]", "error[E202]: topics.0: 志愿者日 is not a special topic; did you mean 国际志愿者日? (allowed: 五知五行·知行合一, 国际志愿者日)"),
])
def test_registry_reference_errors(content, field, value, expected):
    _, messages = check(content, news(**{field: value}))
    assert only_error(messages) == f"content/news/2022/report.md:5: {expected}"


def test_village_must_belong_to_a_listed_town(content):
    _, messages = check(content, news(village="杨河村"))
    assert only_error(messages) == (
        "content/news/2022/report.md:5: error[E208]: village: 杨河村 is not a village or community of 城北街道"
    )
    _, messages = check(content, news(village="北关"))
    assert only_error(messages).endswith("village: 北关 is not a village or community of 城北街道; did you mean 北关社区?")


def test_village_without_a_town(content):
    _, messages = check(content, news(units="县卫健局", village="北关社区"))
    assert "village: 北关社区 is given but no town is listed in units" in only_error(messages)


def test_unregistered_outlet_needs_a_level(content):
    text = news(publications="\n  - outlet: 西乡融媒\n  - outlet: 汉中晚报")
    _, messages = check(content, text)
    assert only_error(messages) == (
        "content/news/2022/report.md:7: error[E209]: publications.1.outlet: outlet 汉中晚报 is not in the registry; "
        "did you mean 汉中日报?; if it is another outlet, add its level (中央, 省级, 市级, 县级)"
    )
    model, messages = check(content, news(publications="\n  - outlet: 汉中晚报\n    level: 市级"))
    assert messages == [] and model.news[0].publications[0].level.key == "municipal"


def test_unknown_level(content):
    _, messages = check(content, news(publications="\n  - outlet: 某报\n    level: 国家级"))
    assert only_error(messages) == (
        "content/news/2022/report.md:7: error[E210]: publications.0.level: 国家级 is not a media level; "
        "allowed: 中央, 省级, 市级, 县级"
    )


def test_publication_before_the_report_is_a_warning(content):
    _, messages = check(content, news(publications="\n  - outlet: 西乡融媒\n    date: 2022-05-01"))
    assert messages == ["content/news/2022/report.md:7: warning[W202]: publications.0.date: "
                        "publication date 2022-05-01 is before the report date 2022-05-12"]


def test_duplicate_slug_names_both_files(content):
    write_news(content, "2022/first.md", news(slug="same-slug"))
    _, messages = check(content, news(slug="same-slug"), name="2022/second.md")
    assert only_error(messages) == (
        "content/news/2022/second.md:5: error[E401]: slug: slug same-slug is already used by "
        "content/news/2022/first.md; slugs must be unique"
    )


def test_id_number_in_body_is_an_error_with_its_line(content):
    _, messages = check(content, news(body=f"第一段。\n\n受助群众身份证号{VALID_ID}。"))
    error = only_error(messages)
    assert error.startswith("content/news/2022/report.md:9: error[E801]: body: contains a resident ID number")
    assert VALID_ID not in error


def test_mobile_number_in_front_matter_is_an_error_with_its_line(content):
    _, messages = check(content, news(summary="报名电话13812345678"))
    assert only_error(messages).startswith(
        "content/news/2022/report.md:5: error[E802]: summary: contains a mobile phone number (138****5678)")


def test_broken_yaml_gets_the_line(content):
    _, messages = check(content, "---\ntitle: 标题\nunits: [城北街道\ndate: 2022-05-12\n---\n")
    assert only_error(messages).startswith("content/news/2022/report.md:4: error[E003]: YAML syntax error")


def test_gbk_file_is_decoded_with_a_warning(content):
    model, messages = check(content, news(title="城北街道宣讲").encode("gbk"))
    assert model.news[0].title == "城北街道宣讲"
    assert messages == ["content/news/2022/report.md: warning[W002]: file is saved as GBK/GB18030 (e.g. by a Windows "
                        "editor); it was decoded, but please save it as UTF-8"]


def test_bom_and_crlf_are_accepted(content):
    model, messages = check(content, ("\ufeff" + news()).replace("\n", "\r\n").encode("utf-8"))
    assert messages == [] and model.news[0].title == "城北街道开展宣讲活动"


def test_binary_file_is_rejected_clearly(content):
    _, messages = check(content, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x80")
    assert "is not valid UTF-8 and the file is not GBK/GB18030 Chinese text either" in only_error(messages)


def test_missing_cover_image(content):
    _, messages = check(content, news(cover="images/none.jpg"))
    assert "cover: image images/none.jpg does not exist" in only_error(messages)


def test_all_errors_of_all_files_are_reported_in_one_run(content):
    write_news(content, "2022/a.md", news(units="不存在的镇"))
    write_news(content, "2022/b.md", news(platform="不存在", slug="b"))
    _, messages = check(content, news(date="昨天"), name="2022/c.md")
    assert [m.split(":")[0] for m in messages if ": error" in m] == [
        "content/news/2022/a.md", "content/news/2022/b.md", "content/news/2022/c.md"]


def test_registry_errors_name_the_registry_file(tmp_path):
    content = write_registry(tmp_path / "content", units_yml="""\
        towns:
          - name: 城北街道
            aliases: [城北]
          - name: 城南街道
            aliases: [城北]
        departments:
          - name: 县卫健局
          - name: 县新时代文明实践中心
        """)
    _, messages = check(content, news())
    assert only_error(messages) == (
        "content/data/units.yml:5: error[E108]: aliases: 城北 already names 城北街道; names and aliases must be unique")


def test_registry_platform_lead_must_be_a_unit(tmp_path):
    content = write_registry(tmp_path / "content", platforms_yml="- {name: 理论宣讲, lead: 县委宣传}\n")
    _, messages = check(content, news())
    assert only_error(messages) == (
        "content/data/platforms.yml:1: error[E107]: lead: 县委宣传 is not a registry department")


def test_missing_registry_file(content):
    (content / "data" / "outlets.yml").unlink()
    _, messages = check(content, news())
    assert only_error(messages) == "content/data/outlets.yml: error[E101]: registry file is missing"
