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

  // n / p: the next / previous row the server marked as needing a look (data-attention lists
  // why: an open proposal, an unresolved comment, a finding nobody dismissed, no approval).
  function needsAttention(row) {
    return (row.getAttribute("data-attention") || "").trim() !== "";
  }

  function jump(step, from) {
    const all = rows();
    let index = all.indexOf(from === undefined ? currentRow() : from);
    if (index === -1) index = step > 0 ? -1 : all.length;
    for (let next = index + step; next >= 0 && next < all.length; next += step) {
      if (needsAttention(all[next])) { focusRow(all[next]); return true; }
    }
    say(step > 0 ? "No row below needs a look." : "No row above needs a look.");
    return false;
  }

  // A short spoken (and shown) line for a key that found nothing to do.
  function say(text) {
    const hint = document.getElementById("keys-hint");
    if (!hint) return;
    let status = document.getElementById("keys-status");
    if (!status) {
      status = document.createElement("span");
      status.id = "keys-status";
      status.setAttribute("role", "status");
      hint.after(status);
    }
    status.textContent = text;
  }

  // Enter approves the row; once the approved row is back, go on to the next row to look at.
  let approving = null;

  // A shortcut on the focused row clicks the row's button marked with data-key. It acts only
  // when the row itself has the focus: on a link, button or form control inside the row, Enter
  // (and every other key) does what that control does, so a keyboard user who tabs to Edit and
  // presses Enter follows the link instead of approving the paragraph.
  function press(target, key) {
    if (!target.matches || !target.matches("[data-row]")) return false;
    const row = target;
    const button = row.querySelector('[data-key="' + key + '"]:not([disabled])');
    if (!button) return false;
    if (key === "Enter") approving = row.id;
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (typing(event.target)) return;
    // A selected cell of the alignment editor has keys of its own (below).
    const onCell = event.target.matches && event.target.matches("[data-pairing-cell]");
    if (onCell && event.key !== "?" && event.key !== "Escape") return;
    // Enter on a focused link, button or disclosure (a row's checks) is that control's own.
    if (event.key === "Enter" && event.target.closest("a, button, summary")) return;
    let handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "n": jump(1); break;
      case "p": jump(-1); break;
      case "?": toggleHelp(); break;
      case "Escape": handled = closeHelp(); break;
      default: handled = press(event.target, event.key);
    }
    if (handled) event.preventDefault();
  });

  // In the paragraph editor: Ctrl+Enter saves (or proposes), Ctrl+Shift+Enter saves and
  // accepts (the server renders that button only for people who may decide), Escape cancels.
  document.addEventListener("keydown", function (event) {
    const form = event.target.closest && event.target.closest("[data-edit-form]");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (event.shiftKey) {
        // A click, not requestSubmit: htmx learns which button sent the form from its click.
        const saveAndAccept = form.querySelector("[data-save-accept]");
        if (saveAndAccept) saveAndAccept.click();
        return;
      }
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
    // htmx fires afterSwap on each element the response brought, the out-of-band progress bar
    // and stage buttons too: act once, on the row.
    if (event.target.id !== row.id) return;
    const fresh = document.getElementById(row.id) || row;
    // htmx wires up new content when it settles; a key pressed before that would reach
    // controls that are not yet htmx-driven and reload the page, so wire the row up now.
    if (window.htmx) window.htmx.process(fresh);
    const textarea = fresh.querySelector("[data-edit-form] textarea");
    // Not the class: htmx keeps the old row's class until the swap settles.
    const approved = approving === fresh.id && !/\bunapproved\b/.test(fresh.dataset.attention);
    approving = null;
    if (textarea) {
      textarea.focus();
      textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    } else if (!(approved && jump(1, fresh))) {
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

  // The list of keys is hidden on phones (the stylesheet's max-width query): do not open it.
  function toggleHelp() {
    const help = document.getElementById("shortcuts");
    if (window.matchMedia("(max-width: 44rem)").matches) return;
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

// ---- The alignment editor from the keyboard. A cell (one side of one row) takes the focus;
// j/k or the up/down arrows go to the same side of the next/previous row, h/l or left/right to
// the Korean/English cell. Shift+up/down (or K/J) moves a paragraph, m merges the next row's
// cell into this one, i inserts an empty cell, z undoes: each presses the cell's own button,
// so the form sends its pairing_version and a stale page is refused as with the mouse.
(function () {
  "use strict";

  function cellAt(row, side) {
    return document.querySelector(
      '[data-pairing-cell][data-pairing-row="' + row + '"][data-side="' + side + '"]'
    );
  }

  function select(cell) {
    if (!cell) return false;
    cell.focus();
    cell.scrollIntoView({ block: "nearest" });
    return true;
  }

  // Where the focus goes once the grid comes back: the cell the paragraph went to.
  let following = null;
  const FOLLOW = { move_up: -1, move_down: 1 };

  function act(cell, action) {
    const button = cell.querySelector('button[name="action"][value="' + action + '"]');
    if (!button || button.disabled) return false;
    const row = Number(cell.dataset.pairingRow);
    following = { row: Math.max(0, row + (FOLLOW[action] || 0)), from: row, side: cell.dataset.side };
    // A click, not requestSubmit: htmx sends the button's action only for a clicked button.
    button.click();
    return true;
  }

  function undo(cell) {
    const button = document.querySelector('.pairing-bar button[name="action"][value="undo"]');
    if (!button || button.disabled) return false;
    const row = Number(cell.dataset.pairingRow);
    following = { row: row, from: row, side: cell.dataset.side };
    button.click();
    return true;
  }

  function onCell(cell, event) {
    const row = Number(cell.dataset.pairingRow);
    const side = cell.dataset.side;
    const key = event.key;
    if ((event.shiftKey && key === "ArrowUp") || key === "K") return act(cell, "move_up");
    if ((event.shiftKey && key === "ArrowDown") || key === "J") return act(cell, "move_down");
    if (event.shiftKey) return false;
    switch (key) {
      case "j": case "ArrowDown": return select(cellAt(row + 1, side));
      case "k": case "ArrowUp": return select(cellAt(row - 1, side));
      case "h": case "ArrowLeft": return select(cellAt(row, "source"));
      case "l": case "ArrowRight": return select(cellAt(row, "target"));
      case "Tab": return false;
      case "m": return act(cell, "merge_next");
      case "i": return act(cell, "insert_empty");
      case "z": return undo(cell);
      default: return false;
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (!target.matches) return;
    let handled = false;
    if (target.matches("[data-pairing-cell]")) {
      handled = onCell(target, event);
      // j/k at the first or last row, or an action with nothing to act on: do not let the
      // grid's own j/k move the focus off the cell.
      if (["j", "k", "J", "K", "m", "i", "z"].includes(event.key)) handled = true;
      if (event.shiftKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) handled = true;
    } else if (target.matches("[data-row]") && ["h", "l", "ArrowLeft", "ArrowRight"].includes(
      event.key)) {
      const first = target.querySelector("[data-pairing-cell]");
      if (first) {
        const side = event.key === "l" || event.key === "ArrowRight" ? "target" : "source";
        handled = select(cellAt(first.dataset.pairingRow, side));
      }
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("htmx:afterSwap", function () {
    if (!following) return;
    const grid = document.getElementById("grid-area");
    // Wire the new grid up at once, so the next key submits through htmx (see the rows above).
    if (grid && window.htmx) window.htmx.process(grid);
    const wanted = following;
    following = null;
    // A refused change (a stale page, nothing to move) changed nothing: stay where you were.
    if (document.querySelector(".pairing-bar .form-error")) wanted.row = wanted.from;
    const cells = document.querySelectorAll('[data-pairing-cell][data-side="' + wanted.side + '"]');
    select(cellAt(wanted.row, wanted.side) || cells[cells.length - 1]);
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

// ---- Comments in the margin: a thread's card and the words it quotes light up together, on
// the pointer or the focus; a click on the marked words opens the thread as its link does, and
// the thread asked for gets the focus once the row's threads are in.
(function () {
  "use strict";

  function threadOf(target) {
    const element = target.closest && target.closest("[data-thread]");
    return element ? element.getAttribute("data-thread") : null;
  }

  function light(target, on) {
    const thread = threadOf(target);
    if (!thread) return;
    document.querySelectorAll('[data-thread="' + CSS.escape(thread) + '"]').forEach(function (el) {
      el.classList.toggle("is-linked", on);
    });
  }

  document.addEventListener("mouseover", function (event) { light(event.target, true); });
  document.addEventListener("mouseout", function (event) { light(event.target, false); });
  document.addEventListener("focusin", function (event) { light(event.target, true); });
  document.addEventListener("focusout", function (event) { light(event.target, false); });

  let wanted = null;

  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[data-thread]");
    if (link) { wanted = link.getAttribute("data-thread"); return; }
    const mark = event.target.closest && event.target.closest("mark.quote-mark");
    const selection = document.getSelection();
    // A drag that selected words (to quote them) is not a click on the mark.
    if (!mark || (selection && !selection.isCollapsed)) return;
    // A glossary term inside the marked words keeps its own click.
    const control = event.target.closest("a, button, [tabindex]");
    if (control && mark.contains(control)) return;
    const thread = mark.getAttribute("data-thread");
    const opener = document.querySelector('a.quote-link[data-thread="' + CSS.escape(thread) + '"]');
    if (opener) opener.click();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const slot = event.detail.target;
    if (!wanted || !slot || !slot.matches || !slot.matches(".row-comments")) return;
    const thread = document.getElementById("comment-" + wanted);
    wanted = null;
    if (!thread) return;
    thread.focus({ preventScroll: true });
    thread.scrollIntoView({ block: "nearest" });
  });
})();
