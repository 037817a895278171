// The 编辑 form generated from a collection's JSON Schema: one widget per property, each with a visible
// <label> (the property's "title"), its description as a hint, a required mark, and a slot for the
// 422 diagnostics that concern it. Widgets never rebuild themselves while someone types.

import { h, uid } from "./dom.js";
import { findOutlet, findUnit } from "./registry.js";

const LIST_SEPARATORS = /[、,，;；\n]+/;
const SKIPPED = new Set(["status"]);

/** {node, nullable}: the schema node with `anyOf [X, null]` and `$ref` resolved. */
function resolve(node, defs) {
  let nullable = false;
  let current = node;
  if (current.anyOf) {
    const others = current.anyOf.filter((n) => n.type !== "null");
    nullable = others.length < current.anyOf.length;
    current = { ...current, ...(others[0] || {}) };
    delete current.anyOf;
  }
  if (current.$ref) {
    const name = current.$ref.split("/").pop();
    current = { ...defs[name], ...current, title: node.title || defs[name].title };
    delete current.$ref;
  }
  return { node: current, nullable };
}

function choicesOf(node, original, reg) {
  if (node.enum) return node.enum;
  const registryName = original["x-registry"] || node["x-registry"];
  if (reg && registryName === "hall_sections" && reg.hall_sections) return reg.hall_sections.map((s) => s.name);
  if (reg && registryName === "teams" && reg.teams) return reg.teams;
  return original["x-choices"] || node["x-choices"] || null;
}

function isEmpty(value) {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
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

function showError(slot, controls, messages) {
  slot.error.textContent = messages.join(" ");
  slot.error.hidden = messages.length === 0;
  for (const control of controls) {
    if (!control) continue;
    if (messages.length) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
}

/** A widget: {name, element, get(), set(value), error(pathParts) -> {slot, controls}, focus()}. */
function makeWidget(name, original, defs, ctx, requiredNames) {
  const { node, nullable } = resolve(original, defs);
  const title = node.title || name;
  const required = requiredNames.includes(name);
  const description = node.description || original.description || null;
  const common = { name, title, required, description, nullable, original, node };
  const widget = original["x-widget"] || node["x-widget"];
  if (node.type === "array") {
    const items = resolve(node.items || {}, defs).node;
    if (items.type === "object") return repeatWidget(common, items, defs, ctx);
    if (items.enum) return checkboxesWidget(common, items.enum);
    return listWidget(common, items, ctx);
  }
  if (node.type === "object") return objectWidget(common, defs, ctx);
  if (node.type === "boolean") return booleanWidget(common);
  if (widget === "image") return imageWidget(common, ctx);
  const choices = choicesOf(node, original, ctx.reg);
  if (node.enum || (widget === "select" && choices)) return selectWidget(common, choices || [], ctx);
  return inputWidget(common, choices, ctx);
}

function inputWidget(common, choices, ctx) {
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
    fillDatalist(list, choices, name, ctx);
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

function fillDatalist(list, choices, name, ctx) {
  const outlets = name === "outlet" && ctx.reg && ctx.reg.outlets;
  if (outlets) {
    for (const outlet of outlets) {
      list.append(h("option", { value: outlet.name }, outlet.level ? `${outlet.level}` : ""));
      for (const alias of outlet.aliases || []) list.append(h("option", { value: alias }, `${outlet.name}（${outlet.level || ""}）`));
    }
    return;
  }
  for (const choice of choices) list.append(h("option", { value: choice }));
}

function selectWidget(common, choices, ctx) {
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

function booleanWidget(common) {
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

function checkboxesWidget(common, options) {
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
function listWidget(common, items, ctx) {
  const { name, title, required, description, original, node } = common;
  const id = uid(name);
  const registryName = original["x-registry"] || node["x-registry"];
  const choices = original["x-choices"] || node["x-choices"] || (ctx.reg && registryName === "units" && ctx.reg.units
    ? ctx.reg.units.map((u) => u.name) : null);
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

function imageWidget(common, ctx) {
  const { name, title, required, description, nullable } = common;
  const id = uid(name);
  const control = h("input", { id, name, type: "text", required, autocomplete: "off", placeholder: "images/……" });
  const thumb = h("img", { class: "thumb", alt: "", hidden: true });
  const fileId = uid("file");
  const file = h("input", { id: fileId, type: "file", accept: "image/jpeg,image/png,image/webp", class: "visually-hidden-file" });
  const pick = h("label", { for: fileId, class: "button button-quiet file-button" }, "选择照片上传");
  const progress = h("div", { class: "upload-progress" });
  const slot = frame(title, { required, description, controlId: id,
    control: [h("div", { class: "image-row" }, control, file, pick), progress, thumb] });
  const setPath = (path, localUrl) => {
    control.value = path;
    if (localUrl) { thumb.src = localUrl; thumb.hidden = false; }
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

function subWidgets(node, defs, ctx) {
  const required = node.required || [];
  return Object.entries(node.properties || {}).map(([key, prop]) => makeWidget(key, prop, defs, ctx, required));
}

function collect(widgets) {
  const value = {};
  for (const widget of widgets) {
    const v = widget.get();
    if (!isEmpty(v)) value[widget.name] = v;
  }
  return value;
}

/** A nested object (a video, monthly sessions): its fields in a fieldset; all empty gives null. */
function objectWidget(common, defs, ctx) {
  const { title, required, description, node } = common;
  const widgets = subWidgets(node, defs, ctx);
  const error = h("p", { class: "field-error", hidden: true });
  const element = h("fieldset", { class: "field field-wide group" },
    h("legend", {}, title), description ? h("p", { class: "hint" }, description) : null,
    h("div", { class: "group-fields" }, widgets.map((w) => w.element)), error);
  return { ...common, element,
    get: () => { const v = collect(widgets); return Object.keys(v).length || required ? v : null; },
    set: (value) => { for (const w of widgets) w.set(value ? value[w.name] : null); },
    error: (rest) => {
      const sub = widgets.find((w) => w.name === rest[0]);
      return sub ? sub.error(rest.slice(1)) : { slot: { error }, controls: [] };
    },
    focus: () => widgets[0] && widgets[0].focus() };
}

/** Repeatable rows (媒体刊发情况, exhibit images): add and remove rows; each row is a fieldset. */
function repeatWidget(common, items, defs, ctx) {
  const { title, description, name } = common;
  const rows = [];
  const list = h("div", { class: "rows" });
  const error = h("p", { class: "field-error", hidden: true });
  const [unit, thing] = { publications: ["家", "一家刊发媒体"], images: ["张", "一张图片"] }[name] || ["项", `一项${title}`];
  const addButton = h("button", { type: "button", class: "button-quiet" }, `添加${thing}`);
  const element = h("fieldset", { class: "field field-wide repeat" },
    h("legend", {}, title), description ? h("p", { class: "hint" }, description) : null,
    list, addButton, error);

  const what = name === "publications" ? "家媒体" : unit;
  const renumber = () => rows.forEach((row, index) => {
    row.legend.textContent = `第 ${index + 1} ${what}`;
    row.remove.textContent = `删除第 ${index + 1} ${what}`;
  });
  const addRow = (value) => {
    const widgets = subWidgets(items, defs, ctx);
    const legend = h("legend", {});
    const remove = h("button", { type: "button", class: "button-quiet button-danger" });
    const row = { widgets, legend, remove,
      element: h("fieldset", { class: "row" }, legend, h("div", { class: "group-fields" }, widgets.map((w) => w.element)), remove) };
    remove.addEventListener("click", () => {
      const index = rows.indexOf(row);
      rows.splice(index, 1);
      row.element.remove();
      renumber();
      (rows[index] || rows[index - 1])?.widgets[0].focus() ?? addButton.focus();
      element.dispatchEvent(new Event("input", { bubbles: true }));
    });
    if (name === "publications") linkOutletLevel(widgets, ctx);
    for (const w of widgets) w.set(value ? value[w.name] : null);
    rows.push(row);
    list.append(row.element);
    renumber();
    return row;
  };
  addButton.addEventListener("click", () => {
    const row = addRow(null);
    row.widgets[0].focus();
    element.dispatchEvent(new Event("input", { bubbles: true }));
  });
  return { ...common, element,
    get: () => rows.map((row) => collect(row.widgets)).filter((v) => Object.keys(v).length),
    set: (value) => {
      for (const row of rows.splice(0)) row.element.remove();
      for (const item of Array.isArray(value) ? value : []) addRow(item);
    },
    error: (rest) => {
      const row = rows[Number(rest[0])];
      const sub = row && row.widgets.find((w) => w.name === rest[1]);
      return sub ? sub.error(rest.slice(2)) : { slot: { error }, controls: [] };
    },
    focus: () => (rows[0] ? rows[0].widgets[0].focus() : addButton.focus()) };
}

/** An outlet typed by name or alias fills its level from the registry (and says which outlet it is). */
function linkOutletLevel(widgets, ctx) {
  const outlet = widgets.find((w) => w.name === "outlet");
  const level = widgets.find((w) => w.name === "level");
  if (!outlet || !level || !ctx.reg) return;
  const note = h("p", { class: "hint outlet-note", "aria-live": "polite" });
  outlet.element.append(note);
  const update = () => {
    const found = findOutlet(ctx.reg, outlet.control.value);
    if (found) {
      if (found.level) level.set(found.level);
      note.textContent = found.name === outlet.control.value.trim()
        ? `已登记的媒体，级别：${found.level || "未登记"}` : `即“${found.name}”，级别：${found.level || "未登记"}`;
    } else {
      note.textContent = outlet.control.value.trim() ? "未登记的媒体：请选择媒体级别。" : "";
    }
  };
  outlet.control.addEventListener("change", update);
  outlet.control.addEventListener("input", (event) => { if (!event.isComposing) update(); });
  outlet.refresh = update;
}

/**
 * The form of a collection. Returns {element, widgets, get(base), set(fields), showDiagnostics(list), clear()}.
 * ctx: {reg, user, isNew, uploadImage(file, {widget, progress, onDone})}.
 */
export function buildForm(sch, ctx) {
  const defs = sch.$defs || {};
  const required = sch.required || [];
  const widgets = [];
  for (const [name, prop] of Object.entries(sch.properties || {})) {
    if (SKIPPED.has(name)) continue;
    if (name === "slug" && !ctx.isNew) continue;
    widgets.push(makeWidget(name, prop, defs, ctx, required));
  }
  const byName = Object.fromEntries(widgets.map((w) => [w.name, w]));
  const element = h("div", { class: "form-grid" }, widgets.map((w) => w.element));

  // 村（社区）: the villages of the towns chosen in 报送单位 (an editor's schema already lists only theirs).
  const village = byName.village;
  const unitsWidget = byName.units || byName.unit;
  if (village && village.setChoices && unitsWidget && ctx.reg && ctx.user.role !== "editor") {
    const base = village.choices;
    const refresh = () => {
      const units = [].concat(unitsWidget.get() || []).map((n) => findUnit(ctx.reg, n)).filter(Boolean);
      const villages = units.flatMap((u) => u.villages || []);
      village.setChoices(villages.length ? villages : base);
    };
    unitsWidget.element.addEventListener("change", refresh);
    unitsWidget.element.addEventListener("compositionend", refresh);
    village.refresh = refresh;
  }

  return {
    element,
    widgets,
    byName,
    /** The fields to save: the entry's fields as loaded, overwritten by the form (empty values removed). */
    get(base = {}) {
      const fields = { ...base };
      delete fields.status;
      for (const widget of widgets) {
        const value = widget.get();
        if (isEmpty(value) || (value === false && !(widget.name in base))) delete fields[widget.name];
        else fields[widget.name] = value;
      }
      return fields;
    },
    set(fields) {
      for (const widget of widgets) widget.set(fields[widget.name]);
      if (village && village.refresh) village.refresh();
      for (const widget of widgets) {
        if (widget.name === "publications") widget.element.querySelectorAll("input[name=outlet]").forEach((input) => input.dispatchEvent(new Event("change")));
      }
    },
    /** Show each diagnostic next to its field; returns the diagnostics no field claimed. */
    showDiagnostics(diagnostics) {
      this.clear();
      const grouped = new Map();
      const leftover = [];
      for (const d of diagnostics) {
        const parts = String(d.field || "").split(".").filter(Boolean);
        const widget = parts.length ? byName[parts[0]] : null;
        if (!widget) { leftover.push(d); continue; }
        const target = widget.error(parts.slice(1));
        if (!grouped.has(target.slot)) grouped.set(target.slot, { target, messages: [], widget });
        grouped.get(target.slot).messages.push(d.message);
      }
      for (const { target, messages } of grouped.values()) showError(target.slot, target.controls, messages);
      this.shown = [...grouped.values()];
      return leftover;
    },
    firstInvalid() {
      const first = this.shown && this.shown[0];
      return first ? first.target.controls[0] : null;
    },
    clear() {
      for (const { target } of this.shown || []) showError(target.slot, target.controls, []);
      this.shown = [];
    },
  };
}
