// The generic widgets of the 编辑 form, one per kind of value: a line of text (date, time, number, URL, with
// type-ahead), a pick list, a check box, a set of check boxes, a list of strings and an image path with upload.
// Each has a visible <label> (the property's "title"), its description as a hint, a required mark and a slot
// for the 422 diagnostics that concern it, and never rebuilds itself while someone types.
//
// A widget: {name, title, element, control, get(), set(value), error(pathParts) -> {slot, controls}, focus()}.

import { h, uid } from "./dom.js";
import { fillDatalist, listChoices } from "./picklists.js";

const LIST_SEPARATORS = /[、,，;；\n]+/;

export function isEmpty(value) {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

/** The value of a group of widgets as an object, empty values left out. */
export function collect(widgets) {
  const value = {};
  for (const widget of widgets) {
    const v = widget.get();
    if (!isEmpty(v)) value[widget.name] = v;
  }
  return value;
}

/** The frame of one field: label + required mark, hint, the control, the error slot. */
function frame(title, { required, description, controlId, control, wide }) {
  const hintId = description ? uid("hint") : null;
  const errorId = uid("error");
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const described = [hintId, errorId].filter(Boolean).join(" ");
  for (const el of Array.isArray(control) ? control : [control]) {
    if (el && el.matches && el.matches("input, select, textarea")) el.setAttribute("aria-describedby", described);
  }
  const element = h("div", { class: `field${wide ? " field-wide" : ""}` },
    h("div", { class: "field-head" },
      h("label", { for: controlId }, title),
      required ? h("span", { class: "required-mark", "aria-hidden": "true" }, "必填") : null),
    control,
    description ? h("p", { class: "hint", id: hintId }, description) : null,
    error);
  return { element, error, errorId };
}

export function showError(slot, controls, messages) {
  slot.error.textContent = messages.join(" ");
  slot.error.hidden = messages.length === 0;
  for (const control of controls) {
    if (!control) continue;
    if (messages.length) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
}

export function inputWidget(common, choices, ctx) {
  const { node, name, title, required, description, nullable } = common;
  const id = uid(name);
  const widgetHint = common.original["x-widget"] || node["x-widget"];
  let control;
  let tz = "";
  if (widgetHint === "textarea") {
    control = h("textarea", { id, name, rows: 3, required });
  } else {
    const type = node.format === "date" ? "date" : node.format === "date-time" ? "datetime-local"
      : node.format === "time" ? "time" : node.type === "integer" || node.type === "number" ? "number"
        : /^\^https\?/.test(node.pattern || "") ? "url" : "text";
    control = h("input", { id, name, type, required, inputmode: type === "number" ? "numeric" : null,
      min: node.minimum ?? null, max: node.maximum ?? null, maxlength: node.maxLength ?? null,
      autocomplete: "off" });
  }
  let list = null;
  if (choices && choices.length && control.tagName === "INPUT") {
    list = h("datalist", { id: uid("list") });
    control.setAttribute("list", list.id);
    fillDatalist(list, choices, name, ctx.reg);
  }
  const slot = frame(title, { required, description, controlId: id, control: [control, list] });
  const get = () => {
    const raw = control.value;
    if (control.type === "number") {
      if (raw.trim() === "") return nullable || !required ? null : "";
      const number = Number(raw);
      return Number.isFinite(number) ? number : raw;
    }
    if (control.type === "datetime-local") return raw ? `${raw.length === 16 ? `${raw}:00` : raw}${tz}` : null;
    const text = control.tagName === "TEXTAREA" ? raw : raw.trim();
    return text === "" && (nullable || !required) ? null : text;
  };
  const set = (value) => {
    if (value === null || value === undefined) { control.value = ""; return; }
    if (control.type === "datetime-local") {
      const text = String(value);
      const match = text.match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2}))?(.*)$/);
      if (match) { tz = match[4] || ""; control.value = `${match[1]}T${match[2]}`; } else control.value = text;
      return;
    }
    if (control.type === "date") { control.value = String(value).slice(0, 10); return; }
    control.value = String(value);
  };
  return { ...common, element: slot.element, control, get, set,
    error: () => ({ slot, controls: [control] }), focus: () => control.focus() };
}

export function selectWidget(common, choices, ctx) {
  const { name, title, required, description, nullable } = common;
  const id = uid(name);
  const control = h("select", { id, name, required });
  let current = null;
  const fill = (options) => {
    const keep = current ?? control.value;
    control.replaceChildren(h("option", { value: "" }, required && !nullable ? "请选择" : "（不填）"));
    const all = [...options];
    if (keep && !all.includes(keep)) all.push(keep);
    for (const option of all) control.append(h("option", { value: option, selected: option === keep }, option));
    control.value = keep || "";
  };
  fill(choices);
  control.addEventListener("change", () => { current = control.value || null; });
  const slot = frame(title, { required, description, controlId: id, control });
  const widget = { ...common, element: slot.element, control,
    get: () => control.value || (nullable || !required ? null : ""),
    set: (value) => { current = value ?? null; fill(widget.choices); },
    error: () => ({ slot, controls: [control] }), focus: () => control.focus(), choices };
  widget.setChoices = (options) => {
    widget.choices = options;
    fill(options);
  };
  return widget;
}

export function booleanWidget(common) {
  const { name, title, description } = common;
  const id = uid(name);
  const control = h("input", { id, name, type: "checkbox" });
  const hintId = description ? uid("hint") : null;
  const errorId = uid("error");
  if (hintId) control.setAttribute("aria-describedby", `${hintId} ${errorId}`);
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const element = h("div", { class: "field field-check" },
    h("div", { class: "check" }, control, h("label", { for: id }, title)),
    description ? h("p", { class: "hint", id: hintId }, description) : null, error);
  let present = false;
  return { ...common, element, control,
    get: () => (control.checked ? true : present ? false : null),
    set: (value) => { present = value !== null && value !== undefined; control.checked = Boolean(value); },
    error: () => ({ slot: { error }, controls: [control] }), focus: () => control.focus() };
}

export function checkboxesWidget(common, options) {
  const { name, title, required, description } = common;
  const legendId = uid("legend");
  const boxes = options.map((option) => {
    const id = uid(name);
    const box = h("input", { id, type: "checkbox", name, value: option });
    return { option, box, element: h("div", { class: "check" }, box, h("label", { for: id }, option)) };
  });
  const error = h("p", { class: "field-error", id: uid("error"), hidden: true });
  const extra = [];
  const element = h("fieldset", { class: "field field-wide checks", "aria-labelledby": legendId },
    h("legend", { id: legendId }, title, required ? h("span", { class: "required-mark", "aria-hidden": "true" }, "必填") : null),
    description ? h("p", { class: "hint" }, description) : null,
    h("div", { class: "check-grid" }, boxes.map((b) => b.element)), error);
  return { ...common, element,
    get: () => [...boxes.filter((b) => b.box.checked).map((b) => b.option), ...extra],
    set: (value) => {
      const values = Array.isArray(value) ? value.map(String) : [];
      extra.length = 0;
      extra.push(...values.filter((v) => !options.includes(v)));
      for (const b of boxes) b.box.checked = values.includes(b.option);
    },
    error: () => ({ slot: { error }, controls: boxes.map((b) => b.box) }),
    focus: () => boxes[0] && boxes[0].box.focus() };
}

/** A list of strings: one line separated by 、 (with type-ahead) or, for free text, one item per line. */
export function listWidget(common, items, ctx) {
  const { name, title, required, description, original, node } = common;
  const id = uid(name);
  const registryName = original["x-registry"] || node["x-registry"];
  const choices = listChoices(node, original, ctx.reg);
  const inline = Boolean(registryName || choices || items.type === "integer" || ["volunteers", "years"].includes(name));
  let control;
  let list = null;
  if (inline) {
    control = h("input", { id, name, type: "text", required, autocomplete: "off" });
    if (choices && choices.length) {
      list = h("datalist", { id: uid("list") }, choices.map((c) => h("option", { value: c })));
      control.setAttribute("list", list.id);
    }
  } else {
    control = h("textarea", { id, name, rows: 3 });
  }
  const how = inline ? "多项之间用顿号“、”分隔。" : "每行一项。";
  const slot = frame(title, { required, description: [description, how].filter(Boolean).join(" "), controlId: id,
    control: [control, list] });
  const get = () => {
    const parts = control.value.split(inline ? LIST_SEPARATORS : /\n+/).map((s) => s.trim()).filter(Boolean);
    if (items.type === "integer") return parts.map((p) => (/^-?\d+$/.test(p) ? Number(p) : p));
    return parts;
  };
  return { ...common, element: slot.element, control, get,
    set: (value) => { control.value = (Array.isArray(value) ? value : value ? [value] : []).join(inline ? "、" : "\n"); },
    error: () => ({ slot, controls: [control] }), focus: () => control.focus() };
}

export function imageWidget(common, ctx) {
  const { name, title, required, description, nullable } = common;
  const id = uid(name);
  const control = h("input", { id, name, type: "text", required, autocomplete: "off", placeholder: "images/……" });
  const thumb = h("div", { class: "thumb-slot" }); // the <img> comes with a picture: one without src is not valid HTML
  const fileId = uid("file");
  const file = h("input", { id: fileId, type: "file", accept: "image/jpeg,image/png,image/webp", class: "visually-hidden-file" });
  const pick = h("label", { for: fileId, class: "button button-quiet file-button" }, "选择照片上传");
  const progress = h("div", { class: "upload-progress" });
  const slot = frame(title, { required, description, controlId: id,
    control: [h("div", { class: "image-row" }, control, file, pick), progress, thumb] });
  const setPath = (path, localUrl) => {
    control.value = path;
    if (localUrl) thumb.replaceChildren(h("img", { class: "thumb", src: localUrl, alt: "" }));
    control.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const start = (chosen) => ctx.uploadImage && ctx.uploadImage(chosen, { widget: name, progress, onDone: setPath });
  file.addEventListener("change", () => { if (file.files[0]) start(file.files[0]); file.value = ""; });
  slot.element.addEventListener("dragover", (event) => { if (hasFiles(event)) { event.preventDefault(); slot.element.classList.add("dropping"); } });
  slot.element.addEventListener("dragleave", () => slot.element.classList.remove("dropping"));
  slot.element.addEventListener("drop", (event) => {
    slot.element.classList.remove("dropping");
    if (!hasFiles(event)) return;
    event.preventDefault();
    start(event.dataTransfer.files[0]);
  });
  return { ...common, element: slot.element, control,
    get: () => control.value.trim() || (nullable || !required ? null : ""),
    set: (value) => { control.value = value ?? ""; },
    error: () => ({ slot, controls: [control] }), focus: () => control.focus() };
}

export function hasFiles(event) {
  return event.dataTransfer && [...event.dataTransfer.types].includes("Files");
}
