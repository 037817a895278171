// Kiosk search: exact substring matching over the embedded index (window.KIOSK_SEARCH).
// Every term must occur; title matches rank first. Works from file:// with no network.
(function () {
  "use strict";

  function excerpt(text, term) {
    var at = text.indexOf(term);
    if (at < 0) { return document.createTextNode(text.slice(0, 60)); }
    var start = Math.max(0, at - 24);
    var span = document.createElement("span");
    span.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at)));
    var mark = document.createElement("mark");
    mark.textContent = term;
    span.appendChild(mark);
    span.appendChild(document.createTextNode(text.slice(at + term.length, at + term.length + 36) + "…"));
    return span;
  }

  function search(query) {
    var terms = query.split(/\s+/).filter(Boolean);
    if (!terms.length) { return []; }
    return (window.KIOSK_SEARCH || []).map(function (entry) {
      var haystack = entry.title + " " + entry.section + " " + entry.summary + " " + entry.text;
      if (!terms.every(function (t) { return haystack.indexOf(t) >= 0; })) { return null; }
      var score = terms.reduce(function (sum, t) { return sum + (entry.title.indexOf(t) >= 0 ? 10 : 0) +
        haystack.split(t).length - 1; }, 0);
      return { entry: entry, score: score };
    }).filter(Boolean).sort(function (a, b) { return b.score - a.score; });
  }

  function render(query) {
    var list = document.querySelector(".search-results");
    var status = document.querySelector(".search-status");
    var root = document.body.getAttribute("data-root") || "";
    var found = search(query.trim());
    list.textContent = "";
    found.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "search-hit";
      link.href = root + hit.entry.url;
      var title = document.createElement("span");
      title.className = "search-hit-title";
      title.textContent = hit.entry.title;
      var where = document.createElement("span");
      where.className = "search-hit-section";
      where.textContent = hit.entry.section;
      var text = document.createElement("span");
      text.className = "search-hit-text";
      text.appendChild(excerpt(hit.entry.text, query.trim().split(/\s+/)[0]));
      link.appendChild(title);
      link.appendChild(where);
      link.appendChild(text);
      item.appendChild(link);
      list.appendChild(item);
    });
    status.textContent = !query.trim() ? "" : found.length ? "找到 " + found.length + " 件展品" : "没有找到相关展品";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("kiosk-search-input");
    input.addEventListener("input", function () { render(input.value); });
    document.querySelectorAll("[data-keyword]").forEach(function (chip) {
      chip.addEventListener("click", function () {
        input.value = chip.getAttribute("data-keyword");
        render(input.value);
      });
    });
  });
}());
