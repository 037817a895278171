"""Quality gates over the built sample site (issue 16, "Quality gates in CI"): every internal reference
of the site and the kiosk bundle resolves, the feeds are well-formed and carry the newest reports, and
sitemap.xml validates against the sitemaps.org 0.9 schema and lists every public page."""

from __future__ import annotations

import json
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, soup
from lxml import etree

from wenming.model import urls
from wenming.model.site import load_site

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "data"}
FEED_MAX_ITEMS = 50  # FEED_MAX_ITEMS in wenming.build.settings and JSON_FEED_ITEMS in plugins/feeds

# The sitemaps.org 0.9 schema (https://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd), reduced to
# what a <urlset> may hold: <url> with a required <loc> and optional <lastmod>, <changefreq>, <priority>.
SITEMAP_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{SITEMAP_NS}"
            xmlns="{SITEMAP_NS}" elementFormDefault="qualified">
  <xsd:element name="urlset">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element ref="url" maxOccurs="unbounded"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
  <xsd:element name="url">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="loc" type="tLoc"/>
        <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
        <xsd:element name="changefreq" type="tChangeFreq" minOccurs="0"/>
        <xsd:element name="priority" type="tPriority" minOccurs="0"/>
        <xsd:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
  <xsd:simpleType name="tLoc">
    <xsd:restriction base="xsd:anyURI">
      <xsd:minLength value="12"/>
      <xsd:maxLength value="2048"/>
    </xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="tLastmod">
    <xsd:union memberTypes="xsd:date xsd:dateTime"/>
  </xsd:simpleType>
  <xsd:simpleType name="tChangeFreq">
    <xsd:restriction base="xsd:string">
      <xsd:enumeration value="always"/>
      <xsd:enumeration value="hourly"/>
      <xsd:enumeration value="daily"/>
      <xsd:enumeration value="weekly"/>
      <xsd:enumeration value="monthly"/>
      <xsd:enumeration value="yearly"/>
      <xsd:enumeration value="never"/>
    </xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="tPriority">
    <xsd:restriction base="xsd:decimal">
      <xsd:minInclusive value="0.0"/>
      <xsd:maxInclusive value="1.0"/>
    </xsd:restriction>
  </xsd:simpleType>
</xsd:schema>
"""


@pytest.fixture(scope="module")
def model():
    site, diagnostics = load_site(ROOT / "content")
    assert site is not None, diagnostics
    return site


@pytest.fixture(scope="module")
def base_url(model) -> str:
    return model.registry.site.base_url.rstrip("/") + "/"


def absolute(base_url: str, relative: str) -> str:
    return base_url + relative.lstrip("/")


# ---------------------------------------------------------------------------------------------------------
# 1. Link check

def references(page) -> list[str]:
    """Every URL a page refers to: links, stylesheets, scripts, images and their srcset candidates."""
    found = [tag["href"] for tag in page.select("a[href], link[href]")]
    found += [tag["src"] for tag in page.select("img[src], source[src], script[src]")]
    for tag in page.select("img[srcset], source[srcset]"):
        found += [candidate.split()[0] for candidate in tag["srcset"].split(",") if candidate.strip()]
    return [ref.strip() for ref in found]


def broken_references(tree: Path, *, file_bundle: bool = False) -> list[str]:
    """Internal references of every HTML file under ``tree`` whose target file does not exist.

    References resolve against the page's URL inside the tree (a trailing / means index.html). In a
    bundle opened from file:// (``file_bundle``) a root-relative reference cannot resolve at all."""
    broken = []
    pages = sorted(tree.rglob("*.html"))
    assert pages, f"no HTML pages under {tree}"
    for path in pages:
        page_url = "/" + path.relative_to(tree).as_posix()
        for ref in references(soup(path)):
            parts = urlsplit(ref)
            if parts.scheme in EXTERNAL_SCHEMES or (not parts.scheme and parts.netloc):
                continue  # external (or protocol-relative) URL
            if parts.scheme:
                broken.append(f"{page_url}: {ref} (scheme {parts.scheme}:)")
                continue
            if not parts.path:
                continue  # "#fragment" or "?query" on the same page
            if file_bundle and parts.path.startswith("/"):
                broken.append(f"{page_url}: {ref} (root-relative in a file:// bundle)")
                continue
            # Resolved as a browser does (".." stops at the site root), except that a file:// bundle
            # must not climb out of its folder.
            inside = posixpath.normpath(posixpath.join(posixpath.dirname(page_url[1:]), unquote(parts.path)))
            if file_bundle and inside.startswith(".."):
                broken.append(f"{page_url}: {ref} (outside the bundle)")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), unquote(parts.path)))
            if parts.path.endswith("/") or target == "/":
                target = posixpath.join(target, "index.html")
            file = tree / target.lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{page_url}: {ref}")
    return broken


def test_every_internal_reference_of_the_site_resolves(sample_site):
    broken = broken_references(sample_site)
    assert not broken, f"{len(broken)} broken references:\n" + "\n".join(broken)


def test_every_internal_reference_of_the_kiosk_bundle_resolves(sample_site):
    broken = broken_references(sample_site.parent / "kiosk", file_bundle=True)
    assert not broken, f"{len(broken)} broken references:\n" + "\n".join(broken)


def test_the_link_check_finds_broken_references(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text("", encoding="utf-8")
    (tmp_path / "x.png").write_bytes(b"")
    (tmp_path / "index.html").write_text(
        '<a href="/a/">ok</a><a href="a/#top">ok</a><a href="#x">ok</a><a href="https://e.org/">ok</a>'
        '<img src="x.png" srcset="x.png 1x, y.png 2x"><link rel="stylesheet" href="/missing.css">'
        '<script src="../gone.js"></script><a href="javascript:void(0)">bad</a>', encoding="utf-8")
    assert sorted(broken_references(tmp_path)) == [
        "/index.html: ../gone.js", "/index.html: /missing.css",
        "/index.html: javascript:void(0) (scheme javascript:)", "/index.html: y.png"]
    in_bundle = broken_references(tmp_path, file_bundle=True)
    assert "/index.html: /a/ (root-relative in a file:// bundle)" in in_bundle
    assert "/index.html: ../gone.js (outside the bundle)" in in_bundle


# ---------------------------------------------------------------------------------------------------------
# 2. Feeds

def atom_entries(path: Path) -> list[dict]:
    """Parse an Atom feed, asserting the feed's and every entry's required elements; returns the entries."""
    feed = ET.parse(path).getroot()
    assert feed.tag == f"{ATOM}feed", path
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), f"{path}: feed without <{name}>"
    assert feed.find(f"{ATOM}link[@rel='self']") is not None, f"{path}: feed without a self link"
    entries = []
    for entry in feed.findall(f"{ATOM}entry"):
        values = {name: (entry.findtext(f"{ATOM}{name}") or "").strip() for name in ("id", "title", "updated")}
        assert all(values.values()), f"{path}: entry with a missing element: {values}"
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href"), f"{path}: entry {values['title']} without a link"
        entries.append({**values, "link": link.get("href")})
    return entries


def test_column_atom_feed_carries_the_newest_published_reports(sample_site, model, base_url):
    entries = atom_entries(sample_site / urls.NEWS_FEED_ATOM)
    expected = [absolute(base_url, n.url) for n in model.published_news[:FEED_MAX_ITEMS]]
    assert [e["link"] for e in entries] == expected
    assert len({e["id"] for e in entries}) == len(entries)


def test_each_town_feed_carries_that_towns_newest_reports(sample_site, model, base_url):
    for town in model.registry.towns:
        entries = atom_entries(sample_site / urls.town_feed(town.slug))
        reports = [n for n in model.published_news if town.name in {u.name for u in n.towns}]
        assert reports, town.name  # the sample content covers every town
        assert [e["link"] for e in entries] == [absolute(base_url, n.url) for n in reports[:FEED_MAX_ITEMS]], \
            town.name


def test_feeds_have_distinct_ids_and_named_authors(sample_site, model):
    paths = [sample_site / urls.NEWS_FEED_ATOM] + [sample_site / urls.town_feed(t.slug) for t in model.registry.towns]
    ids = [ET.parse(path).getroot().findtext(f"{ATOM}id") for path in paths]
    assert len(set(ids)) == len(paths), ids
    for path in paths:
        names = [n.text for n in ET.parse(path).getroot().iter(f"{ATOM}name")]
        assert names and all((n or "").strip() for n in names), path


def test_json_feed_has_the_required_fields(sample_site, model, base_url):
    feed = json.loads((sample_site / urls.NEWS_FEED_JSON).read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"].strip()
    assert feed["feed_url"] == absolute(base_url, urls.NEWS_FEED_JSON)
    assert feed["items"]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"], item
        assert item["url"].startswith(base_url), item
        assert any(isinstance(item.get(key), str) and item[key].strip() for key in ("content_html", "content_text")), \
            item["id"]
    assert [i["url"] for i in feed["items"]] == [absolute(base_url, n.url)
                                                 for n in model.published_news[:FEED_MAX_ITEMS]]
    assert len({i["id"] for i in feed["items"]}) == len(feed["items"])


# ---------------------------------------------------------------------------------------------------------
# 3. sitemap.xml

def public_page_urls(site: Path, base_url: str) -> set[str]:
    """URLs of the HTML documents of the site that search engines should index: not 404.html, not
    fragments (the embeddable /embed/latest.html has no document), not pages marked noindex."""
    found = set()
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        if relative == "404.html":
            continue
        text = path.read_text(encoding="utf-8")
        if not text.lstrip()[:15].lower().startswith("<!doctype html"):
            continue  # a fragment, not a page
        robots = soup(path).select('meta[name="robots"]')
        if any("noindex" in (meta.get("content") or "").lower() for meta in robots):
            continue
        found.add(absolute(base_url, relative.removesuffix("index.html")))
    return found


def test_sitemap_validates_against_the_sitemaps_schema(sample_site):
    schema = etree.XMLSchema(etree.fromstring(SITEMAP_XSD.encode()))
    document = etree.parse(str(sample_site / "sitemap.xml"))
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)


def test_the_schema_rejects_an_invalid_sitemap():
    schema = etree.XMLSchema(etree.fromstring(SITEMAP_XSD.encode()))
    bad = f'<urlset xmlns="{SITEMAP_NS}"><url><lastmod>2023-13-01</lastmod></url></urlset>'
    assert not schema.validate(etree.fromstring(bad.encode()))
    good = (f'<urlset xmlns="{SITEMAP_NS}"><url><loc>https://example.org/</loc><lastmod>2023-01-13</lastmod>'
            '<changefreq>weekly</changefreq><priority>0.5</priority></url></urlset>')
    assert schema.validate(etree.fromstring(good.encode())), schema.error_log


def test_sitemap_lists_every_public_page(sample_site, base_url):
    root = etree.parse(str(sample_site / "sitemap.xml")).getroot()
    listed = [loc.text for loc in root.iter(f"{{{SITEMAP_NS}}}loc")]
    assert len(listed) == len(set(listed)), "duplicate <loc> entries"
    pages = public_page_urls(sample_site, base_url)
    assert absolute(base_url, "") in pages and absolute(base_url, "404.html") not in pages
    missing, extra = sorted(pages - set(listed)), sorted(set(listed) - pages)
    assert not missing and not extra, f"missing from sitemap.xml: {missing}\nlisted but not public pages: {extra}"
