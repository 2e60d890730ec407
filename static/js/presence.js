// Presence on the document page: "Daniel Park is editing" beside a row's Edit button, and a
// warning in the row's editor when someone else has it open too (reviews/presence.py).
// One request per page every few seconds: a GET that reads who edits which row, or, while
// this page has an editor open (or has just closed one), a POST that also says so. The notes
// are written here, into the empty [data-presence] slot of each row, never by the server: a
// rendered row stays the same whoever is editing it.
(function () {
  "use strict";

  const grid = document.querySelector("[data-presence-url]");
  if (!grid || !window.fetch) return;

  let pollMs = 5000;
  // An editor nobody has typed in or clicked for this long is not "being edited" any more.
  const IDLE_MS = 10 * 60 * 1000;
  let lastActivity = Date.now();
  let reported = new Set(); // the rows the server was last told this page is editing
  let editorsByRow = {}; // the latest answer: {paragraph id: [names]}
  let timer = null;
  let busy = false;
  let again = false;

  function url() {
    const current = document.querySelector("[data-presence-url]");
    return current ? current.getAttribute("data-presence-url") : null;
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (error) {
      return "";
    }
  }

  function rowId(row) {
    return row.id.replace(/^row-/, "");
  }

  // The rows whose editor is open on this page, unless the person left it alone for long.
  function openEditors() {
    if (Date.now() - lastActivity > IDLE_MS) return new Set();
    const open = new Set();
    document.querySelectorAll("[data-row] [data-edit-form]").forEach(function (form) {
      open.add(rowId(form.closest("[data-row]")));
    });
    return open;
  }

  function sentence(names) {
    if (names.length === 1) return names[0] + " is editing";
    const last = names[names.length - 1];
    return names.slice(0, -1).join(", ") + " and " + last + " are editing";
  }

  function warning(form, names) {
    let note = form.querySelector("[data-presence-warning]");
    if (!names) {
      if (note) note.remove();
      return;
    }
    const text = sentence(names) + " this paragraph too: save soon, or talk to " +
      (names.length === 1 ? "them" : "each other") + " first, so your changes do not collide.";
    if (!note) {
      // A live region exists before its text, so screen readers announce the text.
      note = document.createElement("p");
      note.className = "presence-warning";
      note.setAttribute("role", "status");
      note.setAttribute("data-presence-warning", "");
      form.prepend(note);
      window.setTimeout(function () { note.textContent = text; }, 50);
    } else if (note.textContent !== text) {
      note.textContent = text;
    }
  }

  function apply() {
    document.querySelectorAll("[data-row]").forEach(function (row) {
      const names = editorsByRow[rowId(row)];
      const slot = row.querySelector("[data-presence]");
      const form = row.querySelector("[data-edit-form]");
      if (slot) {
        const text = names && !form ? sentence(names) : "";
        if (slot.textContent !== text) slot.textContent = text;
        slot.hidden = text === "";
      }
      if (form) warning(form, names);
    });
  }

  function schedule(ms) {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, ms);
  }

  function poll() {
    const target = url();
    if (!target) return;
    if (busy) { again = true; return; }
    const editing = openEditors();
    const stopped = Array.from(reported).filter(function (id) { return !editing.has(id); });
    if (editing.size === 0 && stopped.length === 0 && document.hidden) {
      schedule(pollMs); // nobody looks and nothing to say: ask again when someone may
      return;
    }
    let request;
    if (editing.size || stopped.length) {
      const body = new URLSearchParams();
      editing.forEach(function (id) { body.append("editing", id); });
      stopped.forEach(function (id) { body.append("stopped", id); });
      request = fetch(target, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      });
    } else {
      request = fetch(target, { credentials: "same-origin" });
    }
    busy = true;
    request
      .then(function (response) {
        if (!response.ok) throw new Error("presence " + response.status);
        return response.json();
      })
      .then(function (answer) {
        reported = editing;
        editorsByRow = answer.rows || {};
        if (answer.poll_seconds) pollMs = answer.poll_seconds * 1000;
        apply();
      })
      .catch(function () {
        // A missed beat only delays the note; the next poll tries again.
      })
      .finally(function () {
        busy = false;
        if (again) { again = false; poll(); } else { schedule(pollMs); }
      });
  }

  // An editor opened or closed (a row swapped, the grid rebuilt): tell the server now rather
  // than at the next beat, and put the known notes on the new row at once.
  document.addEventListener("htmx:afterSettle", function () {
    apply();
    const editing = openEditors();
    const changed = editing.size !== reported.size ||
      Array.from(editing).some(function (id) { return !reported.has(id); });
    if (changed) poll();
  });

  ["input", "keydown", "pointerdown", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (!event.target.closest || !event.target.closest("[data-edit-form]")) return;
      const wasIdle = Date.now() - lastActivity > IDLE_MS;
      lastActivity = Date.now();
      if (wasIdle) poll();
    }, true);
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll();
  });

  // Leaving the page closes its editors: say so, so the note goes before it would expire.
  window.addEventListener("pagehide", function () {
    const target = url();
    if (!target || reported.size === 0 || !navigator.sendBeacon) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    reported.forEach(function (id) { body.append("stopped", id); });
    navigator.sendBeacon(target, body);
    reported = new Set();
  });

  lastActivity = Date.now();
  poll();
})();
