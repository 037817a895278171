// A line diff (longest common subsequence) for the 冲突 view and for showing unified diffs from git.

import { h } from "./dom.js";

const MAX_CELLS = 4_000_000; // beyond this the table would be slow: fall back to "everything changed"

/**
 * Diff two texts by lines. Returns [{op: "same"|"del"|"add", text}], where "del" lines are only in `a`
 * and "add" lines only in `b`.
 */
export function lineDiff(a, b) {
  const left = a.split("\n");
  const right = b.split("\n");
  // Common prefix and suffix first: edits are usually small.
  let start = 0;
  while (start < left.length && start < right.length && left[start] === right[start]) start += 1;
  let endLeft = left.length;
  let endRight = right.length;
  while (endLeft > start && endRight > start && left[endLeft - 1] === right[endRight - 1]) {
    endLeft -= 1;
    endRight -= 1;
  }
  const head = left.slice(0, start).map((text) => ({ op: "same", text }));
  const tail = left.slice(endLeft).map((text) => ({ op: "same", text }));
  const x = left.slice(start, endLeft);
  const y = right.slice(start, endRight);
  return [...head, ...lcsDiff(x, y), ...tail];
}

function lcsDiff(x, y) {
  const n = x.length;
  const m = y.length;
  if (n * m > MAX_CELLS) {
    return [...x.map((text) => ({ op: "del", text })), ...y.map((text) => ({ op: "add", text }))];
  }
  // table[i][j]: length of the LCS of x[i:] and y[j:]
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      table[i][j] = x[i] === y[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ op: "same", text: x[i] });
      i += 1;
      j += 1;
    } else if (table[i + 1][j] >= table[i][j + 1]) {
      out.push({ op: "del", text: x[i] });
      i += 1;
    } else {
      out.push({ op: "add", text: y[j] });
      j += 1;
    }
  }
  while (i < n) out.push({ op: "del", text: x[i++] });
  while (j < m) out.push({ op: "add", text: y[j++] });
  return out;
}

const MARKS = { same: " ", del: "−", add: "+" };

/**
 * Render diff lines as a list; `names` = {del, add} says whose lines they are (read out by screen readers).
 * Long runs of unchanged lines are folded to keep the changes visible.
 */
export function renderDiff(lines, names = { del: "删除", add: "新增" }, context = 3) {
  const list = h("ol", { class: "diff" });
  const changed = lines.map((line) => line.op !== "same");
  lines.forEach((line, index) => {
    if (line.op === "same") {
      const near = changed.slice(Math.max(0, index - context), index + context + 1).some(Boolean);
      if (!near) {
        if (list.lastChild && list.lastChild.classList.contains("diff-fold")) return;
        list.append(h("li", { class: "diff-fold" }, "……（未改动的内容）"));
        return;
      }
    }
    list.append(h("li", { class: `diff-${line.op}` },
      line.op === "same" ? null : h("span", { class: "visually-hidden" }, `${names[line.op]}：`),
      h("span", { class: "diff-mark", "aria-hidden": "true" }, MARKS[line.op]),
      h("span", { class: "diff-text" }, line.text || " ")));
  });
  return list;
}

/** Parse a unified diff (git show) into lines for renderDiff; headers become "same" context lines. */
export function parseUnified(text) {
  const lines = [];
  for (const raw of String(text || "").split("\n")) {
    if (raw.startsWith("+++") || raw.startsWith("---") || raw.startsWith("diff ") || raw.startsWith("index ")) continue;
    if (raw.startsWith("@@")) lines.push({ op: "hunk", text: raw });
    else if (raw.startsWith("+")) lines.push({ op: "add", text: raw.slice(1) });
    else if (raw.startsWith("-")) lines.push({ op: "del", text: raw.slice(1) });
    else if (raw.startsWith("\\")) continue;
    else lines.push({ op: "same", text: raw.slice(1) });
  }
  return lines;
}

/** Render a parsed unified diff (every line shown; hunks as separators). */
export function renderUnified(lines) {
  const list = h("ol", { class: "diff" });
  for (const line of lines) {
    if (line.op === "hunk") {
      list.append(h("li", { class: "diff-fold" }, line.text.replace(/^@@ -(\d+).*\+(\d+).*@@.*$/, "……第 $2 行起")));
      continue;
    }
    list.append(h("li", { class: `diff-${line.op}` },
      line.op === "same" ? null : h("span", { class: "visually-hidden" }, line.op === "add" ? "新增：" : "删除："),
      h("span", { class: "diff-mark", "aria-hidden": "true" }, MARKS[line.op]),
      h("span", { class: "diff-text" }, line.text || " ")));
  }
  return list;
}
