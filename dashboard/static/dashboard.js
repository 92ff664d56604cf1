/* mieruka dashboard: the table browser (DataTables) and the claims filter. No network: DataTables is
   inlined in the page (base64, in #dt-bundle) and imported from a blob URL the first time a table opens. */
(function () {
  "use strict";

  let dataTablesPromise = null;

  function dataTables() {
    if (dataTablesPromise === null) {
      const holder = document.getElementById("dt-bundle");
      if (!holder) {
        return Promise.reject(new Error("the DataTables bundle is not in this page"));
      }
      const binary = atob(holder.textContent.trim());
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i += 1) {
        bytes[i] = binary.charCodeAt(i);
      }
      const url = URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));
      dataTablesPromise = import(url).then(function (module) {
        URL.revokeObjectURL(url);
        const DataTable = module.default;
        DataTable.ext.errMode = "throw"; // an error is an exception, never an alert()
        return DataTable;
      });
    }
    return dataTablesPromise;
  }

  function renderNumber(value, type) {
    if (value === null || value === undefined) {
      return type === "display" || type === "filter" ? "" : value;
    }
    if (type !== "display") {
      return value;
    }
    if (Number.isInteger(value) && Math.abs(value) < 10000) {
      return String(value); // years, counts, codes: no separator
    }
    const digits = Math.abs(value) >= 1000 ? 0 : 4;
    return value.toLocaleString("en-US", { maximumFractionDigits: digits });
  }

  const LONG_TEXT = 70;

  function escapeHtml(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function renderText(value, type) {
    if (value === null || value === undefined) {
      return "";
    }
    const text = String(value);
    if (type === "display") {
      if (text.length > LONG_TEXT) { // long text shortened in the cell, whole in its tooltip
        return "<span title=\"" + escapeHtml(text).replace(/"/g, "&quot;") + "\">" +
          escapeHtml(text.slice(0, LONG_TEXT - 1)) + "…</span>";
      }
      return escapeHtml(text);
    }
    return text;
  }

  function openTable(details) {
    if (details._mierukaTable) {
      return details._mierukaTable;
    }
    const name = details.dataset.mart;
    const holder = document.getElementById("data-" + name);
    const table = details.querySelector("table.browse");
    if (!holder || !table) {
      return Promise.resolve(null);
    }
    const payload = JSON.parse(holder.textContent);
    const head = table.createTHead();
    const titles = head.insertRow();
    const filters = head.insertRow(); // a second header row: one filter box per column, under its title
    payload.columns.forEach(function (column, index) {
      const th = document.createElement("th");
      th.textContent = column.name;
      th.title = [column.description, column.unit ? "unit: " + column.unit : "", column.type]
        .filter(Boolean).join("\n");
      titles.appendChild(th);
      const cell = document.createElement("th");
      const input = document.createElement("input");
      input.type = "search";
      input.className = "column-filter";
      input.placeholder = column.name;
      input.dataset.column = String(index);
      input.setAttribute("aria-label", "Filter column " + column.name);
      cell.appendChild(input);
      filters.appendChild(cell);
    });
    details._mierukaTable = dataTables().then(function (DataTable) {
      const api = new DataTable(table, {
        data: payload.rows,
        columns: payload.columns.map(function (column) {
          return column.numeric ? { render: renderNumber, type: "num" } : { render: renderText };
        }),
        deferRender: true,
        titleRow: 0, // titles and sorting on the first header row; the filter boxes never sort
        orderCellsTop: true,
        autoWidth: false,
        order: [],
        pageLength: 10,
        lengthMenu: [10, 25, 100, 500],
      });
      filters.querySelectorAll("input").forEach(function (input) {
        input.addEventListener("input", function () {
          api.column(Number(input.dataset.column)).search(input.value).draw();
        });
      });
      details.dataset.ready = "true";
      return api;
    });
    return details._mierukaTable;
  }

  function openFromHash() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (target && target.matches("details.mart")) {
      target.open = true;
      target.scrollIntoView();
    }
  }

  function setUpTables() {
    document.querySelectorAll("details.mart").forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (details.open) {
          openTable(details);
        }
      });
    });
    window.addEventListener("hashchange", openFromHash);
    openFromHash();
  }

  function setUpClaims() {
    const buttons = Array.from(document.querySelectorAll("button.verdict-filter"));
    const figures = Array.from(document.querySelectorAll("table.claims tbody.claim"));
    const status = document.getElementById("claims-shown");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        const verdict = button.dataset.verdict;
        let shown = 0;
        buttons.forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === button));
        });
        figures.forEach(function (figure) {
          const match = !verdict || figure.dataset.verdicts.split(" ").indexOf(verdict) >= 0;
          figure.hidden = !match;
          shown += match ? 1 : 0;
        });
        if (status) {
          status.textContent = shown + " of " + figures.length + " figures shown" +
            (verdict ? " (verdict: " + verdict + ")." : ".");
        }
      });
    });
  }

  window.mieruka = { openTable: function (name) {
    const details = document.getElementById("table-" + name);
    details.open = true;
    return openTable(details);
  } };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpTables(); setUpClaims(); });
  } else {
    setUpTables();
    setUpClaims();
  }
}());
