// The kiosk's behaviour: taps act on pointer up, a horizontal swipe steps between exhibits, 大字号,
// the attract loop, and the idle countdown that resets everything. Pages change with
// location.replace, so the history never grows and a reset leaves nothing of the last visitor.
(function () {
  "use strict";

  var LARGE_TEXT = "kiosk.large-text";
  var VISITING = "kiosk.visiting";
  var TAP_SLOP = 16;
  var SWIPE_DISTANCE = 120;

  var html = document.documentElement;
  var body = document.body;
  var state = window.sessionStorage;
  var root = body.getAttribute("data-root");
  var idleSeconds = Number(body.getAttribute("data-idle-seconds"));
  var countdownSeconds = Number(body.getAttribute("data-countdown-seconds"));
  var attract = document.getElementById("attract");
  var overlay = document.getElementById("idle-overlay");
  var countdown = overlay.querySelector("[data-countdown]");
  var viewer = document.getElementById("viewer");
  var lastInput = Date.now();
  var press = null;
  var swallowClick = false;

  function go(href) {
    window.location.replace(href);
  }

  function setLargeText(on) {
    html.classList.toggle("large-text", on);
    if (on) { state.setItem(LARGE_TEXT, "1"); } else { state.removeItem(LARGE_TEXT); }
    document.querySelectorAll("[data-action='large-text']").forEach(function (button) {
      button.setAttribute("aria-pressed", String(on));
    });
  }

  function attractShowing() {
    return attract !== null && !html.classList.contains("visiting");
  }

  function startVisit() {
    state.setItem(VISITING, "1");
    html.classList.add("visiting");
    window.scrollTo(0, 0);
    lastInput = Date.now();
  }

  function openViewer(button) {
    var picture = button.querySelector("img");
    var image = viewer.querySelector("img");
    if (!image) { // made here: an <img> without src is not valid HTML
      image = document.createElement("img");
      viewer.insertBefore(image, viewer.firstChild);
    }
    image.src = picture.src;
    image.alt = picture.alt;
    viewer.hidden = false;
  }

  function closeViewer() {
    if (viewer) { viewer.hidden = true; }
  }

  function reset() {
    state.clear();
    document.querySelectorAll("video, audio").forEach(function (media) { media.pause(); });
    closeViewer();
    window.scrollTo(0, 0);
    go(root + "index.html");
  }

  var actions = {
    "large-text": function () { setLargeText(!html.classList.contains("large-text")); },
    "continue": function () { lastInput = Date.now(); updateIdle(); },
    "view": openViewer,
    "close-viewer": closeViewer
  };

  function activate(target) {
    if (target.tagName === "A") {
      go(target.getAttribute("href"));
      return;
    }
    var action = actions[target.getAttribute("data-action")];
    if (action) { action(target); }
  }

  function interactive(node) {
    return node && node.closest ? node.closest("a[href], button") : null;
  }

  function swipe(rel) {
    var link = document.querySelector(".bottom-bar a[rel='" + rel + "']");
    if (link && (!viewer || viewer.hidden)) { go(link.getAttribute("href")); }
  }

  document.addEventListener("pointerdown", function (event) {
    lastInput = Date.now();
    swallowClick = false;
    press = { x: event.clientX, y: event.clientY, target: interactive(event.target) };
  }, true);

  // Pointer up does the work; the click the browser sends after it is swallowed.
  document.addEventListener("pointerup", function (event) {
    lastInput = Date.now();
    if (press === null) { return; }
    var start = press;
    var dx = event.clientX - start.x;
    var dy = event.clientY - start.y;
    press = null;
    swallowClick = true;
    if (attractShowing()) {
      startVisit();
      return;
    }
    if (Math.abs(dx) >= SWIPE_DISTANCE && Math.abs(dy) < Math.abs(dx) * 0.6) {
      swipe(dx < 0 ? "next" : "prev");
      return;
    }
    var target = interactive(event.target);
    if (target && target === start.target && Math.abs(dx) <= TAP_SLOP && Math.abs(dy) <= TAP_SLOP) {
      activate(target);
    }
  }, true);

  document.addEventListener("pointercancel", function () { press = null; }, true);
  document.addEventListener("keydown", function () { swallowClick = false; }, true);

  // A click without a pointer before it (keyboard, assistive technology) does the same as a tap.
  document.addEventListener("click", function (event) {
    var target = interactive(event.target);
    if (swallowClick) {
      swallowClick = false;
      if (target || attract) { event.preventDefault(); }
      return;
    }
    if (attractShowing()) {
      event.preventDefault();
      startVisit();
    } else if (target) {
      event.preventDefault();
      activate(target);
    }
  }, true);

  ["keydown", "wheel", "touchstart", "scroll"].forEach(function (type) {
    window.addEventListener(type, function () { lastInput = Date.now(); }, { capture: true, passive: true });
  });
  ["contextmenu", "selectstart", "dragstart", "dblclick"].forEach(function (type) {
    document.addEventListener(type, function (event) { event.preventDefault(); });
  });
  window.addEventListener("wheel", function (event) {
    if (event.ctrlKey) { event.preventDefault(); }  // no zoom with the keyboard's Ctrl + wheel either
  }, { passive: false });

  function updateIdle() {
    var idle = (Date.now() - lastInput) / 1000;
    if (attractShowing() || idle < idleSeconds) {
      overlay.hidden = true;
      return;
    }
    var remaining = Math.ceil(idleSeconds + countdownSeconds - idle);
    if (remaining <= 0) {
      reset();
      return;
    }
    countdown.textContent = String(remaining);
    overlay.hidden = false;
  }

  function startAttractLoop() {
    var slides = attract.querySelectorAll(".attract-slide");
    var current = 0;
    if (slides.length < 2) { return; }
    window.setInterval(function () {
      if (!attractShowing()) { return; }
      slides[current].classList.remove("is-current");
      current = (current + 1) % slides.length;
      slides[current].classList.add("is-current");
    }, Number(attract.getAttribute("data-slide-seconds")) * 1000);
  }

  setLargeText(state.getItem(LARGE_TEXT) === "1");
  if (attract) { startAttractLoop(); }
  window.setInterval(updateIdle, 250);
}());
