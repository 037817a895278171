// 历史: the git history of an entry (who, when, what) with the diff of each change.

import { ApiError, get, query } from "./api.js";
import { formatTime, h, replace, uid } from "./dom.js";
import { parseUnified, renderUnified } from "./diff.js";

/** A 历史 button and the panel it opens; the history is read when the panel opens. */
export function historyPanel(collection, slug) {
  const panelId = uid("history");
  const panel = h("section", { id: panelId, class: "history card", hidden: true, "aria-labelledby": `${panelId}-title` });
  const button = h("button", { type: "button", "aria-expanded": "false", "aria-controls": panelId }, "历史");
  button.addEventListener("click", async () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
    if (open) await load();
  });

  async function load() {
    replace(panel, h("h2", { id: `${panelId}-title` }, "修改历史"), h("p", { class: "loading" }, "正在读取……"));
    let items;
    try {
      items = (await get(`/api/${collection}/${encodeURIComponent(slug)}/history`)).items;
    } catch (error) {
      replace(panel, h("h2", { id: `${panelId}-title` }, "修改历史"), h("p", { class: "form-error" }, error.message));
      return;
    }
    replace(panel, h("h2", { id: `${panelId}-title`, tabindex: "-1" }, "修改历史"),
      items.length ? h("ol", { class: "history-list" }, items.map((item) => historyItem(collection, slug, item)))
        : h("p", {}, "还没有修改记录。"));
    panel.querySelector("h2").focus();
  }

  return { button, panel };
}

function historyItem(collection, slug, item) {
  const diffBox = h("div", { class: "diff-box", hidden: true });
  const toggle = h("button", { type: "button", class: "button-quiet", "aria-expanded": "false" }, "查看改动");
  toggle.addEventListener("click", async () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    diffBox.hidden = !open;
    toggle.textContent = open ? "收起改动" : "查看改动";
    if (!open || diffBox.dataset.loaded) return;
    replace(diffBox, h("p", { class: "loading" }, "正在读取……"));
    try {
      const data = await get(`/api/${collection}/${encodeURIComponent(slug)}/diff${query({ commit: item.commit })}`);
      const lines = parseUnified(data.diff);
      replace(diffBox, lines.length ? renderUnified(lines) : h("p", {}, "这次提交没有改动这个文件的内容。"));
      diffBox.dataset.loaded = "1";
    } catch (error) {
      const message = error instanceof ApiError && error.status === 404 && error.data.key === "cms.no_such_address"
        ? "服务器暂不支持查看改动。" : error.message;
      replace(diffBox, h("p", { class: "form-error" }, message));
    }
  });
  return h("li", {},
    h("div", { class: "history-head" },
      h("span", { class: "history-who" }, item.author),
      h("time", { datetime: item.date }, formatTime(item.date)),
      h("code", { class: "history-commit", title: item.commit }, item.commit.slice(0, 8))),
    h("p", { class: "history-message" }, item.message),
    toggle, diffBox);
}

/** The reviewer's comment of the latest change, when that change returned the entry; else null. */
export async function returnComment(collection, slug) {
  try {
    const { items } = await get(`/api/${collection}/${encodeURIComponent(slug)}/history`);
    const last = items[0];
    const match = last && last.message.match(/^退回：[\s\S]*?（意见：([\s\S]*)）\s*$/);
    return match ? { comment: match[1], author: last.author, date: last.date } : null;
  } catch (error) {
    return null;
  }
}
