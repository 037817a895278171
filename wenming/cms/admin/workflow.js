// The workflow of the 编辑 screen: the status badge, the buttons by role (保存, 提交审核, 发布, 退回 with its
// comment, 撤回发布), the transitions they start, and the build watch after 发布 or 撤回发布 that says when the
// site shows the change.

import { ApiError, get, post } from "./api.js";
import { announce, announceError, h, replace, uid } from "./dom.js";
import { STATUS_NAMES, isReviewer } from "./labels.js";

const BUILD_POLL = 1500;
const BUILD_TIMEOUT = 10 * 60 * 1000;

const ACTION_TEXT = {
  submit: { busy: "正在提交审核……", done: "已提交审核，请等待审核人员处理。" },
  publish: { busy: "正在发布……", done: "已发布。网站正在更新……" },
  unpublish: { busy: "正在撤回发布……", done: "已撤回发布，内容回到草稿状态，网站正在更新。" },
  return: { busy: "正在退回……", done: "已退回给报送单位，并附上了您的意见。" },
};

/** May `user` change `entry` (null: a new entry)? */
export function canEdit(user, entry) {
  if (!entry) return true;
  if (isReviewer(user)) return true;
  const units = [].concat(entry.fields.units || entry.fields.unit || entry.fields.owner || []);
  return units.includes(user.unit) && ["draft", "review"].includes(entry.status);
}

function publicUrl(entry) {
  if (!entry || !entry.url) return null;
  return new URL(entry.url, `${location.origin}/`).href;
}

export class Workflow {
  constructor(editor) {
    this.editor = editor;
    this.badge = h("span", { class: "badge" });
    this.liveBox = h("div", { class: "live-box", hidden: true });
    this.actions = h("div", { class: "action-bar", role: "group", "aria-label": "操作" });
    this.commentInput = null;
    this.buildWatch = null;
  }

  /** The badge and the buttons for the entry's status and the user's role. */
  render() {
    const editor = this.editor;
    const entry = editor.entry;
    const status = entry ? entry.status : "draft";
    this.badge.className = `badge badge-${status}`;
    this.badge.textContent = entry ? STATUS_NAMES[status] || status : "未保存";
    const buttons = [];
    const reviewer = isReviewer(editor.user);
    const editable = canEdit(editor.user, entry);
    if (editable) buttons.push(h("button", { type: "button", class: "button-primary", onclick: () => editor.save() }, "保存"));
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

  setBusy(busy) {
    for (const button of this.actions.querySelectorAll("button")) button.disabled = busy;
  }

  async transition(action) {
    const editor = this.editor;
    if (editor.busy) return;
    if (editor.composing) { announce("请先完成输入法中的文字。"); return; }
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
    if (!editor.entry || editor.dirty()) {
      const saved = await editor.save({ quiet: true, navigate: false });
      if (!saved) return;
    }
    const before = action === "publish" || action === "unpublish"
      ? await get("/api/build").catch(() => null) : null;
    editor.busy = true;
    this.setBusy(true);
    announce(ACTION_TEXT[action].busy);
    try {
      const entry = await post(`/api/${editor.collection}/${encodeURIComponent(editor.entry.slug)}/${action}`,
        { version: editor.version, comment });
      editor.entry = entry;
      editor.version = entry.version;
      editor.baseline = editor.snapshot();
      editor.autosave.flush();
      editor.clearProblems();
      this.render();
      const fieldset = editor.formEl.querySelector("fieldset");
      fieldset.disabled = !canEdit(editor.user, entry);
      const watch = action === "publish" || action === "unpublish" ? { revision: before ? before.revision : null, action } : null;
      if (editor.created) {
        editor.reopen({ message: ACTION_TEXT[action].done, watch });
        return;
      }
      announce(ACTION_TEXT[action].done);
      if (watch) this.watchBuild(watch.revision, watch.action);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && !error.data.current) {
        // The status changed meanwhile (someone else acted): show the message and the current state.
        announceError(error.message);
        try {
          editor.entry = await get(`/api/${editor.collection}/${encodeURIComponent(editor.entry.slug)}`);
          this.render();
        } catch (ignored) { /* keep what we have */ }
      } else {
        editor.failed(error);
      }
    } finally {
      editor.busy = false;
      this.setBusy(false);
      if (editor.created && !editor.left) editor.reopen({ message: "已保存为草稿。" });
    }
  }

  showDone(message) {
    this.liveBox.hidden = false;
    replace(this.liveBox, h("p", {}, message));
  }

  /** After 发布: poll /api/build until the site shows the new revision, then link to the page. */
  async watchBuild(previousRevision, action = "publish") {
    const editor = this.editor;
    const started = Date.now();
    const token = {};
    this.buildWatch = token;
    let before = previousRevision;
    this.showDone("正在更新网站，通常需要几秒到一分钟……");
    if (before === null) {
      const state = await get("/api/build").catch(() => null);
      before = state ? state.revision : null;
    }
    while (!editor.left && this.buildWatch === token && Date.now() - started < BUILD_TIMEOUT) {
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
        const url = publicUrl(editor.entry);
        this.liveBox.hidden = false;
        if (action === "unpublish") {
          replace(this.liveBox, h("p", { class: "success" }, "网站已更新，这篇内容已不再公开显示。"));
          announce("网站已更新，这篇内容已不再公开显示。");
        } else {
          replace(this.liveBox, h("p", { class: "success" }, "已在网站上线",
            url ? [" ", h("a", { href: url, target: "_blank", rel: "noopener" }, `查看网页：${editor.entry.fields.title || editor.entry.slug}`)] : null));
          announce("网站已更新，新版本可以访问了。");
        }
        return;
      }
    }
  }
}
