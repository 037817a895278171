"""Unchanged report pages are hard-linked from the previous site before Pelican makes their page context:
Pelican's writer is never called for them, and they still reach the sitemap and the search plan."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

import yaml
from bs4 import BeautifulSoup
from pelican.writers import Writer

from wenming.build.pipeline import build

ROOT = Path(__file__).resolve().parent.parent


def _published_reports(content: Path) -> list[tuple[Path, str]]:
    reports = []
    for path in sorted((content / "news").rglob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if meta.get("status", "published") == "published":
            reports.append((path, meta["slug"]))
    return reports


def test_a_body_edit_writes_only_its_report_page_through_pelican(tmp_path, monkeypatch):
    content = shutil.copytree(ROOT / "content", tmp_path / "content")
    output = tmp_path / "output"
    (edited, edited_slug), (_, other_slug) = _published_reports(content)[:2]
    site = build(content, output).site_dir
    other_page = site / "news" / other_slug / "index.html"
    before = other_page.stat().st_ino

    written: list[str] = []
    original = Writer.write_file

    def recording(self, name, *args, **kwargs):
        written.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(Writer, "write_file", recording)
    edited.write_text(edited.read_text(encoding="utf-8") + "\n新增的一段正文。\n", encoding="utf-8")
    site = build(content, output).site_dir

    assert f"news/{edited_slug}/index.html" in written
    assert f"news/{other_slug}/index.html" not in written
    assert other_page.stat().st_ino == before  # the previous build's file, linked
    page = BeautifulSoup((site / "news" / edited_slug / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "新增的一段正文。" in page.get_text()
    sitemap = ElementTree.parse(site / "sitemap.xml").getroot()
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(location.endswith(f"/news/{other_slug}/") for location in locations)
    assert any(location.endswith(f"/news/{edited_slug}/") for location in locations)
