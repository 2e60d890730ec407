// Says what an htmx update did ("Paragraph 12 saved.", "Comment added to paragraph 4."):
// the server sends the sentence in the HX-Trigger-After-Settle header as an "announce" event
// (reviews/views/announce.py) and this puts it into one of the two live regions that stay on
// every page (templates/base.html). Swapped fragments carry no role="status" or role="alert"
// themselves, so nothing is read twice. Nothing here makes up words of its own.
(function () {
  "use strict";

  const pending = {};

  function announce(text, urgent) {
    const region = document.getElementById(urgent ? "announce-assertive" : "announce-polite");
    if (!region || !text) return;
    // Empty it first and fill it a moment later: the same sentence twice in a row (two saves)
    // is a change a screen reader notices, and so is read again.
    window.clearTimeout(pending[region.id]);
    region.textContent = "";
    pending[region.id] = window.setTimeout(function () { region.textContent = text; }, 100);
  }

  document.addEventListener("announce", function (event) {
    const detail = event.detail || {};
    announce(String(detail.text || ""), detail.urgent === true);
  });
})();
