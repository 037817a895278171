// The web editor's entry point: session, header, and hash routing to the screens.
//   #/news                 list of a collection (filters in the hash query: #/news?status=review)
//   #/news/new             a new entry
//   #/news/<slug>          edit an entry

import { get, post, setCsrf } from "./api.js";
import { announce, h, replace } from "./dom.js";
import { COLLECTIONS, COLLECTION_NAMES, ROLE_NAMES } from "./labels.js";
import { showList } from "./list.js";
import { showLogin } from "./login.js";
import { showEditor } from "./editor.js";
import { forget } from "./registry.js";

const state = { user: null, screen: null, route: 0 };

function main() {
  return document.getElementById("main");
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [pathPart, queryPart = ""] = raw.split("?");
  const parts = pathPart.split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(queryPart) };
}

function renderHeader() {
  const nav = document.getElementById("nav");
  const who = document.getElementById("whoami");
  const logout = document.getElementById("logout");
  if (!state.user) {
    nav.hidden = true;
    logout.hidden = true;
    who.textContent = "";
    return;
  }
  const { parts } = parseHash();
  const current = parts[0] || "news";
  replace(nav, h("ul", {}, COLLECTIONS.map(([name, label]) => h("li", {},
    h("a", { href: `#/${name}`, "aria-current": name === current ? "page" : null }, label)))));
  nav.hidden = false;
  const user = state.user;
  who.textContent = `${user.display_name || user.username}（${ROLE_NAMES[user.role] || user.role}${user.unit ? `·${user.unit}` : ""}）`;
  logout.hidden = false;
}

async function route() {
  const number = ++state.route; // a screen that loads slowly must not replace one the user has moved on to
  if (state.screen && state.screen.leave) state.screen.leave();
  state.screen = null;
  const status = document.getElementById("status");
  if (status.dataset.kind !== "error") status.textContent = ""; // an error stays until the next message
  renderHeader();
  if (!state.user) {
    state.screen = showLogin(main(), onLoggedIn);
    return;
  }
  const { parts, params } = parseHash();
  const collection = parts[0];
  if (!collection || !COLLECTION_NAMES[collection]) {
    location.replace("#/news");
    return;
  }
  // Each screen is built in a container of its own and shown only if no later route() started meanwhile.
  const container = h("div", { class: "screen" });
  const screen = parts.length === 1
    ? await showList(container, { collection, params, user: state.user })
    : await showEditor(container, { collection, slug: parts[1] === "new" ? null : parts[1], user: state.user });
  if (number !== state.route) {
    if (screen && screen.leave) screen.leave();
    return;
  }
  replace(main(), container);
  state.screen = screen;
}

function onLoggedIn(data) {
  setCsrf(data.csrf_token);
  forget();
  state.user = data.user;
  announce(`已登录：${data.user.display_name || data.user.username}`);
  route();
}

async function logout() {
  try {
    await post("/api/logout");
  } catch (error) {
    // The session may already be gone; logging out locally is what matters.
  }
  setCsrf(null);
  forget();
  state.user = null;
  announce("已退出登录。");
  route();
}

async function start() {
  document.getElementById("logout").addEventListener("click", logout);
  window.addEventListener("hashchange", route);
  window.addEventListener("cms:logged-out", (event) => {
    if (!state.user) return;
    state.user = null;
    setCsrf(null);
    announce(event.detail || "登录已过期，请重新登录。", "error");
    route();
  });
  try {
    const me = await get("/api/me");
    setCsrf(me.csrf_token);
    state.user = me.user;
  } catch (error) {
    state.user = null;
  }
  route();
}

start();
