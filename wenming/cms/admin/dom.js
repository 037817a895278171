// Small DOM helpers: element creation without innerHTML, ids, and the shared status region.

let counter = 0;

/** A fresh id for label/for and aria-describedby pairs. */
export function uid(prefix = "f") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * h("button", {type: "button", onclick: fn}, "保存") creates an element.
 * Attributes starting with "on" become listeners; `dataset`, `hidden`, `checked`, `value`,
 * `disabled` and `required` are set as properties; null/false attributes are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (["hidden", "checked", "value", "disabled", "required", "multiple", "selected", "open"].includes(key)) {
      el[key] = value;
    } else if (key === "class") {
      el.className = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Announce a message in the page's polite live region (and show it in the status bar). */
export function announce(message, kind = "info") {
  const region = document.getElementById("status");
  if (!region) return;
  region.dataset.kind = kind;
  // Clearing first makes screen readers repeat an identical message.
  region.textContent = "";
  window.setTimeout(() => { region.textContent = message; }, 30);
}

/** An announcement for errors: also in the live region, styled as an error. */
export function announceError(message) {
  announce(message, "error");
}

/** Format an ISO date-time for people: 2024-05-12 14:03. */
export function formatTime(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Focus the main heading of a freshly rendered screen (keeps keyboard users oriented). */
export function focusHeading(root) {
  const heading = root.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
}
