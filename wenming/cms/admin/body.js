// 正文: a Markdown textarea with a small toolbar (标题, 加粗, 列表, 链接, 图片) that edits the text at the
// selection, image upload by button or drag-and-drop with an alt-text prompt. Nothing here touches the
// textarea while an IME composition is in progress.

import { announce, h, uid } from "./dom.js";
import { hasFiles } from "./widgets.js";
import { askAltText, uploadWithProgress } from "./media.js";

/** Replace text[start:end] by `insert`, keeping the browser's undo history where possible. */
function replaceRange(area, start, end, insert, selectStart, selectEnd) {
  area.focus();
  area.setSelectionRange(start, end);
  let done = false;
  try {
    done = document.execCommand("insertText", false, insert);
  } catch (error) {
    done = false;
  }
  if (!done || area.value.slice(start, start + insert.length) !== insert) {
    area.setRangeText(insert, start, end, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  area.setSelectionRange(selectStart ?? start + insert.length, selectEnd ?? selectStart ?? start + insert.length);
}

function lineBounds(text, start, end) {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = text.indexOf("\n", end > start && text[end - 1] === "\n" ? end - 1 : end);
  if (lineEnd === -1) lineEnd = text.length;
  return [lineStart, lineEnd];
}

function prefixLines(area, prefix, pattern) {
  const { selectionStart: start, selectionEnd: end, value } = area;
  const [lineStart, lineEnd] = lineBounds(value, start, end);
  const lines = value.slice(lineStart, lineEnd).split("\n");
  const all = lines.every((line) => pattern.test(line) || !line.trim());
  const changed = lines.map((line) => {
    if (!line.trim()) return line;
    return all ? line.replace(pattern, "") : `${prefix}${line.replace(pattern, "")}`;
  }).join("\n");
  replaceRange(area, lineStart, lineEnd, changed, lineStart, lineStart + changed.length);
}

const ACTIONS = {
  heading: (area) => prefixLines(area, "## ", /^#{1,6}\s+/),
  bold: (area) => {
    const { selectionStart: start, selectionEnd: end, value } = area;
    const selected = value.slice(start, end);
    if (selected.startsWith("**") && selected.endsWith("**") && selected.length >= 4) {
      replaceRange(area, start, end, selected.slice(2, -2), start, end - 4);
    } else {
      const inner = selected || "加粗文字";
      replaceRange(area, start, end, `**${inner}**`, start + 2, start + 2 + inner.length);
    }
  },
  list: (area) => prefixLines(area, "- ", /^[-*+]\s+/),
  link: (area) => {
    const { selectionStart: start, selectionEnd: end, value } = area;
    const text = value.slice(start, end) || "链接文字";
    const url = "https://";
    const insert = `[${text}](${url})`;
    const urlStart = start + text.length + 3;
    replaceRange(area, start, end, insert, urlStart, urlStart + url.length);
  },
};

/**
 * The body editor. opts: {value, isComposing(): bool, onChange()}.
 * Returns {element, textarea, get(), set(text), error slot, uploadInto(file)}.
 */
export function bodyEditor({ value = "", isComposing }) {
  const id = uid("body");
  const hintId = uid("hint");
  const errorId = uid("error");
  const area = h("textarea", { id, name: "body", rows: 18, spellcheck: "false",
    "aria-describedby": `${hintId} ${errorId}` });
  area.value = value;
  const fileId = uid("file");
  const file = h("input", { id: fileId, type: "file", accept: "image/jpeg,image/png,image/webp",
    class: "visually-hidden-file", tabindex: "-1", "aria-label": "选择要插入的照片" });
  const panel = h("div", { class: "upload-panel" });
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  let saved = { start: 0, end: 0 };

  const tool = (key, text, title, action) => h("button", {
    type: "button", class: "tool", title, dataset: { tool: key },
    onmousedown: (event) => event.preventDefault(), // keep the textarea's selection
    onclick: () => {
      if (isComposing()) return;
      action();
    },
  }, text);
  const toolbar = h("div", { class: "toolbar", role: "toolbar", "aria-label": "格式工具", "aria-controls": id },
    tool("heading", "标题", "把所在行设为小标题（## ）", () => ACTIONS.heading(area)),
    tool("bold", "加粗", "加粗选中的文字（** **）", () => ACTIONS.bold(area)),
    tool("list", "列表", "把选中的行设为列表（- ）", () => ACTIONS.list(area)),
    tool("link", "链接", "插入链接：[文字](网址)", () => ACTIONS.link(area)),
    tool("image", "图片", "上传图片并插入到光标处", () => {
      saved = { start: area.selectionStart, end: area.selectionEnd };
      file.click();
    }));
  // Arrow keys move between toolbar buttons (one tab stop for the toolbar, as the ARIA pattern asks).
  const buttons = [...toolbar.querySelectorAll("button")];
  buttons.forEach((button, index) => { button.tabIndex = index === 0 ? 0 : -1; });
  toolbar.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = buttons[(next + buttons.length) % buttons.length];
    buttons.forEach((b) => { b.tabIndex = b === target ? 0 : -1; });
    target.focus();
  });

  async function insertImage(chosen, at) {
    const result = await uploadWithProgress(chosen, panel);
    if (!result) return;
    const alt = await askAltText({ thumbnail: result.url });
    if (alt === null) {
      announce(`图片已上传（${result.path}），但没有插入正文。需要时可再点“图片”。`);
      area.focus();
      return;
    }
    const safeAlt = alt.replace(/[[\]]/g, "");
    const before = area.value.slice(0, at.start);
    const after = area.value.slice(at.end);
    const lead = !before ? "" : before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = after.startsWith("\n\n") ? "" : after.startsWith("\n") || !after ? "\n" : "\n\n";
    const markdown = `${lead}![${safeAlt}](${result.path})${trail}`;
    replaceRange(area, at.start, at.end, markdown);
    announce(`已在正文中插入图片“${safeAlt}”。`);
  }

  // Where an image goes: the selection when 图片 was pressed, else the textarea's last selection.
  area.addEventListener("blur", () => { saved = { start: area.selectionStart, end: area.selectionEnd }; });
  file.addEventListener("change", () => {
    const chosen = file.files[0];
    file.value = "";
    const at = document.activeElement === area ? { start: area.selectionStart, end: area.selectionEnd } : saved;
    if (chosen) insertImage(chosen, at);
  });
  area.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    area.classList.add("dropping");
  });
  area.addEventListener("dragleave", () => area.classList.remove("dropping"));
  area.addEventListener("drop", (event) => {
    area.classList.remove("dropping");
    if (!hasFiles(event)) return;
    event.preventDefault();
    const at = { start: area.selectionStart, end: area.selectionEnd };
    insertImage(event.dataTransfer.files[0], at);
  });

  const element = h("div", { class: "field field-wide body-field" },
    h("div", { class: "field-head" }, h("label", { for: id }, "正文")),
    h("p", { class: "hint", id: hintId }, "用 Markdown 书写：空一行分段；## 开头为小标题；- 开头为列表。图片可以拖到这里，或点“图片”按钮上传。"),
    toolbar, area, file, panel, error);
  return {
    element, textarea: area,
    get: () => area.value,
    set: (text) => { area.value = text || ""; },
    error: () => ({ slot: { error }, controls: [area] }),
    focus: () => area.focus(),
  };
}
