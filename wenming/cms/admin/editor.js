// The 编辑 screen: the form from the schema, 正文 with toolbar and live 预览, buttons by role, 冲突 handling,
// 草稿保护 (local storage and the beforeunload warning), 历史 and 复制为公众号格式.
//
// Chinese input: while an IME composition is in progress (compositionstart … compositionend) nothing here
// refreshes the preview, saves the local draft or touches any field's value or selection; the form is built
// once per entry and never re-rendered while someone types.

import { ApiError, get, post, put } from "./api.js";
import { announce, announceError, focusHeading, formatTime, h, replace, uid } from "./dom.js";
import { lineDiff, renderDiff } from "./diff.js";
import { dropDraft, loadDraft, saveDraft } from "./drafts.js";
import { buildForm } from "./fields.js";
import { bodyEditor } from "./body.js";
import { historyPanel, returnComment } from "./history.js";
import { COLLECTION_NAMES, STATUS_NAMES, isReviewer } from "./labels.js";
import { askAltText, uploadWithProgress } from "./media.js";
import { registry, schema } from "./registry.js";
import { wechatPanel } from "./wechat.js";

const PREVIEW_DELAY = 600;
const DRAFT_DELAY = 400;
const BUILD_POLL = 1500;
const BUILD_TIMEOUT = 10 * 60 * 1000;
let flash = null; // {message, watch} to show when the editor re-opens on a just-created entry's address

const ACTION_TEXT = {
  submit: { busy: "正在提交审核……", done: "已提交审核，请等待审核人员处理。" },
  publish: { busy: "正在发布……", done: "已发布。网站正在更新……" },
  unpublish: { busy: "正在撤回发布……", done: "已撤回发布，内容回到草稿状态，网站正在更新。" },
  return: { busy: "正在退回……", done: "已退回给报送单位，并附上了您的意见。" },
};

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

function canEdit(user, entry) {
  if (!entry) return true;
  if (isReviewer(user)) return true;
  const units = [].concat(entry.fields.units || entry.fields.unit || entry.fields.owner || []);
  return units.includes(user.unit) && ["draft", "review"].includes(entry.status);
}

function publicUrl(entry) {
  if (!entry || !entry.url) return null;
  return new URL(entry.url, `${location.origin}/`).href;
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
    this.timers = {};
    this.previewSeq = 0;
    this.pendingPreview = null;
    this.busy = false;
    this.onBeforeUnload = (event) => {
      if (!this.dirty()) return;
      this.flushDraft();
      event.preventDefault();
      event.returnValue = "";
    };
  }

  // --- building the screen ---------------------------------------------------------------------
  screen() {
    const { collection, entry, user } = this;
    const editable = canEdit(user, entry);
    this.form = buildForm(this.sch, { reg: this.reg, user, isNew: !entry,
      uploadImage: (file, options) => this.uploadForField(file, options) });
    this.body = bodyEditor({ value: entry ? entry.body : "", isComposing: () => this.composing });
    this.form.set(entry ? entry.fields : defaults(this.sch, user));

    this.statusBadge = h("span", { class: "badge" });
    this.notices = h("div", { class: "notices" });
    this.errorSummary = h("div", { class: "error-summary", hidden: true, tabindex: "-1" });
    this.conflictBox = h("section", { class: "conflict card", hidden: true, "aria-labelledby": "conflict-title" });
    this.liveBox = h("div", { class: "live-box", hidden: true });
    this.actions = h("div", { class: "action-bar", role: "group", "aria-label": "操作" });
    this.previewFrame = h("iframe", { class: "preview-frame", title: "预览", "aria-labelledby": "preview-title",
      sandbox: "allow-same-origin" });
    this.previewNote = h("p", { class: "preview-note", id: "preview-note" });
    this.previewProblems = h("ul", { class: "preview-problems" });

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
        h("h1", { id: "editor-title" }, entry ? `编辑${this.label}` : `新建${this.label}`), this.statusBadge),
      h("p", { class: "hint" }, "标有“必填”的项目必须填写。修改会自动暂存在本机浏览器中，点“保存”后才会保存到服务器。"),
      this.notices, this.errorSummary, this.conflictBox,
      h("div", { class: "editor-layout" },
        h("div", { class: "editor-main" }, this.formEl),
        h("aside", { class: "editor-preview" },
          h("h2", { id: "preview-title" }, "预览"),
          this.previewNote, this.previewFrame, this.previewProblems)),
      this.actions, this.liveBox,
      extra.length ? h("div", { class: "extra-bar" }, extra) : null,
      this.history ? this.history.panel : null,
      this.wechat ? this.wechat.panel : null);
    replace(this.root, section);

    this.baseline = this.snapshot();
    this.renderStatus();
    if (!editable) {
      this.notice(isReviewer(this.user) ? "" : "这篇内容已发布或不属于您的单位，您只能查看。需要修改时请联系审核人员。");
    }
    this.restoreDraft();
    window.addEventListener("beforeunload", this.onBeforeUnload);
    focusHeading(this.root);
    if (flash) {
      announce(flash.message);
      if (flash.watch) this.watchBuild(flash.watch.revision, flash.watch.action);
      flash = null;
    }
    if (entry || this.dirty()) this.refreshPreview();
    else this.previewNote.textContent = "开始填写后，这里显示网站上的样子。";
    if (entry && entry.status === "draft") this.showReturnComment();
    return { leave: () => this.leave() };
  }

  leave() {
    this.flushDraft();
    window.removeEventListener("beforeunload", this.onBeforeUnload);
    for (const timer of Object.values(this.timers)) window.clearTimeout(timer);
    this.left = true;
  }

  notice(message, ...more) {
    if (!message) return null;
    const box = h("div", { class: "notice", role: "note" }, h("p", {}, message), ...more);
    this.notices.append(box);
    return box;
  }

  // --- typing, IME, drafts and preview ---------------------------------------------------------
  watchTyping(form) {
    form.addEventListener("compositionstart", () => {
      this.composing = true;
      window.clearTimeout(this.timers.preview);
      window.clearTimeout(this.timers.draft);
    });
    form.addEventListener("compositionend", () => {
      this.composing = false;
      this.changed();
      if (this.pendingPreview !== null) {
        this.showPreview(this.pendingPreview);
        this.pendingPreview = null;
      }
    });
    const onChange = (event) => {
      if (event.isComposing || this.composing) return;
      this.changed();
    };
    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
  }

  changed() {
    window.clearTimeout(this.timers.preview);
    window.clearTimeout(this.timers.draft);
    this.timers.draft = window.setTimeout(() => this.flushDraft(), DRAFT_DELAY);
    this.timers.preview = window.setTimeout(() => this.refreshPreview(), PREVIEW_DELAY);
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

  draftKey() {
    return this.entry ? this.entry.slug : null;
  }

  flushDraft() {
    window.clearTimeout(this.timers.draft);
    if (this.composing || this.left) return;
    if (this.dirty()) saveDraft(this.collection, this.draftKey(), { ...this.current(), version: this.version });
    else dropDraft(this.collection, this.draftKey());
  }

  restoreDraft() {
    const draft = loadDraft(this.collection, this.draftKey());
    if (!draft) return;
    const restored = JSON.stringify({ fields: draft.fields, body: draft.body });
    if (restored === this.baseline) { dropDraft(this.collection, this.draftKey()); return; }
    this.form.set(draft.fields || {});
    this.body.set(draft.body || "");
    // Saving against the version the edits started from: if someone saved since, the server answers 409.
    if (draft.version) this.version = draft.version;
    const undo = h("button", { type: "button", class: "button-quiet" }, "放弃这些修改");
    const box = this.notice(`已恢复您在 ${formatTime(draft.saved_at)} 未保存的修改（暂存在本机浏览器中）。请检查后点“保存”。`, undo);
    undo.addEventListener("click", () => {
      this.form.set(this.entry ? this.entry.fields : defaults(this.sch, this.user));
      this.body.set(this.entry ? this.entry.body : "");
      this.version = this.entry ? this.entry.version : null;
      dropDraft(this.collection, this.draftKey());
      box.remove();
      announce("已放弃暂存的修改，恢复为服务器上保存的版本。");
      this.refreshPreview();
      this.body.focus();
    });
    announce("已恢复上次未保存的修改。");
  }

  async refreshPreview() {
    if (this.composing || this.left) return;
    const seq = ++this.previewSeq;
    const { fields, body } = this.current();
    this.previewNote.textContent = "正在更新预览……";
    try {
      const data = await post(`/api/preview/${this.collection}`, { fields, body });
      if (seq !== this.previewSeq || this.left) return;
      if (this.composing) this.pendingPreview = data;
      else this.showPreview(data);
    } catch (error) {
      if (seq !== this.previewSeq || this.left) return;
      this.previewNote.textContent = error.message;
      if (error.status === 503) this.timers.preview = window.setTimeout(() => this.refreshPreview(), 3000);
    }
  }

  showPreview(data) {
    const frame = this.previewFrame;
    const problems = data.diagnostics || [];
    replace(this.previewProblems, problems.map((d) => h("li", { class: `problem-${d.severity}` },
      `${this.fieldTitle(d.field)}${d.message}`)));
    if (!data.html) {
      this.previewNote.textContent = "内容还有需要修改的地方（见下方提示），改好后显示预览。";
      return;
    }
    let scroll = 0;
    try { scroll = frame.contentWindow ? frame.contentWindow.scrollY : 0; } catch (error) { scroll = 0; }
    frame.addEventListener("load", () => {
      try { frame.contentWindow.scrollTo(0, scroll); } catch (error) { /* cross-origin: nothing to restore */ }
    }, { once: true });
    frame.srcdoc = data.html;
    this.previewNote.textContent = "预览已更新（尚未保存）。";
  }

  /** "标题：" for a diagnostic's field ("publications.0.outlet" -> "媒体刊发情况："), or "" when unknown. */
  fieldTitle(field) {
    const name = String(field || "").split(".")[0];
    if (name === "body") return "正文：";
    const widget = name && this.form.byName[name];
    return widget ? `${widget.title}：` : "";
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
    this.setBusy(true);
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
      this.hideConflict();
      const wasNew = !this.entry;
      this.entry = saved;
      this.version = saved.version;
      if (!this.composing && this.body.get() === sent && saved.body !== sent) this.body.set(saved.body);
      if (wasNew) {
        dropDraft(this.collection, null);
        this.baseline = this.snapshot();
        this.created = true;
        if (navigate) this.reopen({ message: "已保存为草稿。" });
        return saved;
      }
      this.baseline = JSON.stringify({ fields: this.form.get(saved.fields), body: sent });
      this.flushDraft();
      if (!quiet) announce(saved.status === "published" ? "已保存。网站正在更新……" : "已保存。");
      this.renderStatus();
      if (saved.status === "published" && !quiet) this.watchBuild(null);
      return saved;
    } catch (error) {
      this.failed(error);
      return null;
    } finally {
      this.busy = false;
      this.setBusy(false);
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
      this.showConflict(error.data.current, error.message);
    } else {
      replace(this.errorSummary, h("h2", {}, error.message));
      this.errorSummary.hidden = false;
      this.errorSummary.focus();
      announceError(error.message);
    }
  }

  setBusy(busy) {
    for (const button of this.actions.querySelectorAll("button")) button.disabled = busy;
  }

  // --- workflow buttons by role ----------------------------------------------------------------
  renderStatus() {
    const entry = this.entry;
    const status = entry ? entry.status : "draft";
    this.statusBadge.className = `badge badge-${status}`;
    this.statusBadge.textContent = entry ? STATUS_NAMES[status] || status : "未保存";
    const buttons = [];
    const reviewer = isReviewer(this.user);
    const editable = canEdit(this.user, entry);
    if (editable) buttons.push(h("button", { type: "button", class: "button-primary", onclick: () => this.save() }, "保存"));
    if (editable && status === "draft") buttons.push(h("button", { type: "button", onclick: () => this.transition("submit") }, "提交审核"));
    if (reviewer && (status === "draft" || status === "review")) {
      buttons.push(h("button", { type: "button", class: "button-publish", onclick: () => this.transition("publish") }, "发布"));
    }
    let returnBox = null;
    if (reviewer && entry && status === "review") {
      const id = uid("comment");
      this.commentInput = h("textarea", { id, rows: 2, "aria-describedby": `${id}-hint` });
      returnBox = h("div", { class: "return-box" },
        h("div", { class: "field" }, h("label", { for: id }, "退回意见"), this.commentInput,
          h("p", { class: "hint", id: `${id}-hint` }, "退回时必须写明需要修改的地方，报送单位会看到这段意见。")),
        h("button", { type: "button", class: "button-danger", onclick: () => this.transition("return") }, "退回"));
    }
    if (reviewer && status === "published") {
      buttons.push(h("button", { type: "button", class: "button-danger", onclick: () => this.transition("unpublish") }, "撤回发布"));
    }
    const url = publicUrl(entry);
    replace(this.actions, h("div", { class: "buttons" }, buttons), returnBox,
      url ? h("p", { class: "public-link" }, h("a", { href: url, target: "_blank", rel: "noopener" }, "在网站上查看")) : null);
  }

  async transition(action) {
    if (this.busy) return;
    if (this.composing) { announce("请先完成输入法中的文字。"); return; }
    let comment = null;
    if (action === "return") {
      comment = this.commentInput.value.trim();
      if (!comment) {
        announceError("请填写退回意见，说明需要修改的地方。");
        this.commentInput.setAttribute("aria-invalid", "true");
        this.commentInput.focus();
        return;
      }
    }
    if (!this.entry || this.dirty()) {
      const saved = await this.save({ quiet: true, navigate: false });
      if (!saved) return;
    }
    const before = action === "publish" || action === "unpublish"
      ? await get("/api/build").catch(() => null) : null;
    this.busy = true;
    this.setBusy(true);
    announce(ACTION_TEXT[action].busy);
    try {
      const entry = await post(`/api/${this.collection}/${encodeURIComponent(this.entry.slug)}/${action}`,
        { version: this.version, comment });
      this.entry = entry;
      this.version = entry.version;
      this.baseline = this.snapshot();
      this.flushDraft();
      this.clearProblems();
      this.renderStatus();
      const fieldset = this.formEl.querySelector("fieldset");
      fieldset.disabled = !canEdit(this.user, entry);
      const watch = action === "publish" || action === "unpublish" ? { revision: before ? before.revision : null, action } : null;
      if (this.created) {
        this.reopen({ message: ACTION_TEXT[action].done, watch });
        return;
      }
      announce(ACTION_TEXT[action].done);
      if (watch) this.watchBuild(watch.revision, watch.action);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && !error.data.current) {
        // The status changed meanwhile (someone else acted): show the message and the current state.
        announceError(error.message);
        try {
          this.entry = await get(`/api/${this.collection}/${encodeURIComponent(this.entry.slug)}`);
          this.renderStatus();
        } catch (ignored) { /* keep what we have */ }
      } else {
        this.failed(error);
      }
    } finally {
      this.busy = false;
      this.setBusy(false);
      if (this.created && !this.left) this.reopen({ message: "已保存为草稿。" });
    }
  }

  /** Open the editor again on the entry's own address (after creating it). */
  reopen(message) {
    flash = message;
    this.leave();
    location.replace(`#/${this.collection}/${encodeURIComponent(this.entry.slug)}`);
  }

  showDone(message) {
    this.liveBox.hidden = false;
    replace(this.liveBox, h("p", {}, message));
  }

  /** After 发布: poll /api/build until the site shows the new revision, then link to the page. */
  async watchBuild(previousRevision, action = "publish") {
    const started = Date.now();
    const token = {};
    this.buildWatch = token;
    let before = previousRevision;
    this.showDone("正在更新网站，通常需要几秒到一分钟……");
    if (before === null) {
      const state = await get("/api/build").catch(() => null);
      before = state ? state.revision : null;
    }
    while (!this.left && this.buildWatch === token && Date.now() - started < BUILD_TIMEOUT) {
      await new Promise((resolve) => { window.setTimeout(resolve, BUILD_POLL); });
      let state;
      try {
        state = await get("/api/build");
      } catch (error) {
        continue;
      }
      if (state.state === "failed") {
        this.liveBox.hidden = false;
        replace(this.liveBox, h("p", { class: "form-error" }, "网站更新失败，内容已保存但尚未上线。请把下面的信息告诉管理员："),
          h("ul", {}, (state.messages || []).map((m) => h("li", {}, m))));
        announceError("网站更新失败，内容尚未上线。");
        return;
      }
      if (state.state === "idle" && state.revision && state.revision !== before) {
        const url = publicUrl(this.entry);
        this.liveBox.hidden = false;
        if (action === "unpublish") {
          replace(this.liveBox, h("p", { class: "success" }, "网站已更新，这篇内容已不再公开显示。"));
          announce("网站已更新，这篇内容已不再公开显示。");
        } else {
          replace(this.liveBox, h("p", { class: "success" }, "已在网站上线",
            url ? [" ", h("a", { href: url, target: "_blank", rel: "noopener" }, `查看网页：${this.entry.fields.title || this.entry.slug}`)] : null));
          announce("网站已更新，新版本可以访问了。");
        }
        return;
      }
    }
  }

  // --- 冲突 ------------------------------------------------------------------------------------
  hideConflict() {
    this.conflictBox.hidden = true;
    replace(this.conflictBox);
  }

  showConflict(current, message) {
    // Keep everything typed; the next 保存 goes against the newer version the server reported.
    this.entry = current;
    this.version = current.version;
    this.flushDraft();
    const mine = this.current();
    const rows = [];
    for (const widget of this.form.widgets) {
      const theirs = current.fields[widget.name];
      const ours = mine.fields[widget.name];
      if (JSON.stringify(theirs ?? null) === JSON.stringify(ours ?? null)) continue;
      const show = (value) => (value === undefined || value === null ? "（空）" : Array.isArray(value)
        ? value.map((v) => (typeof v === "object" ? Object.values(v).join(" ") : v)).join("、") : String(value));
      const take = h("button", { type: "button", class: "button-quiet" }, `${widget.title}：采用最新版本`);
      take.addEventListener("click", () => {
        widget.set(theirs);
        take.disabled = true;
        take.textContent = "已采用";
        this.changed();
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
      this.form.set(current.fields);
      this.body.set(current.body);
      this.baseline = this.snapshot();
      dropDraft(this.collection, this.draftKey());
      this.hideConflict();
      this.renderStatus();
      this.refreshPreview();
      announce("已改用最新版本。");
      this.body.focus();
    });
    replace(this.conflictBox,
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
    this.conflictBox.hidden = false;
    this.renderStatus();
    this.conflictBox.querySelector("h2").focus();
    announceError("其他人已保存了更新的版本。您的修改没有丢失，请对照不同之处后再保存。");
  }

  async showReturnComment() {
    const found = await returnComment(this.collection, this.entry.slug);
    if (!found || this.left) return;
    this.notice(`审核人员 ${found.author} 于 ${formatTime(found.date)} 退回了这篇内容，意见：${found.comment}`);
  }
}
