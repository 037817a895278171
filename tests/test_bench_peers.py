"""The Hugo peer of the benchmark: the corpus converter and the Hugo site's configuration and layouts.

Hugo itself is a benchmark-only dependency (bench/peers/hugo/install.sh), so the Hugo build is checked by
``bench/run.py --check`` (and after the first cold build of every benchmark run), not here; these tests
cover what decides that its outputs equal ours: the converted content, the config and the layouts.
"""

from __future__ import annotations

import re
import sys
import tomllib

import pytest
import yaml
from conftest import ROOT

from wenming.media.images import WIDTHS
from wenming.media.variants import SAVE_OPTIONS
from wenming.model.registry import load_registry
from wenming.source.diagnostics import Diagnostics

sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate  # noqa: E402
from peers.hugo import driver  # noqa: E402
from peers.hugo.convert import convert, split_front_matter  # noqa: E402

HUGO = ROOT / "bench" / "peers" / "hugo"
TAXONOMIES = {"units", "platforms", "tasks", "topics", "kinds", "months"}


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    """A corpus of 6 reports (about half with a cover) and its Hugo site."""
    work = tmp_path_factory.mktemp("hugo-peer")
    corpus = generate(work / "corpus", 6, image_fraction=0.5)
    return corpus, convert(corpus, work / "site")


def corpus_reports(corpus):
    return [split_front_matter(p.read_text(encoding="utf-8"))[0] for p in sorted((corpus / "news").rglob("*.md"))]


def hugo_reports(site):
    return {p.stem: split_front_matter(p.read_text(encoding="utf-8"))[0]
            for p in (site / "content" / "news").glob("*.md") if p.name != "_index.md"}


def terms(site, taxonomy):
    return {p.name: yaml.safe_load(p.joinpath("_index.md").read_text(encoding="utf-8").split("---\n")[1])
            for p in (site / "content" / taxonomy).iterdir()}


def test_one_hugo_page_per_report_with_its_front_matter_translated(trees):
    corpus, site = trees
    registry = load_registry(corpus / "data", Diagnostics())
    slug_of = {entry.name: entry.slug for group in (registry.units, registry.platforms, registry.tasks,
                                                    registry.kinds, registry.topics) for entry in group}
    ours = corpus_reports(corpus)
    converted = hugo_reports(site)
    assert sorted(converted) == sorted(meta["slug"] for meta in ours)
    for meta in ours:
        hugo = converted[meta["slug"]]
        assert (hugo["title"], hugo["date"]) == (meta["title"], meta["date"].isoformat())
        assert hugo["units"] == [slug_of[name] for name in meta["units"]]
        assert hugo["platforms"] == [slug_of[meta["platform"]]]
        assert hugo["tasks"] == [slug_of[meta["task"]]]
        assert hugo["kinds"] == [slug_of[meta["kind"]]]
        assert hugo["topics"] == [slug_of[name] for name in meta.get("topics", [])]
        assert hugo["months"] == [f"{meta['date'].year}-{meta['date'].month:02d}"]
        assert hugo.get("village") == meta.get("village")
        assert hugo.get("publications", []) == [p["outlet"] for p in meta.get("publications", [])]


def test_covers_are_assets_hugo_resizes_once_each(trees):
    corpus, site = trees
    covers = {meta["cover"] for meta in hugo_reports(site).values() if meta.get("cover")}
    assert covers, "the tiny corpus should have a cover photo"
    for cover in covers:
        assert (site / "assets" / cover).read_bytes() == (corpus / cover).read_bytes()


def test_a_list_page_per_registry_entry_with_our_slugs_and_a_feed_per_town(trees):
    corpus, site = trees
    registry = load_registry(corpus / "data", Diagnostics())
    units = terms(site, "units")
    assert set(units) == {unit.slug for unit in registry.units}
    assert {slug: meta["title"] for slug, meta in units.items()} == {unit.slug: unit.name for unit in registry.units}
    feeds = {slug for slug, meta in units.items() if "Atom" in meta.get("outputs", [])}
    assert feeds == {town.slug for town in registry.towns}
    for taxonomy, entries in (("platforms", registry.platforms), ("tasks", registry.tasks),
                              ("kinds", registry.kinds), ("topics", registry.topics)):
        assert set(terms(site, taxonomy)) == {entry.slug for entry in entries}, taxonomy
    used_months = {month for meta in hugo_reports(site).values() for month in meta["months"]}
    assert set(terms(site, "months")) == used_months
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月", meta["title"]) for meta in terms(site, "months").values())


def test_hugo_config_paginates_and_outputs_as_our_site(trees):
    corpus, site = trees
    config = tomllib.loads((site / "hugo.toml").read_text(encoding="utf-8"))
    per_page = yaml.safe_load((corpus / "data" / "site.yml").read_text(encoding="utf-8"))["per_page"]
    assert config["paginate"] == per_page == driver.PER_PAGE
    assert set(config["taxonomies"].values()) == TAXONOMIES
    assert config["outputs"]["page"] == ["HTML", "JSON"]
    assert "Atom" in config["outputs"]["section"]
    assert config["outputFormats"]["Atom"]["mediaType"] == "application/atom+xml"
    assert config["permalinks"]["news"] == "/news/:slug/"


def test_picture_layout_makes_our_variants():
    partial = (HUGO / "layouts" / "partials" / "picture.html").read_text(encoding="utf-8")
    widths = re.search(r"range slice ([\d ]+) -}}", partial).group(1).split()
    assert tuple(int(w) for w in widths) == WIDTHS == driver.WIDTHS
    assert f'"%dx webp Lanczos q{SAVE_OPTIONS["webp"]["quality"]}"' in partial
    assert f'"%dx jpg Lanczos q{SAVE_OPTIONS["jpg"]["quality"]}"' in partial
    assert '<source type="image/webp"' in partial


def test_report_layout_marks_the_body_for_pagefind_and_search_page_loads_it():
    single = (HUGO / "layouts" / "_default" / "single.html").read_text(encoding="utf-8")
    assert re.search(r"<article[^>]*data-pagefind-body", single)
    assert 'partial "picture.html"' in single
    search = (HUGO / "layouts" / "page" / "search.html").read_text(encoding="utf-8")
    assert "pagefind/pagefind-ui.js" in search


def test_verify_names_every_missing_output(trees):
    _, site = trees
    with pytest.raises(SystemExit) as failure:
        driver.verify(site)  # nothing built
    message = str(failure.value)
    for slug in hugo_reports(site):
        assert f"report {slug}: page or JSON missing" in message
    assert "list units/chengbei-jiedao missing" in message
    assert "Pagefind indexed 0 pages, not 6" in message


def test_the_scenarios_edit_the_report_file_of_the_slug(trees):
    _, site = trees
    for slug in hugo_reports(site):
        path = driver.report_file(site, slug)
        assert split_front_matter(path.read_text(encoding="utf-8"))[0]["slug"] == slug


def test_the_newest_addition_is_dated_after_every_report_in_every_tree(trees, tmp_path):
    import run

    corpus, site = trees
    plain = generate(tmp_path / "plain", 6, minimal=True)
    trees_and_changes = [(corpus / "news", "slug: bench-", "slug: added-bench-"),
                         (site / "content" / "news", "slug: bench-", "slug: added-bench-"),
                         (plain / "news", "title: ", "title: 新增")]
    for folder, old, new in trees_and_changes:
        files = [p for p in folder.rglob("*.md") if p.name != "_index.md"]
        dates = {str(split_front_matter(p.read_text(encoding="utf-8"))[0]["date"]) for p in files}
        assert dates and max(dates) < run.NEWEST_DATE
        changed = run.newest(old, new)(files[0].read_text(encoding="utf-8"))
        meta = split_front_matter(changed)[0]
        assert str(meta["date"]) == run.NEWEST_DATE and new in changed
        if "months" in meta:  # Hugo's month term follows the date
            assert meta["months"] == [run.NEWEST_DATE[:7]]


def test_cold_builds_start_from_the_same_kernel_caches(tmp_path, monkeypatch):
    """settle_file_system writes back, asks the kernel to drop its caches, then reads every input back in
    (missing inputs skipped); where the caches cannot be dropped it says so and reads nothing."""
    import measure

    inputs = tmp_path / "inputs"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "sub" / "a.md").write_text("甲" * 10, encoding="utf-8")
    program = tmp_path / "program"
    program.write_bytes(b"\0" * (3 << 20))
    read: list[str] = []
    real_open = measure.Path.open

    def recording_open(self, mode="r", *args, **kwargs):
        if mode == "rb":
            read.append(self.name)
        return real_open(self, mode, *args, **kwargs)
    monkeypatch.setattr(measure.Path, "open", recording_open)

    control = tmp_path / "drop_caches"
    monkeypatch.setattr(measure, "DROP_CACHES", control)
    assert measure.settle_file_system([inputs, program, tmp_path / "missing"])
    assert control.read_text() == "3\n"
    assert sorted(read) == ["a.md", "program"]

    read.clear()
    monkeypatch.setattr(measure, "DROP_CACHES", tmp_path / "no-such-folder" / "drop_caches")
    assert not measure.settle_file_system([inputs, program])
    assert read == []
