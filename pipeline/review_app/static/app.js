// The review app's one script: htmx settings, the live region, focus and keyboard shortcuts.
// Loaded as a file (the Content-Security-Policy allows no inline script and no eval).
(function () {
  "use strict";

  function announce(text) {
    var live = document.getElementById("live");
    if (!live || !text) return;
    live.textContent = "";
    // A fresh text node after a tick, so that screen readers announce a repeated message too.
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function settle() {
    var flash = document.getElementById("flash");
    if (flash) announce(flash.textContent.trim());
    var conflict = document.getElementById("conflict-title");
    var error = document.querySelector("#flash.error");
    var text = document.getElementById("text");
    if (conflict) conflict.focus();
    else if (error) error.focus();
    else if (text && flash) text.focus();
    document.querySelectorAll("[data-dir-toggle]").forEach(function (button) {
      button.hidden = false;
    });
  }

  // htmx 2 drops 4xx answers unless told otherwise: a refused save (409 conflict, 422) must
  // replace the page, or it would keep saying "saved".
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422 || status === 404) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSettle", settle);
  document.addEventListener("htmx:sendError", function () {
    announce(document.documentElement.lang === "de"
      ? "Nicht gespeichert: Die Review-App antwortet nicht."
      : "Not saved: the review app does not answer.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    announce("Not saved (" + event.detail.xhr.status + ").");
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dir-toggle]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-dir-toggle"));
    field.dir = field.dir === "rtl" ? "ltr" : "rtl";
    announce(field.dir);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter") {
      var form = document.getElementById("review-form");
      if (!form) return;
      var approve = form.querySelector("button.primary") || form.querySelector("button[value=approve]");
      if (approve) {
        event.preventDefault();
        approve.click();  // a click, so that htmx sends the button's action with the form
      }
    } else if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      var link = document.getElementById(event.key === "ArrowDown" ? "next-link" : "prev-link");
      if (link) {
        event.preventDefault();
        link.click();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", settle);
})();
