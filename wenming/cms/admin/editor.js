// The 编辑 screen and its lifecycle: the form from the schema, 正文 with its toolbar, the layout, typing and
// IME, 保存 with its error messages, and leaving. Its parts live in modules of their own: the 预览 pane
// (preview.js), 草稿保护 (autosave.js), the buttons by role and the build watch (workflow.js), the 冲突
// panel (conflict.js), 历史 (history.js) and 复制为公众号格式 (wechat.js).
//
// Chinese input: while an IME composition is in progress (compositionstart … compositionend) nothing here
// refreshes the preview, saves the local draft or touches any field's value or selection; the form is built
// once per entry and never re-rendered while someone types.

import { ApiError, get, post, put } from "./api.js";
import { announce, announceError, focusHeading, formatTime, h, replace } from "./dom.js";
import { Autosave } from "./autosave.js";
import { bodyEditor } from "./body.js";
import { ConflictPanel } from "./conflict.js";
import { buildForm } from "./fields.js";
import { historyPanel, returnComment } from "./history.js";
import { COLLECTION_NAMES, isReviewer } from "./labels.js";
import { askAltText, uploadWithProgress } from "./media.js";
import { PreviewPane } from "./preview.js";
import { registry, schema } from "./registry.js";
import { wechatPanel } from "./wechat.js";
import { Workflow, canEdit } from "./workflow.js";

let flash = null; // {message, watch} to show when the editor re-opens on a just-created entry's address

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function defaults(sch, user) {
  const fields = {};
  for (const [name, node] of Object.entries(sch.properties || {})) {
    const fallback = node["x-default"];
    if (fallback) fields[name] = node.type === "array" ? [fallback] : fallback;
    if (name === "date" && node.format === "date") fields[name] = today();
  }
  if (!fields.units && sch.properties.units && user.unit) fields.units = [user.unit];
  return fields;
}

export async function showEditor(root, { collection, slug, user }) {
  const label = COLLECTION_NAMES[collection];
  document.title = `${slug ? "编辑" : "新建"}${label} · 内容管理`;
  replace(root, h("p", { class: "loading" }, "正在加载……"));
  let sch;
  let reg;
  let entry = null;
  try {
    [sch, reg, entry] = await Promise.all([
      schema(collection),
      registry().catch(() => null),
      slug ? get(`/api/${collection}/${encodeURIComponent(slug)}`) : Promise.resolve(null),
    ]);
  } catch (error) {
    replace(root, h("h1", {}, slug ? `编辑${label}` : `新建${label}`),
      h("p", { class: "form-error" }, error instanceof ApiError ? error.message : "加载失败，请刷新页面重试。"),
      h("p", {}, h("a", { href: `#/${collection}` }, `返回${label}列表`)));
    announceError(error.message);
    focusHeading(root);
    return {};
  }
  return new Editor(root, { collection, slug, user, sch, reg, entry }).screen();
}

class Editor {
  constructor(root, { collection, slug, user, sch, reg, entry }) {
    Object.assign(this, { root, collection, slug, user, sch, reg, entry });
    this.label = COLLECTION_NAMES[collection];
    this.version = entry ? entry.version : null;
    this.composing = false;
    this.busy = false;
    this.preview = new PreviewPane(this);
    this.autosave = new Autosave(this);
    this.workflow = new Workflow(this);
    this.conflict = new ConflictPanel(this);
  }

  // --- building the screen ---------------------------------------------------------------------
  screen() {
    const { collection, entry, user } = this;
    const editable = canEdit(user, entry);
    this.form = buildForm(this.sch, { reg: this.reg, user, isNew: !entry,
      uploadImage: (file, options) => this.uploadForField(file, options) });
    this.body = bodyEditor({ value: entry ? entry.body : "", isComposing: () => this.composing });
    this.form.set(this.initialFields());

    this.notices = h("div", { class: "notices" });
    this.errorSummary = h("div", { class: "error-summary", hidden: true, tabindex: "-1" });

    const fieldset = h("fieldset", { class: "form-fieldset", disabled: !editable },
      h("legend", { class: "visually-hidden" }, `${this.label}内容`), this.form.element, this.body.element);
    this.formEl = h("form", { class: "editor-form", novalidate: true, "aria-labelledby": "editor-title" }, fieldset);
    this.formEl.addEventListener("submit", (event) => { event.preventDefault(); });
    this.formEl.addEventListener("keydown", (event) => {
      // Enter in a one-line field must not submit the form (it also ends a Pinyin composition).
      if (event.key === "Enter" && event.target.matches("input:not([type=checkbox])")) event.preventDefault();
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s" && !event.isComposing) {
        event.preventDefault();
        this.save();
      }
    });
    this.watchTyping(this.formEl);

    const extra = [];
    if (entry) {
      this.history = historyPanel(collection, entry.slug);
      extra.push(this.history.button);
      if (collection === "news") {
        this.wechat = wechatPanel(collection, entry.slug, () => this.dirty());
        extra.push(this.wechat.button);
      }
    }
    const section = h("section", { class: "editor-screen" },
      h("p", { class: "breadcrumb" }, h("a", { href: `#/${collection}` }, `返回${this.label}列表`)),
      h("div", { class: "screen-head" },
        h("h1", { id: "editor-title" }, entry ? `编辑${this.label}` : `新建${this.label}`), this.workflow.badge),
      h("p", { class: "hint" }, "标有“必填”的项目必须填写。修改会自动暂存在本机浏览器中，点“保存”后才会保存到服务器。"),
      this.notices, this.errorSummary, this.conflict.element,
      h("div", { class: "editor-layout" },
        h("div", { class: "editor-main" }, this.formEl),
        this.preview.element),
      this.workflow.actions, this.workflow.liveBox,
      extra.length ? h("div", { class: "extra-bar" }, extra) : null,
      this.history ? this.history.panel : null,
      this.wechat ? this.wechat.panel : null);
    replace(this.root, section);

    this.baseline = this.snapshot();
    this.workflow.render();
    if (!editable) {
      this.notice(isReviewer(this.user) ? "" : "这篇内容已发布或不属于您的单位，您只能查看。需要修改时请联系审核人员。");
    }
    this.autosave.start();
    focusHeading(this.root);
    if (flash) {
      announce(flash.message);
      if (flash.watch) this.workflow.watchBuild(flash.watch.revision, flash.watch.action);
      flash = null;
    }
    if (entry || this.dirty()) this.preview.refresh();
    else this.preview.empty();
    if (entry && entry.status === "draft") this.showReturnComment();
    return { leave: () => this.leave() };
  }

  leave() {
    this.autosave.stop();
    this.preview.cancel();
    this.left = true;
  }

  /** Open the editor again on the entry's own address (after creating it). */
  reopen(message) {
    flash = message;
    this.leave();
    location.replace(`#/${this.collection}/${encodeURIComponent(this.entry.slug)}`);
  }

  notice(message, ...more) {
    if (!message) return null;
    const box = h("div", { class: "notice", role: "note" }, h("p", {}, message), ...more);
    this.notices.append(box);
    return box;
  }

  async showReturnComment() {
    const found = await returnComment(this.collection, this.entry.slug);
    if (!found || this.left) return;
    this.notice(`审核人员 ${found.author} 于 ${formatTime(found.date)} 退回了这篇内容，意见：${found.comment}`);
  }

  // --- typing, IME and the state of the form ---------------------------------------------------
  watchTyping(form) {
    form.addEventListener("compositionstart", () => {
      this.composing = true;
      this.preview.cancel();
      this.autosave.cancel();
    });
    form.addEventListener("compositionend", () => {
      this.composing = false;
      this.changed();
      this.preview.compositionEnded();
    });
    const onChange = (event) => {
      if (event.isComposing || this.composing) return;
      this.changed();
    };
    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
  }

  changed() {
    this.autosave.schedule();
    this.preview.schedule();
  }

  /** The fields the form starts from: the entry's, or the defaults for a new one. */
  initialFields() {
    return this.entry ? this.entry.fields : defaults(this.sch, this.user);
  }

  current() {
    return { fields: this.form.get(this.entry ? this.entry.fields : {}), body: this.body.get() };
  }

  snapshot() {
    return JSON.stringify(this.current());
  }

  dirty() {
    return this.snapshot() !== this.baseline;
  }

  // --- uploads ---------------------------------------------------------------------------------
  async uploadForField(file, { widget, progress, onDone }) {
    const result = await uploadWithProgress(file, progress);
    if (!result) return;
    const altWidget = this.form.byName[`${widget}_alt`];
    if (altWidget) {
      const alt = await askAltText({ thumbnail: result.url, confirm: "确定", initial: altWidget.control.value });
      if (alt === null) { announce("图片已上传，但没有设置。"); return; }
      altWidget.set(alt);
    }
    onDone(result.path, result.url);
    announce(`已设置图片：${result.path}`);
  }

  // --- saving ----------------------------------------------------------------------------------
  clearProblems() {
    this.form.clear();
    const slot = this.body.error().slot.error;
    slot.hidden = true;
    slot.textContent = "";
    this.body.textarea.removeAttribute("aria-invalid");
    this.errorSummary.hidden = true;
    replace(this.errorSummary);
  }

  showProblems(error) {
    const diagnostics = error.data.diagnostics || [];
    const bodyMessages = diagnostics.filter((d) => d.field === "body").map((d) => (d.line ? `${d.message}` : d.message));
    const leftover = this.form.showDiagnostics(diagnostics.filter((d) => d.field !== "body"));
    const slot = this.body.error().slot.error;
    slot.textContent = bodyMessages.join(" ");
    slot.hidden = bodyMessages.length === 0;
    if (bodyMessages.length) this.body.textarea.setAttribute("aria-invalid", "true");
    replace(this.errorSummary,
      h("h2", {}, error.message),
      leftover.length || diagnostics.length ? h("ul", {}, diagnostics.map((d) => h("li", {}, d.message))) : null);
    this.errorSummary.hidden = false;
    this.errorSummary.focus();
  }

  async save({ quiet = false, navigate = true } = {}) {
    if (this.busy) return null;
    if (this.composing) { announce("请先完成输入法中的文字，再保存。"); return null; }
    this.busy = true;
    this.workflow.setBusy(true);
    const { fields, body } = this.current();
    const sent = body;
    try {
      let saved;
      if (!this.entry) {
        const { slug, ...rest } = fields;
        saved = await post(`/api/${this.collection}`, { fields: rest, body, slug: slug || null });
      } else {
        saved = await put(`/api/${this.collection}/${encodeURIComponent(this.entry.slug)}`,
          { fields, body, version: this.version });
      }
      this.clearProblems();
      this.conflict.hide();
      const wasNew = !this.entry;
      this.entry = saved;
      this.version = saved.version;
      if (!this.composing && this.body.get() === sent && saved.body !== sent) this.body.set(saved.body);
      if (wasNew) {
        this.autosave.drop(null); // the draft of the new entry
        this.baseline = this.snapshot();
        this.created = true;
        if (navigate) this.reopen({ message: "已保存为草稿。" });
        return saved;
      }
      this.baseline = JSON.stringify({ fields: this.form.get(saved.fields), body: sent });
      this.autosave.flush();
      if (!quiet) announce(saved.status === "published" ? "已保存。网站正在更新……" : "已保存。");
      this.workflow.render();
      if (saved.status === "published" && !quiet) this.workflow.watchBuild(null);
      return saved;
    } catch (error) {
      this.failed(error);
      return null;
    } finally {
      this.busy = false;
      this.workflow.setBusy(false);
    }
  }

  failed(error) {
    if (!(error instanceof ApiError)) {
      announceError("操作失败，请稍后再试。");
      return;
    }
    if (error.status === 422 && error.data.diagnostics) {
      this.showProblems(error);
      announceError(error.message);
    } else if (error.status === 409 && error.data.current) {
      this.conflict.show(error.data.current, error.message);
    } else {
      replace(this.errorSummary, h("h2", {}, error.message));
      this.errorSummary.hidden = false;
      this.errorSummary.focus();
      announceError(error.message);
    }
  }
}
