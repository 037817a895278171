"""Incremental rendering: a rebuild re-renders only the pages an edit affects, and its output is
exactly what a build from scratch makes (checked file by file on the sample site)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
import jinja2.meta
import yaml
from sitekit import make_site, news, write_news

from wenming.build import page_keys, templating
from wenming.build.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
COUNTS = re.compile(r"(\d+) pages rendered, (\d+) unchanged pages kept")


def _rendered_and_kept(messages: list[str]) -> tuple[int, int]:
    match = next(COUNTS.search(m) for m in messages if COUNTS.search(m))
    return int(match.group(1)), int(match.group(2))


def _pages(site: Path) -> dict[str, bytes]:
    """Every file of the site except the search bundles (Pagefind's output is not byte-stable)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and not p.relative_to(site).parts[0].startswith("pagefind")}


def _assert_same_as_full_build(content: Path, incremental_site: Path, fresh: Path) -> None:
    full = _pages(build(content, fresh).site_dir)
    incremental = _pages(incremental_site)
    assert sorted(incremental) == sorted(full)
    differing = [name for name in full if full[name] != incremental[name]]
    assert differing == [], f"stale after an incremental build: {differing[:10]}"


def _newest_report(content: Path) -> tuple[Path, str]:
    """The newest published report (on the home page), with its summary line removed so that its
    summary comes from the first paragraph of the body."""
    candidates = []
    for path in (content / "news").rglob("*.md"):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if meta.get("status", "published") == "published":
            candidates.append((str(meta["date"]), path, meta["slug"]))
    _, path, slug = max(candidates)
    path.write_text(re.sub(r"^summary: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    return path, slug


def test_edits_rerender_only_affected_pages_and_match_a_full_build(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    output = tmp_path / "output"
    report, slug = _newest_report(content)
    build(content, output)
    front, body = report.read_text(encoding="utf-8").split("---\n", 2)[1:]

    api = output / "site" / "api" / "v1"
    other = next(p for p in (api / "news").iterdir() if p.stem != slug)
    generated = {name: path.stat().st_ino for name, path in [
        ("edited", api / "news" / f"{slug}.json"), ("other", other),
        ("xlsx", next((output / "site" / "quota").rglob("*.xlsx")))]}

    # A body edit that also changes the derived summary (first paragraph) of a home-page report.
    report.write_text(f"---\n{front}---\n\n增量构建测试新增的首段。\n{body}\n增量构建测试补充的末段。\n", encoding="utf-8")
    messages: list[str] = []
    site = build(content, output, progress=messages.append).site_dir
    rendered, kept = _rendered_and_kept(messages)
    assert 1 <= rendered and kept > 5 * rendered, (rendered, kept)
    page = (site / "news" / slug / "index.html").read_text(encoding="utf-8")
    assert "增量构建测试新增的首段" in page and "增量构建测试补充的末段" in page
    # Generated files are hard links to the last build's unless their report changed.
    api = site / "api" / "v1"
    assert (api / "news" / f"{slug}.json").stat().st_ino != generated["edited"]
    assert (api / other.relative_to(output / "site" / "api" / "v1")).stat().st_ino == generated["other"]
    assert next((site / "quota").rglob("*.xlsx")).stat().st_ino == generated["xlsx"]
    _assert_same_as_full_build(content, site, tmp_path / "fresh-body")

    # A front-matter edit (the title) shows in lists everywhere: every page but the other reports' own and
    # the pages of lists that do not show it (the oldest archive page, say: see test_stable_pagination).
    oldest_archive = site / "column" / "page" / "1" / "index.html"
    oldest_inode = oldest_archive.stat().st_ino
    text = report.read_text(encoding="utf-8")
    report.write_text(re.sub(r"^title: .*$", "title: 增量构建测试改过的标题", text, count=1, flags=re.M),
                      encoding="utf-8")
    messages.clear()
    site = build(content, output, progress=messages.append).site_dir
    rendered, kept = _rendered_and_kept(messages)
    assert kept > _published_reports(content) - 1 and rendered > 100
    assert oldest_archive.stat().st_ino == oldest_inode
    assert "增量构建测试改过的标题" in (site / "index.html").read_text(encoding="utf-8")
    assert "增量构建测试改过的标题" in (site / "news" / slug / "index.html").read_text(encoding="utf-8")
    _assert_same_as_full_build(content, site, tmp_path / "fresh-title")

    # A new report: lists change, the other reports' pages are kept, and so are the quota pages of the
    # units it does not count for.
    unit_pages = {path: path.stat().st_ino for path in (site / "quota").glob("*/*/index.html")}
    added = re.sub(r"^date: .*$", "date: 2022-12-30", text.replace(f"slug: {slug}", "slug: zengliang-xinzeng"),
                   count=1, flags=re.M)  # in the quota year
    (content / "news" / "2022" / "added.md").write_text(re.sub(r"^    date: .*\n", "", added, flags=re.M),
                                                        encoding="utf-8")
    messages.clear()
    site = build(content, output, progress=messages.append).site_dir
    rendered, kept = _rendered_and_kept(messages)
    assert kept > _published_reports(content) - 1
    assert oldest_archive.stat().st_ino == oldest_inode
    assert (site / "news" / "zengliang-xinzeng" / "index.html").is_file()
    counting = {path for path in unit_pages if "/news/zengliang-xinzeng/" in path.read_text(encoding="utf-8")}
    assert counting and len(counting) < len(unit_pages)
    assert {path for path in unit_pages if path.stat().st_ino != unit_pages[path]} == counting
    _assert_same_as_full_build(content, site, tmp_path / "fresh-added")


def _published_reports(content: Path) -> int:
    return sum(1 for path in (content / "news").rglob("*.md")
               if yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]).get("status", "published")
               == "published")


def test_special_templates_name_real_templates():
    templates = {p.name for p in (ROOT / "theme" / "templates").glob("*.html")}
    assert page_keys.ALWAYS_RENDER <= templates and page_keys.OWN_REPORT_TEMPLATES <= templates
    assert page_keys.SITE_WIDE_FIRST_PAGES <= templates and page_keys.OWN_LIST_TEMPLATES <= templates
    assert page_keys.REPORTLESS_TEMPLATES <= templates


def test_reportless_templates_show_no_report():
    """Their keys leave out the reports Pelican hands them: neither they nor what they extend or include may
    read ``articles`` or ``dates``."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "theme" / "templates"))
    environment.filters.update(templating.JINJA_FILTERS)
    for name in page_keys.REPORTLESS_TEMPLATES:
        seen, waiting = set(), [name]
        while waiting:
            template = waiting.pop()
            if template in seen:
                continue
            seen.add(template)
            tree = environment.parse(environment.loader.get_source(environment, template)[0])
            assert not jinja2.meta.find_undeclared_variables(tree) & page_keys.REPORT_ARGUMENTS, template
            waiting.extend(t for t in jinja2.meta.find_referenced_templates(tree) if t)
        assert "base.html" in seen


def test_a_rebuild_after_the_output_was_removed_renders_everything(tmp_path):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    output = tmp_path / "output"
    build(content, output)
    shutil.rmtree(output / "site")
    messages: list[str] = []
    site = build(content, output, progress=messages.append, force=True).site_dir
    rendered, kept = _rendered_and_kept(messages)
    assert kept == 0 and rendered > 100
    assert (site / "index.html").is_file()


def test_an_added_report_makes_its_towns_feed_and_the_columns_again_and_keeps_the_others(tmp_path):
    """Feeds are keyed like pages (plugins/writer): the feeds that show the added report are written again, every
    other feed is kept (the same file), and all of them are what a build from scratch makes."""
    towns = ["城北街道", "杨河镇", "茶镇"]
    content = make_site(tmp_path, {f"r{i}.md": news(title=f"{towns[i % 3]}开展第{i}次宣讲", slug=f"r{i}",
                                                    units=towns[i % 3], date=f"2022-05-{i + 1:02d}")
                                   for i in range(6)})
    output = tmp_path / "output"
    site = build(content, output).site_dir
    feeds = sorted((site / "feeds").rglob("*.xml"))
    assert len(feeds) > 3
    before = {path: path.stat().st_ino for path in feeds}
    write_news(content, "new.md", news(title="杨河镇开展新的宣讲", slug="new", units="杨河镇", date="2022-06-01"))
    build(content, output)
    written = sorted(path.relative_to(site).as_posix() for path in feeds if path.stat().st_ino != before[path])
    assert written == ["feeds/column.atom.xml", "feeds/towns/yanghe-zhen.atom.xml"]
    assert "杨河镇开展新的宣讲" in (site / "feeds/towns/yanghe-zhen.atom.xml").read_text(encoding="utf-8")
    _assert_same_as_full_build(content, site, tmp_path / "fresh")


def test_an_added_report_renders_its_own_towns_page_again_and_keeps_the_others(tmp_path):
    """Town pages show their latest reports, their count and the villages reported from (OWN_LIST_TEMPLATES, plain
    values in the key): an added report renders its town's page again, even when it is too old to be among the
    latest (its count changed), and keeps the other towns' pages and the volunteer teams' pages."""
    content = make_site(tmp_path, {f"r{i}.md": news(title=f"杨河镇开展第{i}次宣讲", slug=f"r{i}", units="杨河镇",
                                                    date=f"2022-05-{i + 10:02d}") for i in range(12)})
    write_news(content, "c0.md", news(title="城北街道开展宣讲", slug="c0", units="城北街道", date="2022-05-01"))
    output = tmp_path / "output"
    site = build(content, output).site_dir
    pages = sorted([*(site / "towns").rglob("index.html"), *(site / "volunteers").rglob("index.html")])
    assert site / "towns/yanghe-zhen/index.html" in pages and site / "volunteers/index.html" in pages
    before = {path: path.stat().st_ino for path in pages}
    write_news(content, "old.md", news(title="杨河镇开展早年的宣讲", slug="old", units="杨河镇", date="2022-01-01"))
    build(content, output)
    written = sorted(path.relative_to(site).as_posix() for path in pages if path.stat().st_ino != before[path])
    assert written == ["towns/index.html", "towns/yanghe-zhen/index.html"]
    town = (site / "towns/yanghe-zhen/index.html").read_text(encoding="utf-8")
    assert "13 篇" in town and "早年的宣讲" not in town  # counted, not among the latest ten
    _assert_same_as_full_build(content, site, tmp_path / "fresh")
