// The 预览 pane of the 编辑 screen: the page rendered by the site's own templates (POST /api/preview/…),
// refreshed a moment after typing stops, with the live check's problems listed under it. Never refreshed
// during an IME composition: a result that arrives meanwhile waits for compositionend.

import { post } from "./api.js";
import { h, replace } from "./dom.js";

const PREVIEW_DELAY = 600;
const RETRY_DELAY = 3000;

export class PreviewPane {
  constructor(editor) {
    this.editor = editor;
    this.seq = 0;
    this.pending = null;
    this.timer = null;
    this.frame = h("iframe", { class: "preview-frame", title: "预览", "aria-labelledby": "preview-title",
      sandbox: "allow-same-origin" });
    this.note = h("p", { class: "preview-note", id: "preview-note" });
    this.problems = h("ul", { class: "preview-problems" });
    this.element = h("aside", { class: "editor-preview" },
      h("h2", { id: "preview-title" }, "预览"),
      this.note, this.frame, this.problems);
  }

  /** Refresh after a pause in typing. */
  schedule() {
    this.cancel();
    this.timer = window.setTimeout(() => this.refresh(), PREVIEW_DELAY);
  }

  cancel() {
    window.clearTimeout(this.timer);
  }

  /** What the pane says before anything has been typed into a new entry. */
  empty() {
    this.note.textContent = "开始填写后，这里显示网站上的样子。";
  }

  /** The composition ended: show the preview that arrived while it was in progress. */
  compositionEnded() {
    if (this.pending !== null) {
      this.show(this.pending);
      this.pending = null;
    }
  }

  async refresh() {
    const editor = this.editor;
    if (editor.composing || editor.left) return;
    const seq = ++this.seq;
    const { fields, body } = editor.current();
    this.note.textContent = "正在更新预览……";
    try {
      const data = await post(`/api/preview/${editor.collection}`, { fields, body });
      if (seq !== this.seq || editor.left) return;
      if (editor.composing) this.pending = data;
      else this.show(data);
    } catch (error) {
      if (seq !== this.seq || editor.left) return;
      this.note.textContent = error.message;
      if (error.status === 503) this.timer = window.setTimeout(() => this.refresh(), RETRY_DELAY);
    }
  }

  show(data) {
    const frame = this.frame;
    const problems = data.diagnostics || [];
    replace(this.problems, problems.map((d) => h("li", { class: `problem-${d.severity}` },
      `${this.fieldTitle(d.field)}${d.message}`)));
    if (!data.html) {
      this.note.textContent = "内容还有需要修改的地方（见下方提示），改好后显示预览。";
      return;
    }
    let scroll = 0;
    try { scroll = frame.contentWindow ? frame.contentWindow.scrollY : 0; } catch (error) { scroll = 0; }
    frame.addEventListener("load", () => {
      try { frame.contentWindow.scrollTo(0, scroll); } catch (error) { /* cross-origin: nothing to restore */ }
    }, { once: true });
    frame.srcdoc = data.html;
    this.note.textContent = "预览已更新（尚未保存）。";
  }

  /** "标题：" for a diagnostic's field ("publications.0.outlet" -> "媒体刊发情况："), or "" when unknown. */
  fieldTitle(field) {
    const name = String(field || "").split(".")[0];
    if (name === "body") return "正文：";
    const widget = name && this.editor.form.byName[name];
    return widget ? `${widget.title}：` : "";
  }
}
