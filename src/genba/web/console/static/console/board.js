// Drag a booking onto another engineer's row: fills that block's own "Reassign" form and submits
// it, so a drop and a pick go through the same server check (and the same refusal message).
(function () {
  "use strict";
  var dragged = null;
  document.querySelectorAll(".slot.booking[draggable]").forEach(function (block) {
    block.addEventListener("dragstart", function (event) {
      dragged = block;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", block.dataset.booking);
    });
    block.addEventListener("dragend", function () { dragged = null; });
  });
  document.querySelectorAll(".board tr[data-engineer]").forEach(function (row) {
    row.addEventListener("dragover", function (event) {
      if (dragged && !row.contains(dragged)) { event.preventDefault(); row.classList.add("drop-target"); }
    });
    row.addEventListener("dragleave", function () { row.classList.remove("drop-target"); });
    row.addEventListener("drop", function (event) {
      row.classList.remove("drop-target");
      if (!dragged || row.contains(dragged)) { return; }
      event.preventDefault();
      var form = dragged.querySelector("form");
      var select = form && form.querySelector("select[name=engineer]");
      if (!select) { return; }
      select.value = row.dataset.engineer;
      if (select.value === row.dataset.engineer) { form.submit(); }
    });
  });
})();
