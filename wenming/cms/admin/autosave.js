// 草稿保护 on the 编辑 screen: unsaved edits go to the local draft (drafts.js) a moment after typing stops,
// come back when the screen opens again (with a button to discard them), and the browser warns before a
// tab with unsaved edits is closed. Nothing is stored during an IME composition.

import { announce, formatTime, h } from "./dom.js";
import { dropDraft, loadDraft, saveDraft } from "./drafts.js";

const DRAFT_DELAY = 400;

export class Autosave {
  constructor(editor) {
    this.editor = editor;
    this.timer = null;
    this.onBeforeUnload = (event) => {
      if (!this.editor.dirty()) return;
      this.flush();
      event.preventDefault();
      event.returnValue = "";
    };
  }

  /** The draft's key: the entry's slug, or null for an entry not yet saved. */
  key() {
    return this.editor.entry ? this.editor.entry.slug : null;
  }

  /** Restore the local draft (if any) and warn before the tab closes with unsaved edits. */
  start() {
    this.restore();
    window.addEventListener("beforeunload", this.onBeforeUnload);
  }

  stop() {
    this.flush();
    window.removeEventListener("beforeunload", this.onBeforeUnload);
    this.cancel();
  }

  /** Store after a pause in typing. */
  schedule() {
    this.cancel();
    this.timer = window.setTimeout(() => this.flush(), DRAFT_DELAY);
  }

  cancel() {
    window.clearTimeout(this.timer);
  }

  /** Store the edits now (or drop the draft when there are none). */
  flush() {
    const editor = this.editor;
    this.cancel();
    if (editor.composing || editor.left) return;
    if (editor.dirty()) saveDraft(editor.collection, this.key(), { ...editor.current(), version: editor.version });
    else dropDraft(editor.collection, this.key());
  }

  /** Forget the draft stored under `slug` (by default the entry's own; null: the draft of a new entry). */
  drop(slug = this.key()) {
    dropDraft(this.editor.collection, slug);
  }

  restore() {
    const editor = this.editor;
    const draft = loadDraft(editor.collection, this.key());
    if (!draft) return;
    const restored = JSON.stringify({ fields: draft.fields, body: draft.body });
    if (restored === editor.baseline) { this.drop(); return; }
    editor.form.set(draft.fields || {});
    editor.body.set(draft.body || "");
    // Saving against the version the edits started from: if someone saved since, the server answers 409.
    if (draft.version) editor.version = draft.version;
    const undo = h("button", { type: "button", class: "button-quiet" }, "放弃这些修改");
    const box = editor.notice(`已恢复您在 ${formatTime(draft.saved_at)} 未保存的修改（暂存在本机浏览器中）。请检查后点“保存”。`, undo);
    undo.addEventListener("click", () => {
      editor.form.set(editor.initialFields());
      editor.body.set(editor.entry ? editor.entry.body : "");
      editor.version = editor.entry ? editor.entry.version : null;
      this.drop();
      box.remove();
      announce("已放弃暂存的修改，恢复为服务器上保存的版本。");
      editor.preview.refresh();
      editor.body.focus();
    });
    announce("已恢复上次未保存的修改。");
  }
}
