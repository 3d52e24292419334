/* pmsite catalog: filters and column sorting for the incident catalog.
   Shipped with the site (no CDN). Without JavaScript the table is complete. */
(function () {
  "use strict";
  function setup() {
    var table = document.querySelector("table[data-pm-catalog]");
    var form = document.querySelector("form[data-pm-filters]");
    if (!table || !form || table.dataset.pmReady) return;
    table.dataset.pmReady = "1";
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var count = form.querySelector("output");
    form.hidden = false;

    function matches(row, name, value) {
      if (!value) return true;
      var attr = row.getAttribute("data-" + name.replace("_", "-")) || "";
      return attr.split("\n").indexOf(value) !== -1;
    }
    function apply() {
      var shown = 0;
      var selects = form.querySelectorAll("select");
      rows.forEach(function (row) {
        var ok = true;
        selects.forEach(function (sel) { ok = ok && matches(row, sel.name, sel.value); });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " incidents";
    }
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        function key(row) {
          var cell = row.cells[index];
          var raw = cell.getAttribute("data-value");
          if (raw === null) raw = cell.textContent.trim();
          return kind === "number" ? parseFloat(raw) : raw.toLowerCase();
        }
        var sorted = rows.slice().sort(function (a, b) {
          var ka = key(a), kb = key(b);
          var cmp = ka < kb ? -1 : ka > kb ? 1 : 0;
          return ascending ? cmp : -cmp;
        });
        sorted.forEach(function (row) { tbody.appendChild(row); });
      });
    });
    apply();
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
