// 复制为公众号格式: the report as self-contained inline-styled HTML, shown and put on the clipboard as text/html.

import { get } from "./api.js";
import { announce, announceError, h, replace, uid } from "./dom.js";

async function copyHtml(html, frame) {
  if (navigator.clipboard && window.ClipboardItem) {
    try {
      const plain = new DOMParser().parseFromString(html, "text/html").body.innerText || "";
      await navigator.clipboard.write([new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([plain], { type: "text/plain" }),
      })]);
      return "clipboard";
    } catch (error) {
      // Not allowed here (no permission, not a secure context): select the rendered copy instead.
    }
  }
  try {
    const doc = frame.contentDocument;
    const range = doc.createRange();
    range.selectNodeContents(doc.body);
    const selection = frame.contentWindow.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    frame.focus();
    return doc.execCommand("copy") ? "selection-copied" : "selected";
  } catch (error) {
    return "failed";
  }
}

/** The button and the panel that shows the WeChat HTML. `dirty()` says whether the form has unsaved edits. */
export function wechatPanel(collection, slug, dirty) {
  const panelId = uid("wechat");
  const panel = h("section", { id: panelId, class: "wechat card", hidden: true, "aria-labelledby": `${panelId}-title` });
  const button = h("button", { type: "button", "aria-controls": panelId }, "复制为公众号格式");
  let html = null;

  button.addEventListener("click", async () => {
    panel.hidden = false;
    replace(panel, h("h2", { id: `${panelId}-title` }, "公众号格式"), h("p", { class: "loading" }, "正在生成……"));
    try {
      html = (await get(`/api/${collection}/${encodeURIComponent(slug)}/wechat`)).html;
    } catch (error) {
      replace(panel, h("h2", { id: `${panelId}-title` }, "公众号格式"), h("p", { class: "form-error" }, error.message));
      announceError(error.message);
      return;
    }
    const frame = h("iframe", { class: "wechat-frame", title: "公众号格式预览", sandbox: "allow-same-origin" });
    frame.srcdoc = html;
    const codeId = uid("code");
    const code = h("textarea", { id: codeId, readonly: true, rows: 6, class: "code" });
    code.value = html;
    const again = h("button", { type: "button", class: "button-primary" }, "复制到剪贴板");
    replace(panel,
      h("h2", { id: `${panelId}-title` }, "公众号格式"),
      h("p", { class: "hint" }, "复制后，在公众号后台的图文编辑器里按 Ctrl+V 粘贴。图片使用网站上的完整地址；文章须已发布，图片才能显示。"),
      dirty() ? h("p", { class: "notice" }, "注意：导出的是已保存的版本，表单里还有未保存的修改。") : null,
      h("div", { class: "actions" }, again,
        h("button", { type: "button", onclick: () => { panel.hidden = true; button.focus(); } }, "关闭")),
      frame,
      h("details", {}, h("summary", {}, "查看 HTML 代码"),
        h("label", { for: codeId }, "公众号格式 HTML"), code));
    const copy = async () => {
      const how = await copyHtml(html, frame);
      if (how === "clipboard" || how === "selection-copied") announce("已复制为公众号格式。请到公众号编辑器中粘贴。");
      else if (how === "selected") announce("已选中公众号格式的内容，请按 Ctrl+C 复制。");
      else announceError("无法自动复制。请在下面的预览中全选（Ctrl+A）后按 Ctrl+C 复制。");
    };
    again.addEventListener("click", copy);
    await new Promise((resolve) => { frame.addEventListener("load", resolve, { once: true }); window.setTimeout(resolve, 1500); });
    await copy();
  });
  return { button, panel };
}
