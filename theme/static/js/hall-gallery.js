// Lightbox for the online hall's exhibit galleries. Without JavaScript every picture is a plain
// link to the full-size image; with it, the link opens a modal dialog that the keyboard can drive:
// ← / → step through the pictures, Esc closes, and focus returns to the picture that was opened.
(function () {
  "use strict";

  var dialog = document.querySelector("dialog.lightbox");
  var links = Array.prototype.slice.call(document.querySelectorAll(".gallery-link"));
  if (!dialog || !links.length || typeof dialog.showModal !== "function") { return; }
  var caption = dialog.querySelector("figcaption");
  var image = document.createElement("img"); // made here: an <img> without src is not valid HTML
  caption.parentNode.insertBefore(image, caption);
  var count = dialog.querySelector(".lightbox-count");
  var current = 0;
  var opener = null;

  function show(index) {
    current = (index + links.length) % links.length;
    var link = links[current];
    var thumb = link.querySelector("img");
    image.src = link.href;
    image.alt = thumb.alt;
    caption.textContent = link.getAttribute("data-caption") || thumb.alt;
    count.textContent = "第 " + (current + 1) + " 张，共 " + links.length + " 张";
  }

  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      event.preventDefault();
      opener = link;
      show(index);
      dialog.showModal();
      dialog.querySelector("[data-close]").focus();
    });
  });

  dialog.addEventListener("click", function (event) {
    var step = event.target.getAttribute("data-step");
    if (step) { show(current + parseInt(step, 10)); }
    else if (event.target.hasAttribute("data-close") || event.target === dialog) { dialog.close(); }
  });

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
    if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
  });

  dialog.addEventListener("close", function () {
    if (opener) { opener.focus(); }
  });
}());
