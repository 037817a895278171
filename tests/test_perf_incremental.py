"""Per-build costs that do not depend on the edit: after a report's body is edited, the year archive, the
iCalendar feeds, the events and hall APIs and the exhibits' QR codes are kept from the last build (hard
links), and they are made again when what they show changes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import soup

from wenming.build.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
YEAR_PAGE = "column/2022/index.html"
# Outputs that no report's body is shown in: kept (same inode) after a body edit.
GENERATED = ["activities/activities.ics", "api/v1/events.json", "api/v1/exhibits.json", "api/v1/hall.json"]


def _front_and_body(path: Path) -> tuple[str, str]:
    front, body = path.read_text(encoding="utf-8").split("---\n", 2)[1:]
    return front, body


def _report_of(content: Path, year_month: str) -> tuple[Path, str]:
    """The newest report of a month (shown on the year page among the month's newest titles) and its slug."""
    dated = []
    for path in (content / "news").rglob("*.md"):
        front, _ = _front_and_body(path)
        date = re.search(r"^date: *['\"]?([\d-]+)", front, re.M).group(1)
        slug = re.search(r"^slug: *(\S+)", front, re.M).group(1)
        if date.startswith(year_month) and not re.search(r"^status: *draft", front, re.M):
            dated.append((date, path, slug))
    _, path, slug = max(dated)
    return path, slug


def _inodes(site: Path, names: list[str]) -> dict[str, int]:
    return {name: (site / name).stat().st_ino for name in names}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample content copied, built once; the test edits it and rebuilds in place."""
    root = tmp_path_factory.mktemp("perf")
    content = shutil.copytree(ROOT / "content", root / "content")
    output = root / "output"
    site = build(content, output).site_dir
    return content, output, site


def test_year_archive_lists_months_with_counts_and_newest_titles(sample):
    _, _, site = sample
    page = soup(site / YEAR_PAGE)
    sections = page.select("section.year-month")
    assert sections, "the year page lists its months"
    assert not page.select(".report-body, .report-list, .report-card"), "no report cards or bodies on the year page"
    months = []
    for section in sections:
        link = section.select_one("h2 a")
        month_page = site / link["href"].lstrip("/") / "index.html"
        count = int(re.search(r"（(\d+)篇）", section.select_one("h2").get_text()).group(1))
        reports = soup(month_page).select("article.month-report")
        assert count == len(reports), link["href"]
        dates = {r.select_one("h2 a").get_text(): r.select_one("time")["datetime"] for r in reports}
        titles = [a.get_text() for a in section.select("ul.month-latest a")]
        third_newest = sorted(dates.values(), reverse=True)[min(3, count) - 1]
        assert len(titles) == min(3, count) and all(dates[title] >= third_newest for title in titles)
        assert bool(section.select("p.more a")) == (count > 3)
        months.append(int(link["href"].rstrip("/").rsplit("/", 1)[1]))
    assert months == sorted(months, reverse=True)
    total = int(re.search(r"共 (\d+) 篇", page.select_one("p.lead").get_text()).group(1))
    assert total == sum(len(soup(site / f"column/2022/{m:02d}/index.html").select("article.month-report"))
                        for m in months)


def test_a_body_edit_keeps_the_year_page_feeds_apis_and_qr_codes(sample):
    content, output, site = sample
    qr_codes = sorted(p.relative_to(site).as_posix() for p in site.rglob("qr.svg"))
    town_feeds = sorted(p.relative_to(site).as_posix() for p in (site / "activities" / "towns").glob("*.ics"))
    assert qr_codes and town_feeds
    kept = [YEAR_PAGE, *GENERATED, *qr_codes, *town_feeds]
    report, slug = _report_of(content, "2022-08")
    before = _inodes(site, [*kept, "column/2022/08/index.html"])

    front, body = _front_and_body(report)
    report.write_text(f"---\n{front}---\n{body}\n性能测试补充的一段正文。\n", encoding="utf-8")
    site = build(content, output).site_dir

    assert "性能测试补充的一段正文" in (site / "column/2022/08/index.html").read_text(encoding="utf-8")
    assert (site / "column/2022/08/index.html").stat().st_ino != before["column/2022/08/index.html"]
    after = _inodes(site, kept)
    assert [name for name in kept if after[name] != before[name]] == []


def test_a_title_edit_renders_the_year_page_again(sample):
    content, output, site = sample
    report, slug = _report_of(content, "2022-08")
    before = (site / YEAR_PAGE).stat().st_ino
    text = report.read_text(encoding="utf-8")
    report.write_text(re.sub(r"^title: .*$", "title: 性能测试改过的标题", text, count=1, flags=re.M), encoding="utf-8")
    site = build(content, output).site_dir
    page = soup(site / YEAR_PAGE)
    august = next(s for s in page.select("section.year-month") if s.select_one("h2 a")["href"] == "/column/2022/08/")
    assert "性能测试改过的标题" in [a.get_text() for a in august.select("ul.month-latest a")]
    assert (site / YEAR_PAGE).stat().st_ino != before


def test_an_activity_edit_writes_the_feeds_again(sample):
    content, output, site = sample
    event = sorted((content / "events").glob("*.md"))[0]
    before = _inodes(site, ["activities/activities.ics", "api/v1/events.json"])
    text = event.read_text(encoding="utf-8")
    event.write_text(re.sub(r"^title: .*$", "title: 性能测试改名的活动", text, count=1, flags=re.M), encoding="utf-8")
    site = build(content, output).site_dir
    feed = (site / "activities/activities.ics").read_text(encoding="utf-8")
    assert "性能测试改名的活动" in feed
    assert "性能测试改名的活动" in (site / "api/v1/events.json").read_text(encoding="utf-8")
    after = _inodes(site, list(before))
    assert after["activities/activities.ics"] != before["activities/activities.ics"]
    assert after["api/v1/events.json"] != before["api/v1/events.json"]
