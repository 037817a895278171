"""Quality gates (issue 16): every HTML page of the built sample site and of the kiosk bundle, the embeddable
fragment (checked as a fragment) and every screen of the web editor (its DOM as the browser built it) pass the
Nu HTML Checker without errors; every table of the generated pages has a caption and scoped header cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from adminkit import running_cms
from browser_support import browser  # noqa: F401 (fixture)
from cmskit import PASSWORD, git
from conftest import ROOT, soup
from quality_tools import Document, HtmlError, cms_screens, vnu_errors

from wenming.model import urls

# Known errors checked in the same run as the pages: they prove the checker reports errors, with their lines.
BROKEN_DOCUMENT = Document("known-broken-document", '<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8">'
                           '<title>坏页面</title></head>\n<body>\n<img alt="">\n</body>\n</html>\n')
BROKEN_FRAGMENT = Document("known-broken-fragment", '<ul>\n<li>一</li>\n<p>列表里的段落</p>\n</ul>\n', fragment=True)


def relative(error: HtmlError, root: Path) -> HtmlError | None:
    """The error with its file named relative to ``root``; None when it is not in ``root``."""
    try:
        where = Path(error.where).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return HtmlError(where, error.line, error.column, error.message, error.extract)


def listing(errors: list) -> str:
    return "\n".join(map(str, errors[:60])) + (f"\n… and {len(errors) - 60} more" if len(errors) > 60 else "")


@pytest.fixture(scope="module")
def kiosk(sample_site) -> Path:
    return sample_site.parent / "kiosk"


@pytest.fixture(scope="module")
def site_pages(sample_site) -> list[Path]:
    """The site's pages: every .html file but the embeddable fragment."""
    return sorted(p for p in sample_site.rglob("*.html") if p.relative_to(sample_site).as_posix() != urls.EMBED_LATEST)


@pytest.fixture(scope="module")
def checked(sample_site, site_pages, kiosk) -> list[HtmlError]:
    """One run of the checker over the site's pages, the kiosk bundle, the fragment, the web editor's page as
    served and the two known-broken documents."""
    fragment = Document(urls.EMBED_LATEST, (sample_site / urls.EMBED_LATEST).read_text(encoding="utf-8"),
                        fragment=True)
    return vnu_errors(*site_pages, kiosk, ROOT / "wenming" / "cms" / "admin" / "index.html", fragment,
                      BROKEN_DOCUMENT, BROKEN_FRAGMENT)


def test_the_checker_reports_errors_with_their_lines(checked):
    broken = {(e.where, e.line): e.message for e in checked if e.where.startswith("known-broken")}
    assert broken.keys() == {("known-broken-document", 5), ("known-broken-fragment", 3)}, broken
    assert "src" in broken["known-broken-document", 5]
    assert "“p” not allowed as child of element “ul”" in broken["known-broken-fragment", 3]


def test_every_page_of_the_sample_site_is_valid_html(checked, sample_site, site_pages):
    assert len(site_pages) > 300  # reports, columns, towns, quota, hall, volunteers, projects, activities…
    errors = [e for e in map(lambda e: relative(e, sample_site), checked) if e]
    assert errors == [], f"{len(errors)} errors:\n{listing(errors)}"


def test_every_page_of_the_kiosk_bundle_is_valid_html(checked, kiosk):
    assert len(list(kiosk.rglob("*.html"))) > 20
    errors = [e for e in map(lambda e: relative(e, kiosk), checked) if e]
    assert errors == [], f"{len(errors)} errors:\n{listing(errors)}"


def test_the_embeddable_fragment_is_valid_as_a_fragment(checked, sample_site):
    fragment = (sample_site / urls.EMBED_LATEST).read_text(encoding="utf-8")
    assert "<html" not in fragment and fragment.count("<li>") >= 5  # a fragment, with the latest reports
    errors = [e for e in checked if e.where == urls.EMBED_LATEST]
    assert errors == [], listing(errors)


def test_the_web_editor_page_as_served_is_valid_html(checked):
    errors = [e for e in checked if e.where.endswith("cms/admin/index.html")]
    assert errors == [], listing(errors)


def test_every_screen_of_the_web_editor_is_valid_html(browser, tmp_path):  # noqa: F811 (the imported fixture)
    """The DOM of each screen, as the browser built it from the scripts, serialised and checked."""
    with running_cms(tmp_path) as cms:
        def change_behind_the_back() -> None:
            path = cms.content / "news/2022/05/chengbei-draft.md"
            path.write_text(path.read_text(encoding="utf-8") + "\n用 git 直接加的一段。\n", encoding="utf-8")
            git(cms.root, "commit", "-qam", "直接提交")

        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=cms.url)
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            screens = [Document(f"CMS {name}", page.content())
                       for name in cms_screens(page, cms.url, PASSWORD, change_behind_the_back)]
        finally:
            context.close()
    assert len(screens) == 19, [s.name for s in screens]
    errors = vnu_errors(*screens)
    assert errors == [], listing(errors)


def test_every_table_has_a_caption_and_scoped_header_cells(sample_site, kiosk):
    tables, problems = 0, []
    for root in (sample_site, kiosk):
        for path in sorted(root.rglob("*.html")):
            for table in soup(path).find_all("table"):
                tables += 1
                where = f"{path.relative_to(root.parent)} table.{'.'.join(table.get('class', []))}"
                caption = table.find("caption", recursive=False)
                if caption is None or not caption.get_text(strip=True):
                    problems.append(f"{where}: no caption")
                unscoped = [th.get_text(strip=True) for th in table.find_all("th")
                            if th.get("scope") not in ("col", "row", "colgroup", "rowgroup")]
                if unscoped:
                    problems.append(f"{where}: <th> without scope: {unscoped[:5]}")
    assert tables > 50  # quota matrices, calendars, rankings, towns, projects…
    assert problems == [], "\n".join(problems)
