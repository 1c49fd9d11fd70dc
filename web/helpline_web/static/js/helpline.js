/* Helpline: small, dependency-free behaviour for server-rendered pages (htmx does the rest).
   Handlers live on `document`, so they keep working after htmx swaps parts of the page. */
(function () {
  "use strict";

  if (window.htmx) {
    // Error pages carry HX-Retarget to #errors: let htmx swap 4xx/5xx answers too.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[2345]..", swap: true, error: false },
      { code: "...", swap: false },
    ];
    // A history cache miss must fetch the whole page, not the fragment an htmx request gets.
    htmx.config.historyRestoreAsHxRequest = false;
  }

  var SHORTCUTS = [
    ["j", "Next ticket"],
    ["k", "Previous ticket"],
    ["o / Enter", "Open the selected ticket"],
    ["x", "Select or unselect it for bulk actions"],
    ["/", "Search"],
    ["?", "Show or hide this help"],
    ["Esc", "Close this help"],
  ];

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
  }

  function current() {
    return document.querySelector("tr[data-href].selected");
  }

  function select(row) {
    var old = current();
    if (old) old.classList.remove("selected");
    if (!row) return;
    row.classList.add("selected");
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(current());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    select(all[next]);
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function help() {
    var box = document.getElementById("shortcut-help");
    if (box) {
      box.hidden = !box.hidden;
      return;
    }
    box = document.createElement("div");
    box.id = "shortcut-help";
    box.className = "shortcut-help";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Keyboard shortcuts");
    var html = "<h2>Keyboard shortcuts</h2><dl>";
    SHORTCUTS.forEach(function (s) {
      html += "<dt><span class=\"kbd\">" + s[0] + "</span></dt><dd>" + s[1] + "</dd>";
    });
    box.innerHTML = html + "</dl><button type=\"button\" class=\"small\" data-close-help>Close</button>";
    document.body.appendChild(box);
  }

  function closeHelp() {
    var box = document.getElementById("shortcut-help");
    if (box && !box.hidden) {
      box.hidden = true;
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && closeHelp()) return;
    if (typing(event.target)) return;
    var row = current();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o":
      case "Enter":
        if (!row || (event.key === "Enter" && event.target.closest && event.target.closest("a, button"))) return;
        window.location.href = row.getAttribute("data-href");
        break;
      case "x": {
        var box = row && row.querySelector("input[type=checkbox]");
        if (!box) return;
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
        break;
      }
      case "/": {
        var search = document.getElementById("queue-q") || document.querySelector("input[type=search]");
        if (!search) return;
        search.focus();
        search.select();
        break;
      }
      case "?": help(); break;
      default: return;
    }
    event.preventDefault();
  });

  /* Bulk selection: "select all on page" and the count of selected tickets. */
  function syncSelection(form) {
    if (!form) return;
    var boxes = form.querySelectorAll("input[name=ticket]");
    var checked = form.querySelectorAll("input[name=ticket]:checked").length;
    var all = form.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    var count = form.querySelector("[data-bulk-count]");
    if (count) count.textContent = checked ? checked + " selected" : "";
  }

  /* Show only the input the chosen bulk action needs. */
  function syncAction(form) {
    var action = form && form.querySelector("[data-bulk-action]");
    if (!action) return;
    form.querySelectorAll("[data-bulk-field]").forEach(function (field) {
      field.hidden = field.getAttribute("data-bulk-field") !== action.value;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.form;
    if (target.matches && target.matches("[data-select-all]")) {
      form.querySelectorAll("input[name=ticket]").forEach(function (box) { box.checked = target.checked; });
    }
    if (target.name === "ticket" || target.matches("[data-select-all]")) syncSelection(form);
    if (target.matches && target.matches("[data-bulk-action]")) syncAction(form);
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-shortcut-help]")) help();
    if (target.closest("[data-close-help]")) closeHelp();
  });

  // Merging closes tickets: ask first (htmx asks before it sends anything).
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    var action = form && form.querySelector && form.querySelector("[data-bulk-action]");
    if (!action || action.value !== "merge") return;
    event.preventDefault();
    if (window.confirm("Merge the selected tickets into the target ticket? They will be closed.")) {
      event.detail.issueRequest(true);
    }
  });

  /* After a swap: fresh rows have no selection; the sidebar marks the view now shown. */
  function refresh() {
    var form = document.getElementById("bulk-form");
    syncSelection(form);
    syncAction(form);
    var here = location.pathname + location.search;
    document.querySelectorAll(".queue-views a[href^='/tickets']").forEach(function (link) {
      if (link.getAttribute("href") === here) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    document.querySelectorAll("details[data-remember]").forEach(function (details) {
      var key = "helpline:" + details.getAttribute("data-remember");
      if (!details.dataset.bound) {
        details.dataset.bound = "1";
        if (localStorage.getItem(key) === "closed") details.open = false;
        details.addEventListener("toggle", function () {
          localStorage.setItem(key, details.open ? "open" : "closed");
        });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("htmx:historyRestore", refresh);
  if (document.readyState !== "loading") refresh();
})();
