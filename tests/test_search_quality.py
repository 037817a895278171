"""Chinese search quality: the segmenter and codes of wenming/publish/search_terms.py, and ten real queries
from the sample content in headless Chromium, each expecting its report first (issue 16)."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest
import yaml
from browser_support import allow_only, browser  # noqa: F401 (fixture)
from conftest import soup

from wenming.model.registry import load_registry
from wenming.publish import search_terms
from wenming.publish.search_terms import (
    CHUNK,
    CODE_PREFIX,
    SENTINEL,
    SearchDictionary,
    encode,
    query_codes,
    report_terms,
    segment,
    suffix_codes,
)
from wenming.source.diagnostics import Diagnostics

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "content" / "news"


def front_matter(slug: str) -> dict:
    """The front matter of the sample report with this slug (its file name)."""
    path = next(NEWS.rglob(f"{slug}.md"))
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def title_of(slug: str) -> str:
    return front_matter(slug)["title"]


# (query, slug of the report expected first); None as the query: the report's whole title.
QUERIES = [
    ("写春联送祝福", "20220110-chengnan-chunlian"),       # a compound Pagefind alone does not find (issue 16)
    ("城南 写春联", "20220110-chengnan-chunlian"),        # town (an alias of 城南街道) + activity
    ("城南写春联", "20220110-chengnan-chunlian"),         # the same without a space
    (None, "20220110-chengnan-chunlian"),                 # whole titles
    (None, "20221116-chazhen-weijiangtang"),              # one of twenty “茶乡微讲堂” titles
    (None, "20220427-shijianzhongxin-bushuhui"),          # a title with digits
    ("桑园镇 重阳", "20221004-sangyuan-chongyang"),       # town + activity
    ("白龙塘 防溺水", "20220628-bailongtang-fangnishui"),  # town alias + activity
    ("堰口镇乡村旅游", "20220915-yankou-weijiangtang"),    # town + activity, no space
    ("巾帼志愿者学雷锋", "20220310-chengnan-jinguo"),      # compound
    ("送春联送文化", "20230113-bailongtang-chunlian"),     # compound
]


def real_queries() -> list[tuple[str, str]]:
    return [(query or title_of(slug), slug) for query, slug in QUERIES]


@pytest.fixture(scope="module")
def dictionary() -> SearchDictionary:
    registry = load_registry(ROOT / "content" / "data", Diagnostics(ROOT / "content"))
    assert registry is not None
    return SearchDictionary.from_registry(registry)


# --- the dictionary and the segmenter ----------------------------------------------------------------------

def test_the_dictionary_holds_registry_names_and_local_terms(dictionary):
    for term in ("城南街道", "城南", "南关社区", "蒲家营村", "文化文艺", "丰富活跃文化生活", "我们的节日",
                 "西乡融媒", "茶乡微讲堂", "新时代文明实践中心"):
        assert term in dictionary.terms, term
    assert all(len(term) >= 2 and search_terms.HAN.fullmatch(term) for term in dictionary.terms)
    assert "五知五行" in dictionary.terms and "知行合一" in dictionary.terms  # 五知五行·知行合一, split at the dot


def test_registry_terms_are_kept_whole(dictionary):
    assert segment("茶乡微讲堂", dictionary) == ["茶乡微讲堂"]
    assert segment("城南街道", dictionary) == ["城南街道"]  # the longest term, not 城南 + 街道
    assert segment("大河镇天池村茶乡微讲堂", dictionary) == ["大河镇", "天池村", "茶乡微讲堂"]
    assert segment("城南写春联", dictionary) == ["城南", "写春联"]
    assert segment("写春联送祝福", dictionary) == ["写春联送祝福"]  # no term in it: one word


def test_segmenting_drops_punctuation_and_keeps_other_words(dictionary):
    assert segment("县新时代文明实践中心召开2022年工作推进会", dictionary) == [
        "县新时代文明实践中心", "召开", "2022", "年工作推进会"]
    assert segment("“我们的节日·春节”  Pagefind！", dictionary) == ["我们的节日", "春节", "Pagefind"]


def test_found_terms_are_every_term_that_occurs_overlapping_and_nested_ones_included(dictionary):
    terms = SearchDictionary.from_names(["城北", "城北街道", "北街", "街道办", "新时代文明实践中心", "文明实践",
                                         "实践中心", "中心", "茶乡"])
    text = "城北街道办开展新时代文明实践中心活动，城北也有。北街"
    brute_force = sorted(term for term in terms.terms if term in text)
    assert terms.found_in(text) == brute_force == sorted(
        ["城北", "城北街道", "北街", "街道办", "新时代文明实践中心", "文明实践", "实践中心", "中心"])
    body = "".join(sorted(dictionary.terms))[::3] + "西乡县城北街道的志愿者"  # the real dictionary, scrambled text
    assert dictionary.found_in(body) == sorted(term for term in dictionary.terms if term in body)
    assert SearchDictionary.from_names([]).found_in("城北街道") == []


def test_codes_are_letters_that_keep_prefixes():
    assert re.fullmatch(rf"{CODE_PREFIX}[a-z]{{4}}", encode("写"))
    assert re.fullmatch(rf"{CODE_PREFIX}[a-z]+", encode("写春联送祝福"))
    assert encode("写春联送祝福").startswith(encode("写春联"))
    assert encode("春联") + encode("送祝福")[len(CODE_PREFIX):] == encode("春联送祝福")
    characters = [chr(c) for c in range(0x3400, 0xFB00) if search_terms.HAN.fullmatch(chr(c))]
    assert len({encode(c) for c in characters}) == len(characters)  # no two characters share a code


def test_every_short_substring_of_a_title_starts_one_of_its_codes():
    title = title_of("20220110-chengnan-chunlian")
    codes = suffix_codes(title)
    for run in search_terms.HAN.findall(title):
        for start in range(len(run)):
            for end in range(start + 1, min(start + CHUNK, len(run)) + 1):
                assert any(code.startswith(encode(run[start:end])) for code in codes), run[start:end]


def matches(query: str, terms, dictionary) -> bool:
    """Pagefind's rule on the coded words: every query word starts some indexed word."""
    indexed = f"{terms.title} {terms.text}".split()
    return all(any(word.startswith(code) for word in indexed) for code in query_codes(query, dictionary).split())


def test_a_report_matches_the_coded_queries_for_it_and_not_others(dictionary, sample_model):
    report = next(r for r in sample_model.news if r.slug == "20220110-chengnan-chunlian")
    terms = report_terms(report, dictionary)
    assert terms.title.startswith(SENTINEL + " ")
    for query in ("写春联送祝福", "城南 写春联", "城南写春联", "南关社区", "文化文艺 春联", report.title):
        assert matches(query, terms, dictionary), query
    for query in ("城北 写春联", "送春联送文化", "茶乡微讲堂"):
        assert not matches(query, terms, dictionary), query


def test_terms_named_in_fields_or_body_are_indexed_whole(dictionary, sample_model):
    report = next(r for r in sample_model.news if r.slug == "20220110-chengnan-chunlian")
    codes = report_terms(report, dictionary).text.split()
    assert encode("城南") in codes and encode("城南办") in codes  # aliases of its unit
    assert encode("丰富活跃文化生活") in codes  # its task
    assert encode("新时代文明实践站") in codes  # in the body only


def test_a_phrase_repeated_in_the_summary_is_indexed_once(dictionary, sample_model):
    import dataclasses

    report = next(r for r in sample_model.news if r.slug == "20220110-chengnan-chunlian")
    repeated = dataclasses.replace(report, summary="志愿者写春联。志愿者写春联，城南写春联。")
    terms = report_terms(repeated, dictionary)
    text, title = terms.text.split(), terms.title.split()
    assert len(text) == len(set(text)) and len(title) == len(set(title))
    assert encode("写春联") in text and encode("志愿者") in text  # the suffix, and the dictionary term
    for query in ("志愿者写春联", "城南写春联", "春联"):
        assert matches(query, terms, dictionary), query


@pytest.fixture(scope="module")
def sample_model():
    from wenming.model.site import load_site

    model = load_site(ROOT / "content")[0]
    assert model is not None
    return model


# --- the built pages ----------------------------------------------------------------------------------------

def test_report_pages_hide_their_codes_in_the_indexed_body(sample_site):
    page = soup(sample_site / "news" / "20220110-chengnan-chunlian" / "index.html")
    body = page.select_one("article[data-pagefind-body]")
    hidden = body.find_all("div", attrs={"hidden": True}, recursive=False)
    assert len(hidden) == 2 and hidden[0]["data-pagefind-weight"] == "7"
    title_codes = hidden[0].get_text().split()
    assert title_codes[0] == SENTINEL and encode("写春联送") in title_codes
    assert all(re.fullmatch(r"zq[a-z]+", code) for code in title_codes[1:] + hidden[1].get_text().split())
    own_text, codes = body.get_text().split(SENTINEL)  # the page's own text first, then only codes
    assert title_of("20220110-chengnan-chunlian") in own_text and CODE_PREFIX not in own_text
    assert "春联" not in codes


def test_the_search_page_carries_the_dictionary(sample_site, dictionary):
    page = soup(sample_site / "search" / "index.html")
    payload = json.loads(page.select_one("script#search-dictionary[type='application/json']").string)
    assert payload == dictionary.payload() and "茶乡微讲堂" in payload["terms"]
    assert payload["chunk"] == CHUNK and payload["sentinel"] == SENTINEL


# --- ten real queries in the browser ------------------------------------------------------------------------

@pytest.fixture
def page(browser):  # noqa: F811 (the imported fixture)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside = allow_only(context, "http://127.0.0.1:")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert outside == [], f"requests left the site: {outside}"
    assert errors == []


def search(page, site_url: str, query: str) -> str:
    page.goto(site_url + "search/?q=" + urllib.parse.quote(query))
    page.wait_for_function("() => /找到|没有|失败/.test(document.querySelector('.search-status').textContent)",
                           timeout=20000)
    return page.inner_text(".search-status")


def test_there_are_ten_queries_of_every_kind():
    queries = real_queries()
    assert len(queries) >= 10
    assert sum(query is None for query, _ in QUERIES) >= 3  # whole titles
    assert sum(" " in query for query, _ in queries) >= 2  # town + activity, spaced


@pytest.mark.parametrize("query, slug", real_queries())
def test_a_real_query_finds_its_report_first(page, sample_site_url, dictionary, query, slug):
    assert search(page, sample_site_url, query).startswith("找到")
    first = page.locator(".search-results .report-title a").first
    assert first.get_attribute("href") == f"/news/{slug}/"
    assert first.inner_text() == title_of(slug)
    assert page.evaluate("q => window.wenmingSearch.queryCodes(q)", query) == query_codes(query, dictionary)
    excerpt = page.locator(".search-results .search-excerpt").first
    text = excerpt.inner_text()
    assert CODE_PREFIX not in text and SENTINEL not in text  # the page's own words, not its codes
    marked = excerpt.locator("mark").all_inner_texts()
    assert marked and all(word in query for word in marked)


def test_a_phrase_only_in_a_report_body_is_still_found(page, sample_site_url):
    """书法老师 is in the body of the 城南 report only: no title or summary has it, so its code is in no page.
    Pagefind then searches a prefix of the code (other characters); the coded results are dropped and the
    query as typed finds the report, alone."""
    assert search(page, sample_site_url, "书法老师") == "找到 1 条结果。"
    assert page.locator(".search-results .report-title a").first.get_attribute("href") == (
        "/news/20220110-chengnan-chunlian/")


def test_filters_still_apply_to_coded_queries(page, sample_site_url):
    search(page, sample_site_url, "茶乡微讲堂")
    everything = page.locator(".search-results .report-title a").all_inner_texts()
    page.select_option("select[name='镇（街道）']", "大河镇")
    page.wait_for_function("() => { const titles = [...document.querySelectorAll('.search-results .report-title a')];"
                           " return /找到/.test(document.querySelector('.search-status').textContent)"
                           " && titles.length > 0 && titles.every(a => a.textContent.startsWith('大河镇')); }",
                           timeout=20000)
    filtered = page.locator(".search-results .report-title a").all_inner_texts()
    assert 0 < len(filtered) < len(everything)
