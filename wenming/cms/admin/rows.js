// The nested widgets of the 编辑 form: a group of fields (a video, monthly sessions) and repeatable rows
// (媒体刊发情况, exhibit images), each row a fieldset with its own 删除 button. In the 媒体刊发情况 rows an
// outlet typed or picked by name or alias fills its level from the registry, and is stored by its registered
// name.

import { h } from "./dom.js";
import { findOutlet } from "./registry.js";
import { collect } from "./widgets.js";

/** A nested object: its fields (`widgets`) in a fieldset; all empty gives null. */
export function objectWidget(common, widgets) {
  const { title, required, description } = common;
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

/** Repeatable rows: add and remove rows; `makeRow()` gives the widgets of a new row. */
export function repeatWidget(common, makeRow, ctx) {
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
    const widgets = makeRow();
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
    if (name === "publications") linkOutlet(widgets, ctx.reg);
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

/**
 * 媒体刊发情况: an outlet typed by name or alias fills its level from the registry (and says which outlet it
 * is). An alias is stored as the outlet's registered name: the field shows the name once a suggestion is
 * picked or the field is left (never while someone types), and the value saved is always the name.
 */
function linkOutlet(widgets, reg) {
  const outlet = widgets.find((w) => w.name === "outlet");
  const level = widgets.find((w) => w.name === "level");
  if (!outlet || !level || !reg) return;
  const note = h("p", { class: "hint outlet-note", "aria-live": "polite" });
  outlet.element.append(note);
  const update = () => {
    const found = findOutlet(reg, outlet.control.value);
    if (found) {
      if (found.level) level.set(found.level);
      note.textContent = found.name === outlet.control.value.trim()
        ? `已登记的媒体，级别：${found.level || "未登记"}` : `即“${found.name}”，级别：${found.level || "未登记"}`;
    } else {
      note.textContent = outlet.control.value.trim() ? "未登记的媒体：请选择媒体级别。" : "";
    }
  };
  const useName = () => {
    const typed = outlet.control.value.trim();
    const found = findOutlet(reg, typed);
    if (!found || found.name === typed) { update(); return; }
    outlet.control.value = found.name;
    if (found.level) level.set(found.level);
    note.textContent = `已改为登记的名称“${found.name}”（原填“${typed}”），级别：${found.level || "未登记"}`;
  };
  outlet.control.addEventListener("change", useName);
  outlet.control.addEventListener("input", (event) => {
    if (event.isComposing) return;
    if (event.inputType === "insertReplacementText") useName(); // a suggestion picked from the list
    else update();
  });
  const typedValue = outlet.get;
  outlet.get = () => {
    const value = typedValue();
    const found = value ? findOutlet(reg, value) : null;
    return found ? found.name : value;
  };
  outlet.refresh = update;
}
