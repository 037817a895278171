"""Coded diagnostics: the message catalog, Chinese and English output, JSON, and the content errors that
used to crash Pelican (reserved and colliding slugs, files set aside with ``_``) or sort in the wrong order."""

from __future__ import annotations

import json
import re
import string

import pytest
from conftest import run_cli
from sitekit import make_site, news, project, write_content

from wenming.build.pipeline import build
from wenming.model.site import load_site
from wenming.model.urls import RESERVED_TOP_LEVEL
from wenming.source import messages
from wenming.source.diagnostics import ContentError

CJK = re.compile(r"[\u4e00-\u9fff]")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_code_has_chinese_english_and_a_fix_with_the_same_placeholders():
    codes = messages.codes()
    assert len(codes) > 60
    for message in codes:
        assert CJK.search(message.zh), message.key
        assert message.en.strip(), message.key
        assert CJK.search(message.fix), f"{message.key} has no Chinese cause-and-fix text for the handbook"
        assert placeholders(message.zh) == placeholders(message.en), message.key
    fragments = [m for m in messages.catalog().values() if not m.is_code]
    for fragment in fragments:
        assert placeholders(fragment.zh) == placeholders(fragment.en), fragment.key


def test_every_code_renders_in_both_languages_with_its_parameters():
    for message in messages.codes():
        params = {name: "X" for name in message.placeholders("zh")}
        assert "{" not in messages.render(message.key, params, "zh"), message.key
        assert "{" not in messages.render(message.key, params, "en"), message.key


def test_no_uncoded_legacy_messages_remain():
    assert "E000" not in messages.catalog() and "W000" not in messages.catalog()


def test_a_code_declared_twice_is_refused(tmp_path, monkeypatch):
    (tmp_path / "a.yml").write_text("E999: {zh: 甲, en: a, fix: 甲}\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text("E999: {zh: 乙, en: b, fix: 乙}\n", encoding="utf-8")
    monkeypatch.setattr(messages, "CATALOG_DIR", tmp_path)
    messages.catalog.cache_clear()
    try:
        with pytest.raises(messages.CatalogError, match="E999 is declared in a.yml and b.yml"):
            messages.catalog()
    finally:
        monkeypatch.undo()
        messages.catalog.cache_clear()


BAD_UNIT = news(units="[城北街办]")


def test_check_speaks_chinese_by_default_with_the_code_and_field(tmp_path, monkeypatch):
    monkeypatch.delenv(messages.LANGUAGE_VARIABLE)
    content = make_site(tmp_path, {"2022/05/x.md": BAD_UNIT})
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert ("content/news/2022/05/x.md:4: error[E201]: units.0: “城北街办”不是登记的单位。"
            "您是不是要写“城北街道”？（登记表见 content/data/units.yml）") in result.stderr.splitlines()
    assert "共发现 1 个错误。" in result.stderr
    assert "Traceback" not in result.stderr


def test_lang_en_gives_english_for_maintainers(tmp_path, monkeypatch):
    monkeypatch.delenv(messages.LANGUAGE_VARIABLE)
    content = make_site(tmp_path, {"2022/05/x.md": BAD_UNIT})
    result = run_cli("--lang", "en", "check", "--content", str(content))
    assert ("content/news/2022/05/x.md:4: error[E201]: units.0: 城北街办 is not a registry unit; "
            "did you mean 城北街道? (see content/data/units.yml)") in result.stderr.splitlines()


def test_check_format_json_lists_every_diagnostic(tmp_path, monkeypatch):
    monkeypatch.setenv(messages.LANGUAGE_VARIABLE, "zh")
    content = make_site(tmp_path, {"2022/05/x.md": BAD_UNIT, "2022/05/_draft.md": news()})
    result = run_cli("check", "--content", str(content), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert by_code["E201"] == {
        "code": "E201", "severity": "error", "path": "content/news/2022/05/x.md", "line": 4, "field": "units.0",
        "message": "“城北街办”不是登记的单位。您是不是要写“城北街道”？（登记表见 content/data/units.yml）",
        "follow_on": False}
    assert by_code["W401"]["severity"] == "warning"
    assert by_code["W401"]["path"] == "content/news/2022/05/_draft.md"


def test_check_format_json_on_good_content_is_ok(tmp_path):
    content = make_site(tmp_path)
    result = run_cli("check", "--content", str(content), "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"ok": True, "diagnostics": []}


def page(title="关于我们", **fields) -> str:
    lines = ["---", f"title: {title}", *(f"{k}: {v}" for k, v in fields.items()), "---", "", "正文。", ""]
    return "\n".join(lines)


@pytest.mark.parametrize("name, fields, slug", [
    ("search.md", {}, "search"),  # used to end in Pelican's RuntimeError (two writers of search/index.html)
    ("about.md", {"slug": "api"}, "api"),  # used to take over /api/ silently
    ("about.md", {"slug": "news"}, "news"),
    ("quota.md", {}, "quota"),
])
def test_a_page_may_not_take_a_generated_top_level_path(tmp_path, name, fields, slug):
    content = make_site(tmp_path)
    write_content(content, "pages", name, page(**fields))
    with pytest.raises(ContentError) as caught:
        build(content, tmp_path / "output")
    [error] = caught.value.diagnostics
    assert (error.code, error.path, error.field) == ("E402", f"content/pages/{name}", "slug")
    assert error.message_in("en") == f"slug {slug} is reserved for /{slug}/; choose another slug"


def test_every_top_level_path_of_the_built_site_is_reserved_or_a_page(tmp_path):
    content = make_site(tmp_path)
    write_content(content, "pages", "about.md", page())
    site = build(content, tmp_path / "output").site_dir
    top = {p.name.removesuffix(".html") for p in site.iterdir()}
    assert top - RESERVED_TOP_LEVEL == {"about"}


def test_a_file_set_aside_with_an_underscore_is_a_warning_not_a_failed_build(tmp_path):
    # Pelican used to read it anyway and fail with "Could not process"
    content = make_site(tmp_path, {"2022/a.md": news(), "2022/_template.md": "---\ntitle: \n---\n"})
    result = build(content, tmp_path / "output")
    [warning] = result.diagnostics.warnings
    assert (warning.code, warning.path) == ("W401", "content/news/2022/_template.md")
    assert not (result.site_dir / "news" / "template").exists()


def test_errors_following_from_a_broken_file_come_after_their_cause(tmp_path):
    content = make_site(tmp_path, {"2022/a.md": news(project="chaxiang-weijiangtang")})
    write_content(content, "projects", "chaxiang-weijiangtang.md", project(owner="没有这个单位"))
    model, diagnostics = load_site(content)
    assert model is None
    cause, consequence = diagnostics.sorted()
    assert (cause.code, cause.path) == ("E503", "content/projects/chaxiang-weijiangtang.md")
    assert (consequence.code, consequence.path, consequence.follow_on) == ("E206", "content/news/2022/a.md", True)
    assert consequence.format("zh").endswith("（这是前面错误的连带结果）")
