// Progressive enhancement of the quota matrix: sortable columns and a filter.
// Without JavaScript the full tables stay readable; nothing here is required.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.children[index];
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? parseFloat(sort) : cell.textContent.trim();
  }

  function makeSortable(table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function applyFilter(tables, text, status, counter) {
    var shown = 0, total = 0;
    tables.forEach(function (table) {
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        total += 1;
        var name = row.cells[0].textContent;
        var matchesText = !text || name.indexOf(text) !== -1;
        var matchesStatus = status === "all" ||
          (status === "behind" && row.querySelector('[data-status="behind"]')) ||
          (status === "not-all-met" && row.getAttribute("data-all-met") === "no");
        row.hidden = !(matchesText && matchesStatus);
        if (!row.hidden) { shown += 1; }
      });
    });
    counter.textContent = "显示 " + shown + " / " + total + " 个单位";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var tables = Array.prototype.slice.call(document.querySelectorAll("table[data-sortable]"));
    tables.forEach(makeSortable);
    var tools = document.querySelector(".table-tools");
    if (!tools || !tables.length) { return; }
    tools.hidden = false;
    var textInput = document.getElementById("quota-filter-text");
    var statusSelect = document.getElementById("quota-filter-status");
    var counter = tools.querySelector(".filter-count");
    function update() { applyFilter(tables, textInput.value.trim(), statusSelect.value, counter); }
    textInput.addEventListener("input", update);
    statusSelect.addEventListener("change", update);
  });
}());
