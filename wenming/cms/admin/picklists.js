// The pick lists of the 编辑 form that come from the registry (content/data/, read once by registry.js) or
// from the schema: the choices of a field, the type-ahead of 刊发媒体 with every outlet's aliases, the units
// of 报送单位, and the villages of 村（社区） narrowed to the towns chosen in 报送单位.

import { h } from "./dom.js";
import { findUnit } from "./registry.js";

/** The choices of a one-value field: its enum, the registry list it names (x-registry), or its x-choices. */
export function choicesOf(node, original, reg) {
  if (node.enum) return node.enum;
  const registryName = original["x-registry"] || node["x-registry"];
  if (reg && registryName === "hall_sections" && reg.hall_sections) return reg.hall_sections.map((s) => s.name);
  if (reg && registryName === "teams" && reg.teams) return reg.teams;
  return original["x-choices"] || node["x-choices"] || null;
}

/** The choices of a list of strings: its x-choices, or the registry's units for 报送单位. */
export function listChoices(node, original, reg) {
  const registryName = original["x-registry"] || node["x-registry"];
  return original["x-choices"] || node["x-choices"] || (reg && registryName === "units" && reg.units
    ? reg.units.map((u) => u.name) : null);
}

/** Fill a type-ahead list: the registered outlets by name and by alias (with level), or the plain choices. */
export function fillDatalist(list, choices, name, reg) {
  const outlets = name === "outlet" && reg && reg.outlets;
  if (outlets) {
    for (const outlet of outlets) {
      list.append(h("option", { value: outlet.name }, outlet.level ? `${outlet.level}` : ""));
      for (const alias of outlet.aliases || []) list.append(h("option", { value: alias }, `${outlet.name}（${outlet.level || ""}）`));
    }
    return;
  }
  for (const choice of choices) list.append(h("option", { value: choice }));
}

/**
 * 村（社区）: the villages of the towns chosen in 报送单位 (an editor's schema already lists only theirs).
 * Gives the village widget a refresh() that the form calls after setting its fields.
 */
export function linkVillages(byName, ctx) {
  const village = byName.village;
  const unitsWidget = byName.units || byName.unit;
  if (!village || !village.setChoices || !unitsWidget || !ctx.reg || ctx.user.role === "editor") return;
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
