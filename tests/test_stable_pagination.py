"""Stable pagination (issue 17): list pages are numbered from the oldest report, so adding a report leaves
every full archive page at its URL, byte for byte, and renders again only the first page of each list the
report is in."""

from __future__ import annotations

import datetime
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import soup
from sitekit import news, write_news, write_registry

from wenming.build.pagination import StablePaginator
from wenming.build.pipeline import build

PER_PAGE = 3  # per_page in tests/sitekit.py's site.yml
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
UNITS = ["城北街道", "杨河镇", "城北街道, 县卫健局"]


# --- the paginator on its own -------------------------------------------------------------------------

@pytest.mark.parametrize("count", range(0, 22))
def test_pages_count_from_the_oldest_and_the_first_page_holds_one_to_two_pages(count):
    items = list(range(count, 0, -1))  # newest first, as lists are: item i is the i-th oldest
    paginator = StablePaginator("column/", items, PER_PAGE)
    m = paginator.archive_pages
    assert m == max(0, count // PER_PAGE - 1)
    pages = paginator.pages()
    assert [p.number for p in pages] == list(range(m + 1, 0, -1))
    first, archive = pages[0], pages[1:]
    assert first.is_first and first.url == "column/" and first.save_as == "column/index.html"
    assert PER_PAGE <= len(first.object_list) <= 2 * PER_PAGE - 1 if count >= PER_PAGE else len(first.object_list) == count
    for page in archive:
        k = page.number
        assert page.is_archive and page.url == f"column/page/{k}/"
        assert page.object_list == list(range(k * PER_PAGE, (k - 1) * PER_PAGE, -1))  # newest first inside
        assert page.newer_url == f"column/page/{k + 1}/" and page.older_url == (f"column/page/{k - 1}/" if k > 1 else None)
    assert first.older_url == (f"column/page/{m}/" if m else None) and first.newer_url is None
    # every item exactly once, in the list's order
    assert [item for page in pages for item in page.object_list] == items
    redirect = paginator.redirect_page()
    assert (redirect is None) == (m == 0)
    if redirect:
        assert redirect.url == f"column/page/{m + 1}/" and redirect.object_list == [] and not redirect.is_first


@pytest.mark.parametrize("count", range(0, 22))
def test_a_newer_item_changes_no_archive_page(count):
    before = StablePaginator("x/", list(range(count, 0, -1)), PER_PAGE)
    after = StablePaginator("x/", list(range(count + 1, 0, -1)), PER_PAGE)
    for page in before.pages()[1:]:
        kept = after.page(page.number)
        assert kept.is_archive and (kept.url, kept.object_list, kept.key) == (page.url, page.object_list, page.key)
    assert after.archive_pages in (before.archive_pages, before.archive_pages + 1)


# --- a real build, then one more report -----------------------------------------------------------------

def _lists_of(i: int) -> tuple[list[str], str | None, str]:
    """Report i's units, platform and kind: the sub-columns it is in (besides the column)."""
    platform = {0: "理论宣讲", 1: "理论宣讲", 2: "卫生健康"}.get(i % 4)
    return UNITS[i % 3].split(", "), platform, "培训" if i % 2 else "活动"


def _report(i: int) -> str:
    """Report i of the tree, dated three days after report i - 1, its slug r<i>."""
    date = datetime.date(2022, 1, 1) + datetime.timedelta(days=3 * i)
    units, platform, kind = _lists_of(i)
    fields = {"platform": platform} if platform else {}
    return news(title=f"测试报道{i:02d}", date=date.isoformat(), units=f"[{', '.join(units)}]", kind=kind, **fields)


def _write_reports(content: Path, numbers) -> None:
    for i in numbers:
        write_news(content, f"r{i:02d}.md", _report(i))


def _lists(site: Path) -> dict[str, str]:
    """Every paginated list: the column and each sub-column of its navigation, name -> URL."""
    nav = soup(site / "column/index.html").select(".column-nav .chips a")
    return {"文明实践": "/column/", **{a.contents[0].strip(): a["href"] for a in nav}}


def _file(site: Path, url: str) -> Path:
    return site / url.lstrip("/") / "index.html"


def _walk(site: Path, list_url: str) -> list[tuple[str, list[str]]]:
    """The pages of a list reached from its first page by 较早 links: (URL, report titles on it)."""
    pages, url = [], list_url
    while url is not None:
        page = soup(_file(site, url))
        pages.append((url, [a.get_text() for a in page.select(".report-title a")]))
        older = page.select_one(".pagination a[rel=next]")
        url = older["href"] if older else None
        assert len(pages) < 50, f"{list_url}: the 较早 links go round in circles"
    return pages


def _check_lists(site: Path, count: int) -> dict[str, list[tuple[str, list[str]]]]:
    """Every list holds its reports exactly once, newest first; the first page P … 2P - 1 of them (fewer
    only when the list is shorter than P), every archive page exactly P; all links of the pagination
    resolve, and the only page/N/ folders are the archive pages and the one placeholder after them."""
    walked = {}
    for name, list_url in _lists(site).items():
        pages = _walk(site, list_url)
        titles = [title for _, on_page in pages for title in on_page]
        expected = [f"测试报道{i:02d}" for i in range(count - 1, -1, -1)
                    if name == "文明实践" or name in {*_lists_of(i)[0], *_lists_of(i)[1:]}]
        assert titles == expected, list_url
        first = len(pages[0][1])
        assert (PER_PAGE <= first <= 2 * PER_PAGE - 1) if len(expected) >= PER_PAGE else first == len(expected)
        m = len(pages) - 1
        assert [url for url, _ in pages[1:]] == [f"{list_url}page/{k}/" for k in range(m, 0, -1)]
        assert all(len(on_page) == PER_PAGE for _, on_page in pages[1:]), list_url
        for url, _ in pages:
            for link in soup(_file(site, url)).select(".pagination a"):
                assert _file(site, link["href"]).is_file(), (url, link["href"])
        folder = site / list_url.strip("/") / "page"
        numbers = sorted(int(p.name) for p in folder.iterdir()) if folder.is_dir() else []
        assert numbers == (list(range(1, m + 2)) if m else []), list_url
        if m:
            _check_placeholder(site, list_url, m + 1)
        walked[list_url] = pages
    return walked


def _check_placeholder(site: Path, list_url: str, number: int) -> None:
    """page/<m + 1>/ sends readers to the list's first page and asks search engines not to index it."""
    page = soup(_file(site, f"{list_url}page/{number}/"))
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert page.select_one('meta[http-equiv="refresh"]')["content"] == f"0; url={list_url}"
    assert page.select_one("main p a")["href"] == list_url
    assert not page.select(".report-title")
    locations = {e.text for e in ET.parse(site / "sitemap.xml").getroot().iter(SITEMAP)}
    assert f"https://example.test{list_url}page/{number}/" not in locations
    assert f"https://example.test{list_url}page/{number - 1}/" in locations


def _list_pages(site: Path) -> dict[str, tuple[bytes, int]]:
    """Every page of every list, placeholders included: site-relative path -> (bytes, inode)."""
    found = {}
    for list_url in _lists(site).values():
        folder = site / list_url.strip("/")
        for path in [folder / "index.html", *folder.glob("page/*/index.html")]:
            found[path.relative_to(site).as_posix()] = (path.read_bytes(), path.stat().st_ino)
    return found


def test_adding_a_report_keeps_every_full_archive_page_byte_identical(tmp_path):
    content = write_registry(tmp_path / "content")
    _write_reports(content, range(14))
    output = tmp_path / "output"
    site = build(content, output).site_dir
    before = _check_lists(site, 14)
    # 14 reports: the column has archive pages 1-3 and 5 reports on its first page; 城北街道 (9) pages 1-2.
    assert [url for url, _ in before["/column/"]] == ["/column/", "/column/page/3/", "/column/page/2/",
                                                     "/column/page/1/"]
    assert len(before["/column/"][0][1]) == 5 and len(before["/column/chengbei-jiedao/"]) == 3
    old = _list_pages(site)
    months = {name: (site / name).stat().st_ino for name in ("column/2022/01/index.html", "column/2022/02/index.html")}
    archive = {name for name in old if "/page/" in name and soup(site / name).select(".report-title")}
    assert len(archive) == 8  # the column 3, 城北街道 2, 理论宣讲 1, 活动 1, 培训 1

    # One more report, newer than all, in the column (whose first page then holds 2P and splits into a
    # new page 4), 城北街道, 县卫健局, 卫生健康 and 活动; not in 杨河镇, 理论宣讲 or 培训.
    _write_reports(content, [14])
    messages: list[str] = []
    site = build(content, output, progress=messages.append).site_dir
    after = _check_lists(site, 15)
    new = _list_pages(site)

    for name in archive:
        assert new[name][0] == old[name][0], f"{name} changed"
        assert new[name][1] == old[name][1], f"{name} was rendered again instead of kept"
    with_new = {url for url, pages in after.items() if "测试报道14" in pages[0][1]}
    assert with_new == {"/column/", "/column/chengbei-jiedao/", "/column/xianweijian-ju/",
                        _lists(site)["卫生健康"], _lists(site)["活动"]}
    rendered = {name for name in old if name in new and new[name][1] != old[name][1]}
    assert rendered == {f"{url.strip('/')}/index.html" for url in with_new} | {"column/page/4/index.html"}
    # The column's placeholder page 4 is now its newest archive page; page 3's 较新 link still fits.
    assert [url for url, _ in after["/column/"]][:2] == ["/column/", "/column/page/4/"]
    assert after["/column/"][1][1] == ["测试报道11", "测试报道10", "测试报道09"]
    assert soup(site / "column/page/3/index.html").select_one(".pagination a[rel=prev]")["href"] == "/column/page/4/"
    assert sorted(set(new) - set(old)) == ["column/page/5/index.html"]  # the new placeholder
    assert any("pages rendered" in m for m in messages)
    # The month archives are lists too: January's is kept, February's (the new report's) rendered again.
    assert (site / "column/2022/01/index.html").stat().st_ino == months["column/2022/01/index.html"]
    assert (site / "column/2022/02/index.html").stat().st_ino != months["column/2022/02/index.html"]
    assert "测试报道14" in (site / "column/2022/02/index.html").read_text(encoding="utf-8")

    # The kept pages are exactly what a build from scratch makes.
    fresh = build(content, tmp_path / "fresh").site_dir
    for name in [*new, *months]:
        assert (fresh / name).read_bytes() == (site / name).read_bytes(), f"{name} differs from a build from scratch"


def test_archive_pages_show_no_count_and_link_by_number(tmp_path):
    content = write_registry(tmp_path / "content")
    _write_reports(content, range(9))
    site = build(content, tmp_path / "output").site_dir
    first, archive = soup(site / "column/index.html"), soup(site / "column/page/2/index.html")
    assert "共 9 篇" in first.select_one("p.lead").get_text()
    assert [a.get_text() for a in first.select(".column-nav .count")][0] == "（6）"  # 城北街道
    assert "篇" not in archive.select_one("p.lead").get_text()
    assert archive.select(".column-nav .count") == [] and archive.select(".column-nav .chips a")
    assert archive.title.get_text() == "文明实践（第2页） - 测试文明实践中心"
    nav = archive.select_one("nav.pagination")
    links = {a.get_text(): a["href"] for a in nav.select("a")}
    assert links == {"最新报道": "/column/", "较新": "/column/page/3/", "较早": "/column/page/1/"}
    assert nav.select_one("span").get_text() == "第 2 页：2022年1月10日至2022年1月16日"
    assert first.select_one("nav.pagination a[rel=next]")["href"] == "/column/page/2/"
    sub = soup(site / "column/chengbei-jiedao/page/1/index.html")
    assert sub.title.get_text().startswith("城北街道（第1页）")
    assert sub.select_one("p.lead").get_text().startswith("本页报道按日期从新到旧排列。")
    assert posixpath.basename(sub.select_one(".pagination a[rel=prev]")["href"].rstrip("/")) == "2"


def test_a_renamed_report_file_renders_its_archive_page_again(tmp_path):
    """A report's URL can come from its file's name: a kept archive page must never link the old one."""
    content = write_registry(tmp_path / "content")
    _write_reports(content, range(9))
    output = tmp_path / "output"
    build(content, output)
    (content / "news" / "r01.md").rename(content / "news" / "r01-renamed.md")
    site = build(content, output).site_dir
    links = [a["href"] for a in soup(site / "column/page/1/index.html").select(".report-title a")]
    assert links == ["/news/r02/", "/news/r01-renamed/", "/news/r00/"]
