/* 长辈模式 (larger text, stronger contrast, larger targets) and the phone menu.
   Loaded without defer in <head>, so the classes on <html> are set before the first paint:
   "has-js" shows the 长辈模式 button (without JavaScript it stays hidden), "elder" turns the mode on.
   The choice is remembered in localStorage across pages. The menu (<details>) works without this file;
   here Escape closes it and returns focus to the 菜单 button. */
(function () {
  "use strict";
  var KEY = "wenming-elder-mode";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }

  function remember(on) {
    try {
      if (on) { window.localStorage.setItem(KEY, "on"); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage unavailable (private mode): the mode lasts for this page only */ }
  }

  root.classList.add("has-js");
  if (stored()) { root.classList.add("elder"); }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll(".elder-toggle");
    function show(on) {
      root.classList.toggle("elder", on);
      for (var i = 0; i < buttons.length; i++) { buttons[i].setAttribute("aria-pressed", on ? "true" : "false"); }
    }
    show(root.classList.contains("elder"));
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var on = !root.classList.contains("elder");
        remember(on);
        show(on);
      });
    }

    var menu = document.querySelector(".nav-menu");
    if (menu) {
      menu.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    }
  });
}());
