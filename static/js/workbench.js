// Keyboard shortcuts for the side-by-side grid. Everything here has a mouse equivalent;
// the page works without this file.
(function () {
  "use strict";

  function rows() {
    return Array.from(document.querySelectorAll("[data-row]"));
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable=true]") !== null;
  }

  function currentRow() {
    return document.activeElement && document.activeElement.closest("[data-row]");
  }

  function focusRow(row) {
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = rows();
    if (all.length === 0) return;
    const index = all.indexOf(currentRow());
    const next = index === -1 ? (step > 0 ? 0 : all.length - 1) : index + step;
    focusRow(all[Math.max(0, Math.min(all.length - 1, next))]);
  }

  // A shortcut on the focused row clicks the row's button marked with data-key. It acts only
  // when the row itself has the focus: on a link, button or form control inside the row, Enter
  // (and every other key) does what that control does, so a keyboard user who tabs to Edit and
  // presses Enter follows the link instead of approving the paragraph.
  function press(target, key) {
    if (!target.matches || !target.matches("[data-row]")) return false;
    const row = target;
    const button = row.querySelector('[data-key="' + key + '"]:not([disabled])');
    if (!button) return false;
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (typing(event.target)) return;
    // Enter on a focused link, button or disclosure (a row's checks) is that control's own.
    if (event.key === "Enter" && event.target.closest("a, button, summary")) return;
    let handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "?": toggleHelp(); break;
      case "Escape": handled = closeHelp(); break;
      default: handled = press(event.target, event.key);
    }
    if (handled) event.preventDefault();
  });

  // In the paragraph editor: Ctrl+Enter saves, Escape cancels.
  document.addEventListener("keydown", function (event) {
    const form = event.target.closest && event.target.closest("[data-edit-form]");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit(form.querySelector("[data-submit]"));
    } else if (event.key === "Escape") {
      event.preventDefault();
      const cancel = form.querySelector("[data-cancel]");
      if (cancel) cancel.click();
    }
  });

  // Cancel (the button, or Escape, which clicks it) throws away what the editor holds: when that
  // is text the person typed and has not saved, ask first. A draft the server sent back (after a
  // conflict or a refusal) is unsaved too. This runs before htmx sees the click.
  function unsaved(form) {
    const textarea = form.querySelector("textarea");
    if (!textarea) return false;
    return textarea.value !== textarea.defaultValue || textarea.hasAttribute("data-draft");
  }

  document.addEventListener("click", function (event) {
    const cancel = event.target.closest && event.target.closest("[data-cancel]");
    const form = cancel && cancel.closest("[data-edit-form]");
    if (!form || !unsaved(form)) return;
    if (window.confirm("Discard the text you typed? It has not been saved.")) return;
    event.preventDefault();
    event.stopPropagation();
    form.querySelector("textarea").focus();
  }, true);

  // After htmx replaces a row, keep the reader's place: the editor gets focus when it opens,
  // otherwise the row itself does.
  document.addEventListener("htmx:afterSwap", function (event) {
    const row = event.detail.target;
    if (!row || !row.matches || !row.matches("[data-row]")) return;
    const fresh = document.getElementById(row.id) || row;
    // htmx wires up new content when it settles; a key pressed before that would reach
    // controls that are not yet htmx-driven and reload the page, so wire the row up now.
    if (window.htmx) window.htmx.process(fresh);
    const textarea = fresh.querySelector("[data-edit-form] textarea");
    if (textarea) {
      textarea.focus();
      textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    } else {
      fresh.focus();
    }
  });

  // Select words in a row, then open its comments: the words become the comment's quote.
  function selectedQuote() {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed) return null;
    const text = selection.toString().trim();
    const node = selection.anchorNode;
    const element = node && (node.nodeType === 1 ? node : node.parentElement);
    const cell = element && element.closest(".cell-source, .cell-target");
    if (!cell || !text) return null;
    return {
      row: cell.closest("[data-row]"),
      text: text,
      side: cell.classList.contains("cell-source") ? "source" : "target",
    };
  }

  let pendingQuote = null;
  // A mouse press on the button may clear the selection before htmx asks: remember it first.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-comment-button]")) {
      pendingQuote = selectedQuote();
    }
  }, true);

  document.addEventListener("htmx:configRequest", function (event) {
    const button = event.detail.elt;
    if (!button.matches || !button.matches("[data-comment-button]")) return;
    const quote = pendingQuote || selectedQuote();
    pendingQuote = null;
    if (quote && quote.row === button.closest("[data-row]")) {
      event.detail.parameters.quote = quote.text;
      event.detail.parameters.side = quote.side;
    }
  });

  function toggleHelp() {
    const help = document.getElementById("shortcuts");
    if (help && typeof help.showModal === "function") {
      if (help.open) help.close(); else help.showModal();
    }
  }

  function closeHelp() {
    const help = document.getElementById("shortcuts");
    if (help && help.open) { help.close(); return true; }
    return false;
  }

  // A request that fails on the server (the database unreachable: 503, no room to write a
  // file: 507, a bug: 500) or never reaches it swaps nothing in: say so above the page, and
  // leave what the person typed where it is. The next request that succeeds takes it away.
  const FAILURES = {
    503: "The database cannot be reached right now, so nothing was saved. " +
      "What you typed is still here: try again in a moment.",
    507: "The server cannot write files right now, so nothing was saved. Tell the desk chief.",
  };
  const FAILED = "Something went wrong on the server, so nothing was saved. " +
    "What you typed is still here: try again.";
  const UNREACHABLE = "The server cannot be reached, so nothing was saved. " +
    "What you typed is still here: try again in a moment.";

  function showFailure(text) {
    const main = document.getElementById("main");
    if (!main) return;
    let list = main.querySelector("[data-request-failure]");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      list.setAttribute("role", "alert");
      list.setAttribute("data-request-failure", "");
      main.prepend(list);
    }
    const item = document.createElement("li");
    item.className = "message message-error";
    item.textContent = text;
    list.replaceChildren(item);
  }

  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr.status;
    if (status >= 500) showFailure(FAILURES[status] || FAILED);
  });
  document.addEventListener("htmx:sendError", function () { showFailure(UNREACHABLE); });
  document.addEventListener("htmx:afterRequest", function (event) {
    const list = document.querySelector("[data-request-failure]");
    if (list && event.detail.successful) list.remove();
  });
})();

// ---- Translation memory (reviews/memory.py): insert a suggestion into the row's editor.
// A click on "Insert", or Ctrl+Shift+1..3 in the editor, replaces the editor's text with the
// suggestion's English; the editor keeps focus and the browser's undo still brings it back.
(function () {
  "use strict";

  function insertSuggestion(button) {
    const form = button.closest("[data-edit-form]");
    const textarea = form && form.querySelector("textarea");
    if (!textarea) return;
    textarea.focus();
    textarea.select();
    // insertText keeps the change on the undo stack; assigning .value would not.
    if (!document.execCommand("insertText", false, button.dataset.text)) {
      textarea.value = button.dataset.text;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-memory-insert]");
    if (!button) return;
    event.preventDefault();
    insertSuggestion(button);
  });

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey && event.shiftKey) || event.altKey || event.metaKey) return;
    const match = /^Digit([1-9])$/.exec(event.code);
    const form = match && event.target.closest && event.target.closest("[data-edit-form]");
    if (!form) return;
    const button = form.querySelector('[data-memory-insert="' + match[1] + '"]');
    if (!button) return;
    event.preventDefault();
    insertSuggestion(button);
  });
})();

// ---- Review flow: the Undo offered after an accept or a reject --------------------------
// The Undo is an ordinary form button (it works without this file); this only takes it away
// after a few seconds, as a mail client's "undo send" does. The server still refuses an undo
// once the row has changed, whenever it arrives.
(function () {
  "use strict";

  const UNDO_SECONDS = 10;

  function expireUndoOffers(root) {
    root.querySelectorAll("[data-undo-offer]:not([data-undo-timed])").forEach(function (form) {
      form.setAttribute("data-undo-timed", "");
      window.setTimeout(function () {
        // Not from under a keyboard user's focus: then it goes when the focus leaves it.
        if (form.contains(document.activeElement)) {
          form.addEventListener("focusout", function () { form.remove(); }, { once: true });
        } else {
          form.remove();
        }
      }, UNDO_SECONDS * 1000);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { expireUndoOffers(document); });
  document.addEventListener("htmx:load", function (event) { expireUndoOffers(event.target); });
})();
