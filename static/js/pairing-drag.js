// ---- The alignment editor: drag a paragraph to another row, or do the same from the keyboard
// (g on a cell, j/k or the arrows to the row, Enter to drop, Escape to cancel), and s splits a
// cell after its first paragraph. Each sends one pairing action through the cell's own form
// (templates/reviews/pairing_cell.html), so its pairing_version goes along and a stale page
// is refused as with the buttons. The keys of workbench.js (j/k, h/l, moves, merge) stay there.
(function () {
  "use strict";

  const INDICATORS = ["drop-before", "drop-after"];
  let dragged = null; // { cell, row, side, at, text }
  let moving = null; // a cell whose paragraph the keyboard is moving
  let following = null; // { side, text, row, from }: where the focus goes once the grid is back

  function cellIn(element) {
    const cell = element && element.closest && element.closest('[role="cell"]');
    return cell && cell.querySelector("[data-pairing-cell]");
  }

  function rowOf(cell) { return Number(cell.dataset.pairingRow); }

  function clearIndicators() {
    document.querySelectorAll("." + INDICATORS.join(", .")).forEach(function (element) {
      element.classList.remove(...INDICATORS);
    });
  }

  // The paragraph lands at the start of a cell below it and at the end of a cell above it
  // (a side's order never changes): the indicator is a bar where it will go.
  function indicate(cell, fromRow) {
    const wanted = rowOf(cell) > fromRow ? "drop-before" : "drop-after";
    if (cell.classList.contains(wanted)) return;
    clearIndicators();
    cell.classList.add(wanted);
  }

  function send(fromCell, action, to) {
    const button = fromCell.querySelector("[data-key-action]");
    if (!button) return false;
    fromCell.querySelector("[data-drop-row]").value = to === undefined ? "" : String(to);
    button.value = action;
    // A click, not requestSubmit: htmx sends a button's name and value only for a click.
    button.click();
    return true;
  }

  function moveTo(fromCell, at, toCell) {
    const paragraph = fromCell.querySelector('[data-paragraph="' + at + '"]');
    following = {
      side: fromCell.dataset.side,
      text: paragraph ? paragraph.textContent : "",
      row: rowOf(toCell),
      from: rowOf(fromCell),
    };
    return send(fromCell, "move_to:" + at, rowOf(toCell));
  }

  function droppable(cell) {
    return cell && dragged && cell.dataset.side === dragged.side && rowOf(cell) !== dragged.row;
  }

  document.addEventListener("dragstart", function (event) {
    const paragraph = event.target.closest && event.target.closest("[data-paragraph]");
    const cell = paragraph && paragraph.closest("[data-pairing-cell]");
    if (!cell) return;
    dragged = {
      cell: cell,
      row: rowOf(cell),
      side: cell.dataset.side,
      at: Number(paragraph.dataset.paragraph),
    };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", paragraph.textContent);
    paragraph.classList.add("is-dragged");
  });

  document.addEventListener("dragover", function (event) {
    const cell = cellIn(event.target);
    if (!droppable(cell)) {
      if (dragged) clearIndicators();
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    indicate(cell, dragged.row);
  });

  document.addEventListener("drop", function (event) {
    const cell = cellIn(event.target);
    if (!droppable(cell)) return;
    event.preventDefault();
    const from = dragged;
    endDrag();
    moveTo(from.cell, from.at, cell);
  });

  function endDrag() {
    dragged = null;
    clearIndicators();
    document.querySelectorAll(".is-dragged").forEach(function (element) {
      element.classList.remove("is-dragged");
    });
  }

  document.addEventListener("dragend", endDrag);

  // ---- The keyboard's way of dragging.
  function startMoving(cell) {
    if (!cell.querySelector("[data-paragraph]")) return;
    moving = cell;
    cell.classList.add("is-moving");
  }

  function stopMoving() {
    if (moving) moving.classList.remove("is-moving");
    moving = null;
    clearIndicators();
  }

  // While moving, the cell the focus reaches (workbench.js's j/k and arrows) shows where the
  // paragraph would land.
  document.addEventListener("focusin", function (event) {
    if (!moving) return;
    const cell = event.target.matches && event.target.matches("[data-pairing-cell]") && event.target;
    if (cell && cell.dataset.side === moving.dataset.side && cell !== moving) {
      indicate(cell, rowOf(moving));
    } else {
      clearIndicators();
    }
  });

  function dropHere(cell) {
    const from = moving;
    stopMoving();
    if (cell === from || cell.dataset.side !== from.dataset.side) return;
    // As Shift+arrows do: down, the cell's last paragraph; up, its first.
    const count = from.querySelectorAll("[data-paragraph]").length;
    moveTo(from, rowOf(cell) > rowOf(from) ? count - 1 : 0, cell);
  }

  function split(cell) {
    following = { side: cell.dataset.side, text: "", row: rowOf(cell) + 1, from: rowOf(cell) };
    return send(cell, "split:1");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const cell = event.target.matches && event.target.matches("[data-pairing-cell]") && event.target;
    if (!cell) return;
    let handled = true;
    if (moving && (event.key === "Enter" || event.key === "g")) dropHere(cell);
    else if (moving && event.key === "Escape") stopMoving();
    else if (event.key === "g") startMoving(cell);
    else if (event.key === "s") split(cell);
    else handled = false;
    if (handled) event.preventDefault();
  });

  // Once the grid is back: the focus goes to the cell that now holds the moved paragraph (or
  // the new row a split began), so the next key goes on from there.
  document.addEventListener("htmx:afterSwap", function () {
    stopMoving();
    if (!following) return;
    const wanted = following;
    following = null;
    const grid = document.getElementById("grid-area");
    if (grid && window.htmx) window.htmx.process(grid);
    const cells = Array.from(
      document.querySelectorAll('[data-pairing-cell][data-side="' + wanted.side + '"]')
    );
    const holding = wanted.text && cells.find(function (cell) {
      return Array.from(cell.querySelectorAll("[data-paragraph]")).some(function (paragraph) {
        return paragraph.textContent === wanted.text;
      });
    });
    // A refused change (a stale page, nothing to split) changed nothing: stay where you were.
    const refused = document.querySelector(".pairing-bar .form-error");
    const row = refused ? wanted.from : wanted.row;
    const cell = (!refused && holding) || cells[Math.min(row, cells.length - 1)];
    if (cell) {
      cell.focus();
      cell.scrollIntoView({ block: "nearest" });
    }
  });
})();
