"""Search terms for Chinese: the words of a report and of a query, in a form both sides of the search agree on.

Pagefind segments the pages it indexes with jieba but a query with the browser's
``Intl.Segmenter`` (ICU), and it matches a query word only as the start of an
indexed word. The two segmenters disagree on compounds: ICU reads 写春联送祝福 as
写|春联|送|祝福 while jieba indexed 送祝福 as one word, so 祝福 (and the whole
query) found nothing. Here both sides are taken out of the segmenters' hands:

* a report's title and summary are indexed as *codes* of every suffix (at most
  CHUNK characters) of their Chinese runs; a code is ASCII letters, which neither
  segmenter splits, and the code of a text is a prefix of the code of any longer
  text starting with it. So any Chinese substring of the title or summary of at
  most CHUNK characters is the start of an indexed code;
* the dictionary terms (registry names, LOCAL_TERMS) a report names in its fields
  or mentions anywhere are indexed as whole codes;
* the search page (theme/static/js/search.js mirrors ``query_codes``) splits each
  Chinese run of a query at the dictionary terms in it, longest first, and sends
  a term as one code and the text between terms in chunks of at most CHUNK
  characters. Pagefind requires every word of a query, so 城南写春联 finds the
  reports of 城南 (an alias of 城南街道) whose title or summary has 写春联.

The search page also runs the query as typed, for words only in a report's body,
and lists those results after the coded ones.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from wenming.media.markup import plain_text
from wenming.model.news import NewsItem
from wenming.model.registry import Registry

CHUNK = 4  # longest indexed suffix, in characters (the index grows with it)
CODE_PREFIX = "zq"  # starts every code: no Chinese page has such an English word
SENTINEL = "⁂"  # opens the indexed codes of a page: the search page shows page text only before it
# Chinese characters (CJK Extension A, Unified Ideographs, Compatibility Ideographs); search.js has the same class.
_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN = re.compile(f"[{_HAN_CLASS}]+")
WORD = re.compile(f"[{_HAN_CLASS}]+|[^\\W_{_HAN_CLASS}]+")  # a Chinese run, or letters and digits
_HAN_BASE = 0x3400
_LETTERS = 4  # letters per character: 26**4 > 0xFAFF - 0x3400

# Local terms that are not registry names (those come from content/data/*.yml).
LOCAL_TERMS = (
    "新时代文明实践", "新时代文明实践中心", "新时代文明实践所", "新时代文明实践站", "文明实践", "文明实践所",
    "文明实践站", "茶乡微讲堂", "志愿服务", "志愿服务队", "志愿者", "西乡县", "五知五行", "知行合一",
)


@functools.lru_cache(maxsize=None)  # at most one entry per Chinese character
def _letters(char: str) -> str:
    number = ord(char) - _HAN_BASE
    return "".join(chr(97 + number // 26 ** place % 26) for place in range(_LETTERS - 1, -1, -1))


def encode(text: str) -> str:
    """The code of a run of Chinese characters: CODE_PREFIX and four letters a-z per character."""
    return CODE_PREFIX + "".join(map(_letters, text))


@dataclasses.dataclass(frozen=True)
class SearchDictionary:
    """Terms that a query keeps whole: names of the registry and LOCAL_TERMS (Chinese, two characters or more)."""

    terms: frozenset[str]

    @classmethod
    def from_names(cls, names) -> SearchDictionary:
        return cls(frozenset(run for name in names for run in HAN.findall(name or "") if len(run) >= 2))

    @classmethod
    def from_registry(cls, registry: Registry) -> SearchDictionary:
        names: list[str] = list(LOCAL_TERMS)
        for unit in registry.units:
            names += [unit.name, *unit.aliases, unit.institute or "", *(v.name for v in unit.villages)]
        for outlet in registry.outlets:
            names += [outlet.name, *outlet.aliases]
        for group in (registry.platforms, registry.tasks, registry.kinds, registry.topics, registry.teams):
            names += [named.name for named in group]
        return cls.from_names(names)

    @functools.cached_property
    def longest(self) -> int:
        return max(map(len, self.terms), default=0)

    @functools.cached_property
    def _pattern(self) -> re.Pattern:
        """The longest term at a place: the terms as a trie (a regex of 362 alternatives tried each in turn at
        every character that starts one took twice as long)."""
        trie: dict = {}
        for term in self.terms:
            node = trie
            for char in term:
                node = node.setdefault(char, {})
            node[""] = {}  # a term ends here
        return re.compile(_trie_regex(trie) or "(?!)")

    @functools.cached_property
    def _within(self) -> dict[str, list[str]]:
        """Each term -> the terms it contains (itself included)."""
        return {term: sorted({term[i:j] for i in range(len(term)) for j in range(i + 2, len(term) + 1)} & self.terms)
                for term in self.terms}

    def found_in(self, text: str) -> list[str]:
        """The terms that occur in ``text``, overlapping ones included, sorted."""
        found: set[str] = set()
        match = self._pattern.search(text)
        while match:  # the longest term at each start; the shorter ones are within it
            found.update(self._within[match.group()])
            match = self._pattern.search(text, match.start() + 1)
        return sorted(found)

    def payload(self) -> dict:
        """What search.js needs to code a query the same way, and to tell page text from codes."""
        return {"chunk": CHUNK, "prefix": CODE_PREFIX, "sentinel": SENTINEL, "terms": sorted(self.terms)}


def _trie_regex(node: dict) -> str:
    """A regex matching the longest path of ``node`` (a trie of characters, "" marking an end) at a place."""
    branches = [re.escape(char) + _trie_regex(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body  # greedy: the longer term first, the shorter if it fails


def segment(text: str, dictionary: SearchDictionary) -> list[str]:
    """The words of a query: dictionary terms (longest match first) and the Chinese between them, other words
    (letters, digits) as they are; punctuation and spaces separate words and are dropped."""
    words: list[str] = []
    longest = dictionary.longest
    for word in WORD.findall(text):
        if not HAN.fullmatch(word):
            words.append(word)
            continue
        start = position = 0
        while position < len(word):
            for length in range(min(longest, len(word) - position), 1, -1):
                if word[position:position + length] in dictionary.terms:
                    if start < position:
                        words.append(word[start:position])
                    words.append(word[position:position + length])
                    position = start = position + length
                    break
            else:
                position += 1
        if start < len(word):
            words.append(word[start:])
    return words


def query_codes(query: str, dictionary: SearchDictionary) -> str:
    """The query Pagefind is sent: a dictionary term as one code, other Chinese in codes of CHUNK characters."""
    codes: list[str] = []
    for word in segment(query, dictionary):
        if not HAN.fullmatch(word):
            codes.append(word)
        elif word in dictionary.terms:
            codes.append(encode(word))
        else:
            codes += [encode(word[i:i + CHUNK]) for i in range(0, len(word), CHUNK)]
    return " ".join(codes)


def suffix_codes(text: str) -> list[str]:
    """The code of every suffix (cut to CHUNK characters) of every Chinese run of ``text``."""
    codes = []
    for run in HAN.findall(text):
        letters = "".join(map(_letters, run))
        codes += [CODE_PREFIX + letters[i:i + _LETTERS * CHUNK] for i in range(0, len(letters), _LETTERS)]
    return codes


def term_codes(text: str, dictionary: SearchDictionary) -> list[str]:
    """The codes of the dictionary terms that occur in ``text``, each once, in a stable order."""
    return [encode(term) for term in dictionary.found_in(text)]


@dataclasses.dataclass(frozen=True)
class ReportTerms:
    """The indexed codes of a report: ``title`` (weighted like the title; SENTINEL first, so that the page text
    ends where the codes start) and ``text`` (summary, names, body)."""

    title: str
    text: str


def report_terms(report: NewsItem, dictionary: SearchDictionary) -> ReportTerms:
    """The title's and summary's suffix codes, and the codes of the terms the report names or mentions."""
    names = [report.village or "", report.kind.name, *(t.name for t in report.topics),
             *(n for unit in report.units for n in (unit.name, *unit.aliases)),
             *(x.name for x in (report.platform, report.task) if x is not None)]
    mentioned = dictionary.found_in(" ".join([*names, report.summary, plain_text(report.html)]))
    # each code once: a query matches the same reports (it needs a code to start with each of its words); a
    # summary that repeats a phrase no longer weighs it more (a synthetic one of 10,000: 114 codes -> 94)
    title = dict.fromkeys(suffix_codes(report.title) + term_codes(report.title, dictionary))
    text = dict.fromkeys(suffix_codes(report.summary) + [encode(term) for term in mentioned])
    return ReportTerms(" ".join([SENTINEL, *title]), " ".join(text))
