// The 登录 screen.

import { ApiError, post } from "./api.js";
import { announceError, h, replace, uid } from "./dom.js";

export function showLogin(root, onLoggedIn) {
  document.title = "登录 · 内容管理";
  const userId = uid("login");
  const passId = uid("login");
  const errorBox = h("p", { class: "form-error", id: uid("err"), hidden: true });
  const button = h("button", { type: "submit", class: "button-primary" }, "登录");
  const form = h("form", { class: "login-form", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: userId }, "用户名"),
      h("input", { id: userId, name: "username", autocomplete: "username", required: true,
        autocapitalize: "none", spellcheck: "false" })),
    h("div", { class: "field" },
      h("label", { for: passId }, "密码"),
      h("input", { id: passId, name: "password", type: "password", autocomplete: "current-password",
        required: true })),
    errorBox,
    h("div", { class: "actions" }, button));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    if (!username || !password) {
      showError("请填写用户名和密码。");
      return;
    }
    button.disabled = true;
    try {
      const data = await post("/api/login", { username, password });
      onLoggedIn(data);
    } catch (error) {
      showError(error instanceof ApiError ? error.message : "登录失败，请稍后再试。");
      form.elements.password.select();
      form.elements.password.focus();
    } finally {
      button.disabled = false;
    }
  });

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    announceError(message);
  }

  replace(root,
    h("section", { class: "login card" },
      h("h1", { id: "login-title" }, "登录"),
      h("p", { class: "hint" }, "请使用中心分配的账号登录。忘记密码请联系县新时代文明实践中心管理员。"),
      form,
      h("p", { class: "hint" }, "第一次使用？请先阅读页面顶部的“编辑手册”。")));
  form.elements.username.focus();
  return {};
}
