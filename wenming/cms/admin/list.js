// The 列表 screen of one collection: filters (unit, status, kind, text), the 待审 queue for reviewers, paging.

import { ApiError, get, query } from "./api.js";
import { announce, announceError, focusHeading, h, replace, uid } from "./dom.js";
import { COLLECTION_NAMES, STATUSES, STATUS_NAMES, isReviewer } from "./labels.js";
import { registry, schema } from "./registry.js";

const PER_PAGE = 20;

export async function showList(root, { collection, params, user }) {
  const label = COLLECTION_NAMES[collection];
  document.title = `${label} · 内容管理`;
  const filters = {
    unit: params.get("unit") || "",
    status: params.get("status") || "",
    kind: params.get("kind") || "",
    q: params.get("q") || "",
    page: Number(params.get("page") || "1") || 1,
  };
  replace(root, h("p", { class: "loading" }, "正在加载……"));

  let data;
  let reg = null;
  let sch = null;
  try {
    [data, reg, sch] = await Promise.all([
      get(`/api/${collection}${query({ ...filters, per_page: PER_PAGE })}`),
      registry().catch(() => null),
      schema(collection).catch(() => null),
    ]);
  } catch (error) {
    replace(root, h("h1", {}, label), h("p", { class: "form-error" }, error instanceof ApiError ? error.message : "列表加载失败，请刷新页面重试。"));
    announceError(error.message);
    return {};
  }

  const queue = isReviewer(user) && data.counts.review > 0 && filters.status !== "review"
    ? await get(`/api/${collection}${query({ status: "review", per_page: 100 })}`).catch(() => null)
    : null;

  const section = h("section", { class: "list-screen" },
    h("div", { class: "screen-head" },
      h("h1", {}, label),
      h("a", { class: "button button-primary", href: `#/${collection}/new` }, `新建${label}`)),
    countsBar(collection, data.counts, filters, user),
    queue ? queueBox(collection, queue) : null,
    filterForm(collection, filters, reg, sch, user),
    results(collection, data, filters));
  replace(root, section);
  focusHeading(root);
  announce(`${label}：共 ${data.total} 条`);
  return {};
}

function hashFor(collection, filters) {
  const { page, ...rest } = filters;
  return `#/${collection}${query({ ...rest, page: page > 1 ? page : "" })}`;
}

function countsBar(collection, counts, filters, user) {
  const links = STATUSES.map(([status, name]) => h("li", {},
    h("a", {
      href: hashFor(collection, { ...filters, status, page: 1 }),
      class: `count count-${status}`,
      "aria-current": filters.status === status ? "true" : null,
    }, `${name} `, h("strong", {}, String(counts[status] ?? 0)))));
  return h("nav", { class: "counts", "aria-label": "数量统计" },
    h("ul", {}, links));
}

function queueBox(collection, queue) {
  return h("section", { class: "queue card", "aria-labelledby": "queue-title" },
    h("h2", { id: "queue-title" }, `待审队列（${queue.total}）`),
    h("ul", { class: "queue-list" }, queue.items.map((item) => h("li", {},
      h("a", { href: `#/${collection}/${encodeURIComponent(item.slug)}` }, item.title),
      h("span", { class: "meta" }, ` ${item.date || ""} ${(item.units || []).join("、")}`)))));
}

function selectField(label, name, options, value) {
  const id = uid("filter");
  const select = h("select", { id, name },
    h("option", { value: "" }, "全部"),
    options.map(([optionValue, text]) => h("option", { value: optionValue, selected: optionValue === value }, text)));
  if (value && !options.some(([optionValue]) => optionValue === value)) {
    select.append(h("option", { value, selected: true }, value));
  }
  return h("div", { class: "field" }, h("label", { for: id }, label), select);
}

function unitOptions(reg, sch) {
  if (reg && reg.units) return reg.units.map((u) => [u.name, u.name]);
  const node = sch && sch.properties && (sch.properties.units || sch.properties.unit);
  const choices = (node && node["x-choices"]) || [];
  return choices.map((c) => [c, c]);
}

function kindOptions(reg, sch) {
  if (reg && reg.kinds) return reg.kinds.map((k) => (typeof k === "string" ? [k, k] : [k.name, k.name]));
  const node = sch && sch.properties && sch.properties.kind;
  if (!node) return [];
  const options = (node.anyOf || [node]).flatMap((n) => n.enum || []);
  return options.map((k) => [k, k]);
}

function filterForm(collection, filters, reg, sch, user) {
  const units = unitOptions(reg, sch);
  const kinds = collection === "news" ? kindOptions(reg, sch) : [];
  const qId = uid("filter");
  const form = h("form", { class: "filters", role: "search", "aria-label": "筛选" },
    units.length ? selectField("单位", "unit", units, filters.unit) : null,
    selectField("状态", "status", STATUSES, filters.status),
    kinds.length ? selectField("类型", "kind", kinds, filters.kind) : null,
    h("div", { class: "field field-grow" },
      h("label", { for: qId }, "关键词"),
      h("input", { id: qId, name: "q", type: "search", value: filters.q })),
    h("div", { class: "actions" },
      h("button", { type: "submit" }, "筛选"),
      h("a", { href: `#/${collection}`, class: "button button-quiet" }, "清除筛选")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = { page: 1 };
    for (const name of ["unit", "status", "kind", "q"]) {
      const control = form.elements[name];
      next[name] = control ? control.value.trim() : "";
    }
    location.hash = hashFor(collection, next);
  });
  if (user.role === "editor" && user.unit) {
    form.append(h("p", { class: "hint" }, `本单位（${user.unit}）的内容排在前面；其他单位的内容只显示已发布的。`));
  }
  return form;
}

function results(collection, data, filters) {
  if (!data.items.length) {
    return h("p", { class: "empty" }, "没有符合条件的内容。");
  }
  const table = h("table", { class: "entries" },
    h("caption", { class: "visually-hidden" }, `${COLLECTION_NAMES[collection]}列表`),
    h("thead", {}, h("tr", {}, ["标题", "日期", "单位", "状态"].map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, data.items.map((item) => h("tr", {},
      h("td", { "data-label": "标题" }, h("a", { href: `#/${collection}/${encodeURIComponent(item.slug)}` }, item.title)),
      h("td", { "data-label": "日期" }, item.date || "—"),
      h("td", { "data-label": "单位" }, (item.units || []).join("、") || "—"),
      h("td", { "data-label": "状态" }, h("span", { class: `badge badge-${item.status}` }, STATUS_NAMES[item.status] || item.status))))));
  const pages = Math.max(1, Math.ceil(data.total / data.per_page));
  const pager = pages > 1 ? h("nav", { class: "pager", "aria-label": "分页" },
    data.page > 1 ? h("a", { href: hashFor(collection, { ...filters, page: data.page - 1 }) }, "上一页") : null,
    h("span", {}, `第 ${data.page} 页，共 ${pages} 页`),
    data.page < pages ? h("a", { href: hashFor(collection, { ...filters, page: data.page + 1 }) }, "下一页") : null) : null;
  return h("div", { class: "results" }, h("p", { class: "total" }, `共 ${data.total} 条`), table, pager);
}
