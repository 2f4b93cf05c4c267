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
})();
