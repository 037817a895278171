// 图片: upload with progress and a thumbnail, then the alt-text dialog (alt text is required).

import { ApiError, upload } from "./api.js";
import { announce, announceError, h, replace, uid } from "./dom.js";

const ACCEPTED = ["image/jpeg", "image/png", "image/webp"];

/**
 * Upload `file`, showing progress and a thumbnail inside `panel`. Resolves with {path, url} or null on failure.
 * `url` is an object URL of the local file (for thumbnails); the caller may revoke it.
 */
export async function uploadWithProgress(file, panel) {
  if (!file) return null;
  if (file.type && !ACCEPTED.includes(file.type)) {
    const message = `“${file.name}”不是可用的图片。请选择 JPEG、PNG 或 WebP 格式的照片。`;
    replace(panel, h("p", { class: "form-error" }, message));
    announceError(message);
    return null;
  }
  const url = URL.createObjectURL(file);
  const progressId = uid("progress");
  const bar = h("progress", { id: progressId, max: 100, value: 0 });
  const text = h("span", { class: "progress-text" }, "0%");
  replace(panel,
    h("div", { class: "upload" },
      h("img", { class: "thumb", src: url, alt: `正在上传的图片：${file.name}` }),
      h("div", { class: "upload-info" },
        h("label", { for: progressId }, `上传进度：${file.name}`),
        h("div", { class: "progress-row" }, bar, text))));
  announce(`正在上传图片“${file.name}”……`);
  try {
    const result = await upload(file, (fraction) => {
      const percent = Math.round(fraction * 100);
      bar.value = percent;
      text.textContent = `${percent}%`;
    });
    bar.value = 100;
    text.textContent = "已上传";
    announce(`图片“${file.name}”已上传。`);
    return { path: result.path, url };
  } catch (error) {
    const message = error instanceof ApiError ? error.message : "图片上传失败，请重试。";
    replace(panel, h("p", { class: "form-error" }, message));
    announceError(message);
    URL.revokeObjectURL(url);
    return null;
  }
}

/**
 * Ask for an image's alt text in a modal dialog with a labelled input. Resolves with the text, or null when
 * cancelled. The dialog is created for the question and removed afterwards.
 */
export function askAltText({ thumbnail, confirm = "插入图片", initial = "" }) {
  return new Promise((resolve) => {
    const inputId = uid("alt");
    const hintId = uid("hint");
    const errorId = uid("error");
    const error = h("p", { class: "field-error", id: errorId, hidden: true });
    const input = h("input", { id: inputId, type: "text", required: true, value: initial,
      "aria-describedby": `${hintId} ${errorId}`, autocomplete: "off" });
    const form = h("form", { method: "dialog", novalidate: true },
      h("h2", { id: `${inputId}-title` }, "图片说明"),
      thumbnail ? h("img", { class: "thumb", src: thumbnail, alt: "" }) : null,
      h("div", { class: "field" },
        h("label", { for: inputId }, "图片说明文字"),
        input,
        h("p", { class: "hint", id: hintId }, "用一句话说明图片的内容，例如“志愿者在北关社区为老人义诊”。读屏软件会朗读它，图片无法显示时也会显示它。必填。"),
        error),
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "button-primary", value: "ok" }, confirm),
        h("button", { type: "button", value: "cancel", onclick: () => finish(null) }, "取消")));
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": `${inputId}-title` }, form);
    let done = false;
    function finish(value) {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (event.isComposing) return;
      const text = input.value.trim();
      if (!text) {
        error.textContent = "请填写图片说明文字：它是必填的。";
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      finish(text);
    });
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); finish(null); });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
