// The upload page: drop a file on either side, and see both sides previewed before the upload.
// Progressive enhancement: without this script the file fields and the buttons work as they are.
(function () {
  "use strict";

  function previewSoon() {
    const button = document.getElementById("preview-button");
    if (button && window.htmx) {
      // Through htmx, so the page (and the files chosen in it) stays as it is.
      window.htmx.trigger(button, "click");
    }
  }

  function enhance(zone) {
    const input = zone.querySelector("input[type=file]");
    const hint = zone.querySelector("[data-drop-hint]");
    if (!input) return;
    if (hint) hint.hidden = false;
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("is-over");
    });
    zone.addEventListener("dragleave", function () {
      zone.classList.remove("is-over");
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-over");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      // One file per side: the first one dropped.
      const chosen = new DataTransfer();
      chosen.items.add(files[0]);
      input.files = chosen.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("change", previewSoon);
  }

  function start() {
    document.querySelectorAll("[data-drop-zone]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
