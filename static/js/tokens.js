// The new-token page: select the token when its box is focused, and a Copy button (shown only
// where the clipboard can be written, so that without it nothing pretends to work).
(function () {
  "use strict";
  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    if (!navigator.clipboard || !window.isSecureContext) return;
    var source = document.getElementById(button.getAttribute("data-copy-from"));
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = gettext("Copied");
      }, function () {
        source.select();
        button.textContent = gettext("Press Ctrl+C");
      });
    });
  });
})();
