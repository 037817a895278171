// Site search with Pagefind's JavaScript API: Chinese word segmentation, filters by
// town, platform, kind and year, results with title, date, units and a highlighted excerpt,
// over every index bundle the form names in data-bundles (merged with pagefind.mergeIndex).
(function () {
  "use strict";

  var FILTER_ORDER = ["镇（街道）", "实践平台", "报道类型", "年份"];

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function renderResult(data) {
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
    excerpt.innerHTML = data.excerpt;  // Pagefind escapes page text and adds only <mark>
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
      var search = await pagefind.search(query || null, { filters: filters });
      var results = await Promise.all(search.results.slice(0, 30).map(function (r) { return r.data(); }));
      results.forEach(function (data) { list.appendChild(renderResult(data)); });
      status.textContent = search.results.length ? "找到 " + search.results.length + " 条结果" +
        (search.results.length > 30 ? "，显示前 30 条" : "") + "。" : "没有找到相关内容。";
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
}());
