// Behaviour every page shares; no build step, no inline scripts (the CSP forbids them).
(function () {
  "use strict";

  // After htmx swaps a form back with errors, put the keyboard on the first field to fix.
  // (With outerHTML swaps the event's old target is gone, so look in the document.)
  document.addEventListener("htmx:afterSettle", function () {
    var invalid = document.querySelector("main [aria-invalid='true']");
    if (invalid) invalid.focus();
  });

  // A request that never reached the server gets a message instead of silence.
  document.addEventListener("htmx:sendError", function () {
    var messages = document.getElementById("messages");
    if (!messages) return;
    var note = document.createElement("p");
    note.className = "flash flash-error";
    note.textContent = document.documentElement.lang === "pl"
      ? "Brak połączenia z serwerem. Sprawdź sieć i spróbuj ponownie."
      : "The server could not be reached. Check your connection and try again.";
    messages.replaceChildren(note);
  });

  // --- The ordering grid: everything from the keyboard ------------------------------------
  // "/" searches; ↑ ↓ move between quantity inputs (and on to the next or previous page);
  // Enter adds the typed quantity and moves to the next row once the row comes back;
  // PgUp/PgDn change page keeping the row; "?" explains the row's price; Esc returns to search.
  var pendingFocus = null;
  var explainedFrom = null;

  function quantityInputs() {
    return Array.prototype.slice.call(document.querySelectorAll("#ordering-grid .quantity-input"));
  }

  function focusRow(index) {
    var inputs = quantityInputs();
    if (!inputs.length) return false;
    var input = inputs[index < 0 ? inputs.length + index : Math.min(index, inputs.length - 1)];
    input.focus();
    input.select();
    return true;
  }

  function goToPage(rel, index) {
    var link = document.querySelector("#grid-results .pager a[rel='" + rel + "']");
    if (!link) return false;
    pendingFocus = index;
    link.click();
    return true;
  }

  function isTyping(element) {
    return element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var search = document.getElementById("grid-search");
    if (!search) return;
    if (event.key === "/" && !isTyping(target)) {
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }
    if (target === search && (event.key === "ArrowDown" || (event.key === "Enter" && quantityInputs().length))) {
      event.preventDefault();
      focusRow(0);
      return;
    }
    if (!target.classList || !target.classList.contains("quantity-input") || !target.closest("#ordering-grid")) return;
    var index = quantityInputs().indexOf(target);
    var last = quantityInputs().length - 1;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (index < last) focusRow(index + 1); else goToPage("next", 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index > 0) focusRow(index - 1); else if (!goToPage("prev", -1)) search.focus();
    } else if (event.key === "PageDown") {
      event.preventDefault();
      goToPage("next", index);
    } else if (event.key === "PageUp") {
      event.preventDefault();
      goToPage("prev", index);
    } else if (event.key === "Escape") {
      search.focus();
      search.select();
    } else if (event.key === "?") {
      event.preventDefault();
      var why = target.closest("tr").querySelector("a.why");
      if (why) { explainedFrom = target; why.click(); }
    } else if (event.key === "Enter") {
      if (target.value.trim() === "") {
        // Nothing typed: Enter just moves on, like a spreadsheet.
        event.preventDefault();
        if (index < last) focusRow(index + 1); else goToPage("next", 0);
      } else {
        pendingFocus = index + 1 <= last ? index + 1 : index;
      }
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status >= 400) pendingFocus = null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "price-explanation") {
      var dialog = document.getElementById("price-dialog");
      if (dialog && !dialog.open) dialog.showModal();
      return;
    }
    // Only the grid's own swaps take the focus on: the facets, loaded after the rows, may
    // settle while the next page is on its way.
    var swapped = event.detail.target;
    if (!swapped || !(swapped.id === "grid-results" || (swapped.classList && swapped.classList.contains("grid-row")))) return;
    if (pendingFocus === null) return;
    var index = pendingFocus;
    pendingFocus = null;
    focusRow(index);
  });

  document.addEventListener("close", function (event) {
    if (event.target.id === "price-dialog" && explainedFrom) {
      explainedFrom.focus();
      explainedFrom = null;
    }
  }, true);

  // --- Downloads that take a while (a ZIP of many PDFs): say so until the file arrives ---------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var progressId = form.getAttribute && form.getAttribute("data-download-progress");
    var submitter = event.submitter;
    if (!progressId || (submitter && submitter.hasAttribute("formaction"))) return;
    var progress = document.getElementById(progressId);
    var token = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    form.querySelector("input[name=download_token]").value = token;
    progress.hidden = false;
    var started = Date.now();
    var timer = setInterval(function () {
      var arrived = document.cookie.indexOf("download-" + token + "=") !== -1;
      if (arrived || Date.now() - started > 120000) {
        clearInterval(timer);
        progress.hidden = true;
        document.cookie = "download-" + token + "=; max-age=0; path=/";
      }
    }, 300);
  });
})();
