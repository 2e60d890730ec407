// @mention completion in the comment boxes (textarea[data-mentions], the URL of the people
// who may be mentioned on the document, reviews/views/mentions.py). Typing "@" and letters
// opens a list of those people under the box: Up/Down choose (the box keeps the focus and
// points at the choice with aria-activedescendant), Enter or Tab puts "@username " in,
// Escape closes; a click on a name does the same. Without this file a typed @username works
// just as well: the server reads mentions from the text.
(function () {
  "use strict";

  const MAX_SHOWN = 8;
  // As the server's MENTION pattern: "@" not after a letter, digit, "@" or "." (so an address
  // like a@b is no mention), then the letters typed so far, up to the caret.
  // (\p{L}, \p{N}: a JavaScript \w is ASCII only, Python's is not.)
  const TYPED = /(?:^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}_.+-]*)$/u;
  const people = {}; // URL -> promise of the list
  let open = null; // {textarea, list, status, matches, active, start}
  let serial = 0;

  function peopleAt(url) {
    if (!people[url]) {
      people[url] = fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { people: [] }; })
        .then(function (answer) { return answer.people || []; })
        .catch(function () { delete people[url]; return []; });
    }
    return people[url];
  }

  function typedMention(textarea) {
    if (textarea.selectionStart !== textarea.selectionEnd) return null;
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = TYPED.exec(before);
    if (!match) return null;
    return { query: match[1].toLowerCase(), start: before.length - match[1].length - 1 };
  }

  function matching(list, query) {
    return list.filter(function (person) {
      if (!query) return true;
      const name = person.name.toLowerCase();
      return person.username.toLowerCase().startsWith(query) || name.startsWith(query) ||
        name.split(/\s+/).some(function (part) { return part.startsWith(query); });
    }).slice(0, MAX_SHOWN);
  }

  function close() {
    if (!open) return;
    open.list.remove();
    open.status.textContent = "";
    open.textarea.removeAttribute("aria-activedescendant");
    open.textarea.removeAttribute("aria-controls");
    open = null;
  }

  function statusFor(textarea) {
    let status = textarea.parentElement.querySelector("[data-mention-status]");
    if (!status) {
      status = document.createElement("span");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("data-mention-status", "");
      textarea.after(status);
    }
    return status;
  }

  function choose(index) {
    if (!open || !open.matches.length) return;
    open.active = (index + open.matches.length) % open.matches.length;
    open.list.querySelectorAll("[role=option]").forEach(function (option, at) {
      option.setAttribute("aria-selected", at === open.active ? "true" : "false");
    });
    const active = open.list.children[open.active];
    open.textarea.setAttribute("aria-activedescendant", active.id);
    active.scrollIntoView({ block: "nearest" });
  }

  function show(textarea, matches, start) {
    close();
    if (!matches.length) return;
    const id = "mentions-" + (++serial);
    const list = document.createElement("ul");
    list.id = id;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    matches.forEach(function (person, at) {
      const option = document.createElement("li");
      option.id = id + "-" + at;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.username = person.username;
      const name = document.createElement("span");
      name.textContent = person.name;
      const detail = document.createElement("span");
      detail.className = "mention-detail";
      detail.textContent = " @" + person.username + " · " + person.role;
      option.append(name, detail);
      list.append(option);
    });
    textarea.after(list);
    textarea.setAttribute("aria-controls", id);
    textarea.setAttribute("aria-autocomplete", "list");
    const status = statusFor(textarea);
    open = { textarea: textarea, list: list, status: status, matches: matches, active: 0,
      start: start };
    choose(0);
    status.textContent = matches.length + (matches.length === 1 ? " person" : " people") +
      " to mention: Up and Down to choose, Enter to pick, Escape to close.";
  }

  function pick(index) {
    if (!open) return;
    const textarea = open.textarea;
    const person = open.matches[index];
    const start = open.start;
    const end = textarea.selectionStart;
    close();
    textarea.focus();
    textarea.setSelectionRange(start, end);
    const text = "@" + person.username + " ";
    // insertText keeps the change on the undo stack; setRangeText would not.
    if (!document.execCommand("insertText", false, text)) {
      textarea.setRangeText(text, start, end, "end");
    }
    statusFor(textarea).textContent = person.name + " mentioned.";
  }

  function update(textarea) {
    const typed = typedMention(textarea);
    if (!typed) { close(); return; }
    peopleAt(textarea.getAttribute("data-mentions")).then(function (list) {
      // The person may have typed on (or left) while the list was on its way.
      if (document.activeElement !== textarea) return;
      const now = typedMention(textarea);
      if (!now || now.start !== typed.start) { if (!now) close(); return; }
      show(textarea, matching(list, now.query), now.start);
    });
  }

  function mentionBox(target) {
    return target.matches && target.matches("textarea[data-mentions]") ? target : null;
  }

  document.addEventListener("input", function (event) {
    const textarea = mentionBox(event.target);
    if (textarea) update(textarea);
  });

  document.addEventListener("keydown", function (event) {
    if (!open || event.target !== open.textarea) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    let handled = true;
    switch (event.key) {
      case "ArrowDown": choose(open.active + 1); break;
      case "ArrowUp": choose(open.active - 1); break;
      case "Enter": case "Tab": pick(open.active); break;
      case "Escape": close(); break;
      default: handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // A press on a name must not take the focus from the box (that would close the list).
  document.addEventListener("mousedown", function (event) {
    if (open && event.target.closest && event.target.closest(".mention-list")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    const option = open && event.target.closest && event.target.closest(".mention-list [role=option]");
    if (!option) return;
    pick(Array.prototype.indexOf.call(open.list.children, option));
  });

  document.addEventListener("focusout", function (event) {
    if (open && event.target === open.textarea) close();
  });

  // The caret moved without typing (arrows, a click): follow it.
  document.addEventListener("keyup", function (event) {
    const textarea = mentionBox(event.target);
    if (textarea && ["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) {
      update(textarea);
    }
  });

  document.addEventListener("htmx:beforeSwap", close);
})();
