// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // After a refused advance, move focus to the list of unmet gates so it is read out first.
  var refusal = document.getElementById("refusal") || document.getElementById("problem");
  if (refusal) { refusal.setAttribute("tabindex", "-1"); refusal.focus(); }
  // Opening a clause's comment form puts the cursor in its text box.
  document.querySelectorAll("details.comment-form").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open) {
        var box = details.querySelector("textarea");
        if (box) { box.focus(); }
      }
    });
  });
  // A form's error summary is read first; without one, the first invalid field gets the focus.
  var summary = document.getElementById("error-summary");
  var invalid = document.querySelector("[aria-invalid='true']");
  if (summary && !refusal) { summary.focus(); } else if (invalid && !refusal) { invalid.focus(); }
  // Unsent text survives a language switch or a reload: each text box with data-draft keeps its
  // text in sessionStorage until the page says it was sent.
  var store = null;
  try { store = window.sessionStorage; } catch (e) { store = null; }
  var drafts = document.querySelectorAll("textarea[data-draft]");
  if (store) {
    var sent = document.getElementById("sent-notice");
    drafts.forEach(function (box) {
      var key = "siklus-draft:" + box.getAttribute("data-draft");
      if (sent) { store.removeItem(key); }
      var kept = store.getItem(key);
      if (kept && !box.value) { box.value = kept; }
      box.addEventListener("input", function () {
        if (box.value) { store.setItem(key, box.value); } else { store.removeItem(key); }
      });
    });
  }
  // After sending a comment, the new comment takes the focus (the notice above it says it was sent).
  var fresh = document.querySelector(".just-sent");
  if (fresh && !summary) { fresh.focus(); }
})();
