// The 冲突 panel of the 编辑 screen (a 409 on 保存): everything typed stays in the form; the panel lists the
// fields that differ with a button to take the newer version of each, a line diff of 正文, and a button to
// discard one's own edits. The next 保存 goes against the newer version.

import { announce, announceError, h, replace, uid } from "./dom.js";
import { lineDiff, renderDiff } from "./diff.js";

function show(value) {
  if (value === undefined || value === null) return "（空）";
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? Object.values(v).join(" ") : v)).join("、");
  return String(value);
}

export class ConflictPanel {
  constructor(editor) {
    this.editor = editor;
    this.element = h("section", { class: "conflict card", hidden: true, "aria-labelledby": "conflict-title" });
  }

  hide() {
    this.element.hidden = true;
    replace(this.element);
  }

  show(current, message) {
    const editor = this.editor;
    // Keep everything typed; the next 保存 goes against the newer version the server reported.
    editor.entry = current;
    editor.version = current.version;
    editor.autosave.flush();
    const mine = editor.current();
    const rows = [];
    for (const widget of editor.form.widgets) {
      const theirs = current.fields[widget.name];
      const ours = mine.fields[widget.name];
      if (JSON.stringify(theirs ?? null) === JSON.stringify(ours ?? null)) continue;
      const take = h("button", { type: "button", class: "button-quiet" }, `${widget.title}：采用最新版本`);
      take.addEventListener("click", () => {
        widget.set(theirs);
        take.disabled = true;
        take.textContent = "已采用";
        editor.changed();
      });
      rows.push(h("tr", {}, h("th", { scope: "row" }, widget.title), h("td", {}, show(ours)), h("td", {}, show(theirs)), h("td", {}, take)));
    }
    const diff = lineDiff(current.body || "", mine.body || "");
    const bodyChanged = diff.some((line) => line.op !== "same");
    const latestId = uid("latest");
    const latest = h("textarea", { id: latestId, readonly: true, rows: 8, class: "code" });
    latest.value = current.body || "";
    const discard = h("button", { type: "button", class: "button-danger" }, "放弃我的修改，改用最新版本");
    discard.addEventListener("click", () => {
      editor.form.set(current.fields);
      editor.body.set(current.body);
      editor.baseline = editor.snapshot();
      editor.autosave.drop();
      this.hide();
      editor.workflow.render();
      editor.preview.refresh();
      announce("已改用最新版本。");
      editor.body.focus();
    });
    replace(this.element,
      h("h2", { id: "conflict-title", tabindex: "-1" }, "有人保存了更新的版本"),
      h("p", {}, message || "在您编辑期间，其他人保存了这篇内容的新版本。"),
      h("p", {}, "您输入的内容都还在表单里，没有丢失，但还没有保存。请对照下面的不同之处，在表单中改好要保留的内容，然后再点“保存”：将以最新版本为基础保存您的内容。"),
      rows.length ? h("div", { class: "table-wrap" }, h("table", { class: "conflict-fields" },
        h("caption", {}, "不同的项目"),
        h("thead", {}, h("tr", {}, ["项目", "您的内容", "最新版本", "操作"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, rows))) : null,
      bodyChanged ? h("div", {},
        h("h3", {}, "正文的不同之处"),
        h("p", { class: "hint" }, "标 − 的行只在最新版本中，标 + 的行只在您的内容中。"),
        renderDiff(diff, { del: "只在最新版本中", add: "只在您的内容中" })) : h("p", {}, "正文没有不同。"),
      h("details", {}, h("summary", {}, "查看最新版本的正文（可复制）"),
        h("label", { for: latestId }, "最新版本的正文"), latest),
      h("div", { class: "actions" }, discard));
    this.element.hidden = false;
    editor.workflow.render();
    this.element.querySelector("h2").focus();
    announceError("其他人已保存了更新的版本。您的修改没有丢失，请对照不同之处后再保存。");
  }
}
