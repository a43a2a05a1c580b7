// Plan builder and template editor: small comforts on top of forms that work without JavaScript.
// - remember which phases are open, so a redrawn editor (after add / remove / move) keeps them open;
// - bring the phase a change was about into view after htmx redraws the editor;
// - once a flagged input is being corrected, stop showing it as wrong (the server checks again).
(function () {
  "use strict";

  // `toggle` does not bubble: listen while it is captured.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.parentElement) return;
    var phase = details.parentElement.closest("li.phase");
    if (!phase || details.parentElement !== phase) return;
    var state = phase.querySelector(":scope > input.open-state");
    if (state) state.value = details.open ? "1" : "";
  }, true);

  function reveal(root) {
    var target = (root || document).querySelector("details[data-scroll]");
    if (!target) return;
    target.removeAttribute("data-scroll");
    var phase = target.closest("li.phase") || target;
    var box = phase.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 80) {
      phase.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    var focusable = target.querySelector(".crit details[open] select, .ph-body input:not([type=hidden])");
    if (focusable) focusable.focus({ preventScroll: true });
  }

  document.addEventListener("input", function (event) {
    var field = event.target.closest && event.target.closest(".fld.has-error");
    if (!field) return;
    field.classList.remove("has-error");
    var error = field.querySelector(".fld-error");
    if (error) error.hidden = true;
  });

  // A changed setting of a criterion re-checks its sentence (choosing another kind redraws the
  // row by itself). A named event rather than an htmx trigger filter: filters need eval, which
  // the content security policy does not allow.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var row = input.closest && input.closest(".crit[hx-post]");
    if (!row || !input.name || /-kind$/.test(input.name) || !window.htmx) return;
    window.htmx.trigger(row, "setting-change");
  });

  document.addEventListener("htmx:afterSettle", function (event) { reveal(event.target); });
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
})();
