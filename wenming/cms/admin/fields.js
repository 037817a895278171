// The 编辑 form generated from a collection's JSON Schema: one widget per property (widgets.js for single
// values, rows.js for groups and repeatable rows, picklists.js for the registry's choices), the form's value
// and the 422 diagnostics shown next to the fields they concern.

import { h } from "./dom.js";
import { choicesOf, linkVillages } from "./picklists.js";
import { objectWidget, repeatWidget } from "./rows.js";
import { booleanWidget, checkboxesWidget, imageWidget, inputWidget, isEmpty, listWidget, selectWidget, showError }
  from "./widgets.js";

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

/** The widget of one property: {name, element, get(), set(value), error(pathParts) -> {slot, controls}, focus()}. */
function makeWidget(name, original, defs, ctx, requiredNames) {
  const { node, nullable } = resolve(original, defs);
  const title = node.title || name;
  const required = requiredNames.includes(name);
  const description = node.description || original.description || null;
  const common = { name, title, required, description, nullable, original, node };
  const widget = original["x-widget"] || node["x-widget"];
  if (node.type === "array") {
    const items = resolve(node.items || {}, defs).node;
    if (items.type === "object") return repeatWidget(common, () => subWidgets(items, defs, ctx), ctx);
    if (items.enum) return checkboxesWidget(common, items.enum);
    return listWidget(common, items, ctx);
  }
  if (node.type === "object") return objectWidget(common, subWidgets(node, defs, ctx));
  if (node.type === "boolean") return booleanWidget(common);
  if (widget === "image") return imageWidget(common, ctx);
  const choices = choicesOf(node, original, ctx.reg);
  if (node.enum || (widget === "select" && choices)) return selectWidget(common, choices || [], ctx);
  return inputWidget(common, choices, ctx);
}

function subWidgets(node, defs, ctx) {
  const required = node.required || [];
  return Object.entries(node.properties || {}).map(([key, prop]) => makeWidget(key, prop, defs, ctx, required));
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
  linkVillages(byName, ctx);
  const village = byName.village;

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
