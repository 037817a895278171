"""The CMS's check of a report (ContentChecker.check) reads that report and the slugs of the reports sorted
before it instead of loading the whole site, and says exactly what the whole-site load says about it."""

from __future__ import annotations

import pytest
from sitekit import make_practice_site, news, project, write_news

from wenming.cms.checker import ContentChecker
from wenming.model.site import load_site


def _whole_site(checker: ContentChecker, path, text) -> list[str]:
    _model, diagnostics = load_site(checker.content_dir, overlay={path: text})
    shown = checker.display_path(path)
    return [d.format() for d in diagnostics.sorted() if d.path == shown]


@pytest.fixture
def site(tmp_path):
    content = make_practice_site(tmp_path, {"a.md": news(title="甲", slug="shared-slug"),
                                            "b.md": news(title="乙", date="2022-05-13"),
                                            "d.md": news(title="丁", date="2022-05-14", slug="late-slug")},
                                 projects={"chaxiang.md": project()})
    return content.resolve(), ContentChecker(content)


CASES = {
    "a valid edit": ("b.md", news(title="乙", date="2022-05-13", body="改过的正文。")),
    "an unknown unit": ("b.md", news(title="乙", units="不存在的街道")),
    "broken front matter": ("b.md", "---\ntitle: [乙\n---\n正文\n"),
    "a missing title": ("b.md", "---\ndate: 2022-05-13\nunits: 城北街道\n---\n正文\n"),
    "the slug of a report sorted before": ("b.md", news(title="乙", slug="shared-slug")),
    "the slug of a report sorted after": ("a.md", news(title="甲", slug="late-slug")),
    "a new file taking a slug": ("c.md", news(title="丙", slug="shared-slug")),
    "an unknown project": ("b.md", news(title="乙", project="no-such-project")),
    "a known project": ("b.md", news(title="乙", project="chaxiang")),
    "an unknown volunteer": ("b.md", news(title="乙", volunteers="[nobody]")),
    "a missing cover": ("b.md", news(title="乙", cover="images/none.jpg")),
    "a mobile number": ("b.md", news(title="乙", body="联系电话13912345678。")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_report_check_says_what_the_whole_site_says(site, case):
    content, checker = site
    name, text = CASES[case]
    path = content / "news" / name
    fast = [d.format() for d in checker.check(path, text)]
    assert fast == _whole_site(checker, path, text)
    if case not in {"a valid edit", "the slug of a report sorted after", "a known project"}:
        assert fast, f"{case}: the whole-site load reports a problem"


def test_the_slug_table_follows_files_changed_on_disk(site):
    content, checker = site
    taking = news(title="乙", slug="shared-slug")
    path = content / "news" / "b.md"
    assert [d.code for d in checker.check(path, taking)] == ["E401"]
    write_news(content, "a.md", news(title="甲", slug="another-slug"))  # a git pull, say
    assert checker.check(path, taking) == []
    assert _whole_site(checker, path, taking) == []
