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
  // Field errors: focus the first invalid field so keyboard users land on it.
  var invalid = document.querySelector("[aria-invalid='true']");
  if (invalid && !refusal) { invalid.focus(); }
})();
