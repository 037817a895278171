"""The coded messages of reading and validating files: one code per kind of problem, in Chinese and English."""

from __future__ import annotations

import pytest
from conftest import only_error
from sitekit import event, news, project, write_content, write_hall, write_news, write_registry, write_services

from wenming.model.site import load_site
from wenming.source.messages import catalog


def check(content, text: str | None = None, name: str = "2022/report.md") -> list[str]:
    if text is not None:
        write_news(content, name, text)
    _, diagnostics = load_site(content)
    return [d.format() for d in diagnostics.sorted()]


def test_source_and_privacy_codes_are_in_their_ranges_with_matching_placeholders():
    messages = [m for m in catalog().values() if m.area in ("source", "privacy")]
    assert {m.key for m in messages if m.is_code} >= {"E001", "E010", "E022", "E030", "E801", "E802", "W003"}
    for message in messages:
        assert message.placeholders("zh") == message.placeholders("en"), message.key
        if not message.is_code:
            assert message.key.startswith("source."), message.key
            continue
        number = int(message.key[1:])
        assert 1 <= number <= 99 if message.area == "source" else 801 <= number <= 849, message.key
        assert message.fix, message.key


def test_slug_error_is_explained_in_chinese(content, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert only_error(check(content, news(slug="城北-1"))) == (
        "content/news/2022/report.md:5: error[E022]: slug: 网址名“城北-1”不符合要求：只能用小写英文字母 a-z、数字和"
        "单个连字符“-”，不能用汉字、空格或大写字母，连字符不能在开头或结尾，例如 chengbei-jiedao。")


def test_status_error_lists_the_allowed_values_in_chinese(content, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert only_error(check(content, news(status="已发布"))) == (
        "content/news/2022/report.md:5: error[E021]: status: “已发布”不是可选的值。只能填：published、review、draft。")


def test_privacy_and_control_character_messages_in_chinese(content, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert only_error(check(content, news(summary="报名电话13812345678"))) == (
        "content/news/2022/report.md:5: error[E802]: summary: 这里有手机号码（138****5678）。个人手机号属于个人隐私，"
        "不能公开发布，请删掉；需要联系方式时请写中心或单位的服务热线。")
    assert only_error(check(content, news(summary='"摘要\\0"'))).startswith(
        "content/news/2022/report.md:5: error[E030]: summary: 含有不可见的控制字符 U+0000，")


def test_missing_field_and_bad_date_in_chinese(content, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert only_error(check(content, "---\ndate: 2022-05-12\nunits: 城北街道\n---\n正文\n")) == (
        "content/news/2022/report.md:2: error[E010]: title: 这一项必须填写。")
    write_news(content, "2022/report.md", news(date="2022-5-12"))
    assert only_error(check(content)) == (
        "content/news/2022/report.md:3: error[E017]: date: “2022-5-12”不是有效的日期。日期要写成 YYYY-MM-DD，"
        "月和日不足两位时前面补 0，例如 2022-05-12。")


def test_unknown_key_warning_in_chinese(content, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    assert check(content, news(tilte="错字")) == [
        "content/news/2022/report.md:5: warning[W003]: tilte: 系统不认识这个字段名，它的内容不会被使用。您是不是要写“title”？"]


@pytest.mark.parametrize("fields, expected", [
    ({"title": "2022"}, "2: error[E011]: title: 2022 must be text"),
    ({"units": "{a: 1}"}, "4: error[E015]: units: must be a list (e.g. [a, b] or one '- item' per line)"),
    ({"publications": "[西乡融媒]"}, "5: error[E016]: publications.0: 西乡融媒 must be a block of 'key: value' fields"),
    ({"date": "2022-05-12 09:30"}, "3: error[E018]: date: 2022-05-12 09:30 must be a date without a time, "
                                   "written YYYY-MM-DD"),
    ({"title": '""'}, "2: error[E020]: title: must not be empty"),
    ({"publications": "[{outlet: 融媒, url: www.xixiang.cn}]"},
     "5: error[E023]: publications.0.url: www.xixiang.cn is not a web address: it must start with http:// or "
     "https:// and contain no spaces"),
])
def test_each_kind_of_field_error_has_its_code(content, fields, expected):
    assert only_error(check(content, news(**fields))) == f"content/news/2022/report.md:{expected}"


def test_number_limits_name_the_limit(content):
    write_hall(content, "title: 展厅\nidle_seconds: 0\ncountdown_seconds: 999\nsections:\n"
                        "  - {id: xuting, name: 序厅, order: 0}\n")
    errors = [m for m in check(content, news()) if ": error" in m]
    assert errors == [
        "content/data/hall.yml:2: error[E019]: idle_seconds: 0 is too small (at least 1)",
        "content/data/hall.yml:3: error[E026]: countdown_seconds: 999 is too large (at most 300)",
    ]


def test_registry_values_are_checked_with_codes(tmp_path):
    content = write_registry(tmp_path / "content", site_yml="title: 中心\nbase_url: example.test\nper_page: 十二\n")
    errors = [m for m in check(content, news()) if ": error" in m]
    assert errors == [
        "content/data/site.yml:2: error[E023]: base_url: example.test is not a web address: it must start with "
        "http:// or https:// and contain no spaces",
        "content/data/site.yml:3: error[E012]: per_page: 十二 must be a whole number",
    ]


def test_literal_error_in_a_data_file(content):
    write_services(content, "- {name: 宣讲, platform: 理论宣讲, description: 到村宣讲。, order: [phone]}\n")
    assert only_error(check(content, news())) == (
        "content/data/services.yml:1: error[E021]: 0.order.0: phone is not allowed; allowed: hotline, wechat, platform")


@pytest.mark.parametrize("fields, expected", [
    ({"start": "2022-5-20 9:00"}, "start: 2022-5-20 9:00 must be a date and time written YYYY-MM-DD HH:MM "
                                  "(Beijing time), e.g. 2022-05-15 09:30"),
    ({"end": "2022-05-20 08:00"}, "end: end 2022-05-20 08:00 must be later than start 2022-05-20 09:00"),
])
def test_schema_validator_errors_carry_codes_and_parameters(content, fields, expected):
    write_content(content, "events", "a.md", event(**fields))
    error = only_error(check(content, news()))
    assert error.split(": ", 1)[1] == f"error[{'E031' if 'start' in fields else 'E033'}]: {expected}"


def test_schema_validator_error_in_chinese(content, monkeypatch):
    monkeypatch.setenv("WENMING_LANG", "zh")
    write_content(content, "projects", "a.md", project(years="[22]"))
    assert "error[E034]: years: “22”不像是年份。请写四位数的年份，例如 2022。" in only_error(check(content, news()))


def test_star_levels_errors_carry_codes(tmp_path):
    content = write_registry(tmp_path / "content")
    (content / "data" / "stars.yml").write_text("levels:\n  - {stars: 1, hours: 100}\n  - {stars: 2, hours: 100}\n",
                                                encoding="utf-8")
    assert only_error(check(content, news())) == (
        "content/data/stars.yml:3: error[E036]: levels.1: 2 stars need 100 h, which is not more than the 100 h of "
        "1 stars; hours must increase")


def test_file_problems_have_codes(content):
    assert only_error(check(content, "title: x\n")).startswith("content/news/2022/report.md:1: error[E005]: ")
    assert only_error(check(content, "---\ntitle: x\n")).startswith("content/news/2022/report.md:1: error[E006]: ")
    assert only_error(check(content, "---\n- a\n---\n")).startswith("content/news/2022/report.md:2: error[E007]: ")
    write_news(content, "2022/report.md", "---\ntitle: 好\n".encode() + bytes([0xFF, 0xFE, 0x80, 0x00] * 3))
    assert only_error(check(content)).startswith("content/news/2022/report.md:3: error[E001]: byte 0xff is not valid")
    write_news(content, "2022/report.md", news().encode("utf-16"))
    assert check(content) == ["content/news/2022/report.md: warning[W001]: file is saved as UTF-16; it was decoded, "
                              "but please save it as UTF-8"]
