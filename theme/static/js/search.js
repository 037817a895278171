// Site search with Pagefind's JavaScript API: Chinese word segmentation, filters by
// town, platform, kind and year, results with title, date, units and a highlighted excerpt,
// over every index bundle the form names in data-bundles (merged with pagefind.mergeIndex).
//
// Chinese queries are coded as wenming/publish/search_terms.py codes the reports (query_codes):
// Pagefind's own query segmentation (the browser's) and index segmentation (jieba) disagree on
// compounds such as 写春联送祝福. The coded search comes first; the query as typed follows,
// for words found only in a report's body.
(function () {
  "use strict";

  var FILTER_ORDER = ["镇（街道）", "实践平台", "报道类型", "年份"];
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";  // as search_terms.HAN
  var HAN_RUN = new RegExp("^[" + HAN + "]+$");
  var WORDS = new RegExp("[" + HAN + "]+|(?:(?![" + HAN + "])[\\p{L}\\p{N}])+", "gu");
  var EXCERPT_CHARS = 80;

  // The words of a query (search_terms.segment): dictionary terms, longest first, and the
  // Chinese between them; other words as they are.
  function segment(query, dictionary) {
    var words = [];
    (query.match(WORDS) || []).forEach(function (word) {
      if (!HAN_RUN.test(word)) { words.push(word); return; }
      var start = 0, position = 0;
      while (position < word.length) {
        var length = Math.min(dictionary.longest, word.length - position);
        while (length > 1 && !dictionary.terms.has(word.substr(position, length))) { length -= 1; }
        if (length > 1) {
          if (start < position) { words.push(word.slice(start, position)); }
          words.push(word.substr(position, length));
          position = start = position + length;
        } else {
          position += 1;
        }
      }
      if (start < word.length) { words.push(word.slice(start)); }
    });
    return words;
  }

  function encode(text, dictionary) {
    var code = dictionary.prefix;
    for (var i = 0; i < text.length; i += 1) {
      var number = text.charCodeAt(i) - 0x3400;
      for (var place = 3; place >= 0; place -= 1) {
        code += String.fromCharCode(97 + Math.floor(number / Math.pow(26, place)) % 26);
      }
    }
    return code;
  }

  // The query Pagefind is sent (search_terms.query_codes).
  function queryCodes(query, dictionary) {
    var codes = [];
    segment(query, dictionary).forEach(function (word) {
      if (!HAN_RUN.test(word)) {
        codes.push(word);
      } else if (dictionary.terms.has(word)) {
        codes.push(encode(word, dictionary));
      } else {
        for (var i = 0; i < word.length; i += dictionary.chunk) {
          codes.push(encode(word.slice(i, i + dictionary.chunk), dictionary));
        }
      }
    });
    return codes.join(" ");
  }

  function loadDictionary() {
    var payload = JSON.parse(document.getElementById("search-dictionary").textContent);
    payload.terms = new Set(payload.terms);
    payload.longest = 0;
    payload.terms.forEach(function (term) { payload.longest = Math.max(payload.longest, term.length); });
    return payload;
  }

  // Whether a coded search's first result has every code of the query: Pagefind replaces a word
  // that is in no page by its longest prefix that is (its typing aid), which for codes means
  // other characters. A code in no page leaves the first result without it: the coded search is
  // then dropped, and the query as typed is left.
  async function findsEveryCode(search, coded, dictionary) {
    if (!search.results.length) { return true; }
    var data = await search.results[0].data();
    var parts = data.content.split(dictionary.sentinel);
    var indexed = (parts[1] || "").split(/\s+/);
    var text = parts[0].toLowerCase();
    return coded.split(" ").every(function (code) {
      if (code.indexOf(dictionary.prefix) !== 0) { return text.indexOf(code.toLowerCase()) >= 0; }
      return indexed.some(function (word) { return word.indexOf(code) === 0; });
    });
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Words to find and mark in a result: the query's words, and for Chinese the browser's words too.
  function highlightWords(query, dictionary) {
    var words = segment(query, dictionary);
    if (typeof Intl.Segmenter !== "undefined") {
      var segmenter = new Intl.Segmenter("zh-CN", { granularity: "word" });
      words.slice().forEach(function (word) {
        if (!HAN_RUN.test(word)) { return; }
        for (var part of segmenter.segment(word)) { if (part.segment.length > 1) { words.push(part.segment); } }
      });
    }
    return Array.from(new Set(words)).sort(function (a, b) { return b.length - a.length; });
  }

  // An excerpt of the page's own text (the indexed codes after the sentinel are left out), around
  // the first query word it has, with every query word marked.
  function excerpt(data, words, dictionary) {
    var text = data.content.split(dictionary.sentinel)[0].replace(/\s+/g, " ").trim();
    var title = data.meta.title || "";
    if (title && text.indexOf(title) === 0) { text = text.slice(title.length).replace(/^[.\s]+/, ""); }
    var lower = text.toLowerCase();
    var first = -1;
    words.forEach(function (word) {
      var at = lower.indexOf(word.toLowerCase());
      if (at >= 0 && (first < 0 || at < first)) { first = at; }
    });
    var start = Math.max(0, first - 20);
    var shown = text.slice(start, start + EXCERPT_CHARS);
    var html = words.length ? escapeHtml(shown).replace(new RegExp(words.map(function (word) {
      return escapeHtml(word).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|"), "gi"), "<mark>$&</mark>") : escapeHtml(shown);
    return (start > 0 ? "…" : "") + html + (start + EXCERPT_CHARS < text.length ? "…" : "");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function renderResult(data, excerptHtml) {
    var item = element("li", "report-card");
    var heading = element("h2", "report-title");
    var link = element("a", null, data.meta.title || data.url);
    link.href = data.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = element("p", "report-meta");
    if (data.meta.date) { meta.appendChild(element("span", null, data.meta.date)); }
    if (data.meta.units) { meta.appendChild(element("span", null, data.meta.units)); }
    item.appendChild(meta);
    var excerpt = element("p", "report-summary search-excerpt");
    excerpt.innerHTML = excerptHtml;  // escaped page text with <mark> only
    item.appendChild(excerpt);
    return item;
  }

  function buildFilters(fieldset, filters, selected, onChange) {
    FILTER_ORDER.forEach(function (name) {
      if (!filters[name]) { return; }
      var id = "filter-" + FILTER_ORDER.indexOf(name);
      var wrapper = element("p", "search-filter");
      var label = element("label", null, name);
      label.htmlFor = id;
      var select = element("select");
      select.id = id;
      select.name = name;
      select.appendChild(new Option("全部", ""));
      Object.keys(filters[name]).sort().forEach(function (value) {
        select.appendChild(new Option(value + "（" + filters[name][value] + "）", value));
      });
      select.value = selected[name] || "";
      select.addEventListener("change", onChange);
      wrapper.appendChild(label);
      wrapper.appendChild(select);
      fieldset.appendChild(wrapper);
    });
    fieldset.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", async function () {
    var form = document.querySelector(".search-form");
    var input = document.getElementById("search-query");
    var status = document.querySelector(".search-status");
    var list = document.querySelector(".search-results");
    var fieldset = form.querySelector(".search-filters");
    var dictionary = loadDictionary();
    var params = new URLSearchParams(window.location.search);
    var selected = {};
    FILTER_ORDER.forEach(function (name) { if (params.get(name)) { selected[name] = params.get(name); } });
    input.value = params.get("q") || "";

    // The index comes in bundles (see wenming/search_index.py): the primary one brings
    // pagefind.js, the others are merged into it; search and filters then span all of them.
    var primary = form.getAttribute("data-bundle");
    var bundles = [];
    try { bundles = JSON.parse(form.getAttribute("data-bundles") || "[]"); } catch (error) { bundles = []; }
    var pagefind;
    try {
      pagefind = await import(primary + "pagefind.js");
      await pagefind.options({ excerptLength: 40 });
      await Promise.all(bundles.filter(function (url) { return url !== primary; }).map(function (url) {
        return pagefind.mergeIndex(url, { excerptLength: 40 });
      }));
    } catch (error) {
      status.textContent = "搜索索引加载失败，请稍后再试。";
      return;
    }

    async function run() {
      var query = input.value.trim();
      var filters = {};
      fieldset.querySelectorAll("select").forEach(function (select) {
        if (select.value) { filters[select.name] = select.value; }
      });
      list.innerHTML = "";
      if (!query && !Object.keys(filters).length) { status.textContent = "请输入关键词。"; return; }
      status.textContent = "正在搜索…";
      var coded = query ? queryCodes(query, dictionary) : "";
      var searches = [pagefind.search(query || null, { filters: filters })];
      if (coded && coded !== query) { searches.unshift(pagefind.search(coded, { filters: filters })); }
      searches = await Promise.all(searches);
      if (searches.length > 1 && !(await findsEveryCode(searches[0], coded, dictionary))) { searches.shift(); }
      var found = [], seen = new Set();
      searches.forEach(function (search) {
        search.results.forEach(function (r) { if (!seen.has(r.id)) { seen.add(r.id); found.push(r); } });
      });
      var words = highlightWords(query, dictionary);
      var results = await Promise.all(found.slice(0, 30).map(function (r) { return r.data(); }));
      results.forEach(function (data) { list.appendChild(renderResult(data, excerpt(data, words, dictionary))); });
      status.textContent = found.length ? "找到 " + found.length + " 条结果" +
        (found.length > 30 ? "，显示前 30 条" : "") + "。" : "没有找到相关内容。";
    }

    buildFilters(fieldset, await pagefind.filters(), selected, run);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var next = new URLSearchParams({ q: input.value.trim() });
      fieldset.querySelectorAll("select").forEach(function (s) { if (s.value) { next.set(s.name, s.value); } });
      history.replaceState(null, "", "?" + next.toString());
      run();
    });
    run();
  });

  // For the tests: the query Pagefind is sent, as search_terms.query_codes makes it.
  window.wenmingSearch = { queryCodes: function (query) { return queryCodes(query, loadDictionary()); } };
}());
