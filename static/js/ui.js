/* Bookmarks: behaviour every page shares (plain JS, no inline code: our CSP is script-src 'self').
   - The top bar's links fold into a "Menu" panel on narrow screens (without JS they wrap).
   - A click on the "Bookmark it" bookmarklet on our own pages explains how to use it: our CSP
     (rightly) refuses a javascript: link here, so a click would otherwise do nothing. */
(function () {
  "use strict";

  function setUpMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    var menu = document.querySelector("[data-menu]");
    if (!toggle || !menu) { return; }
    var bar = toggle.parentNode;
    bar.classList.add("has-menu");
    toggle.hidden = false;

    function setOpen(open) {
      bar.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      var open = !bar.classList.contains("menu-open");
      setOpen(open);
      if (open) {
        var first = menu.querySelector("a, button");
        if (first) { first.focus(); }
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && bar.classList.contains("menu-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (bar.classList.contains("menu-open") && !bar.contains(event.target)) { setOpen(false); }
    });
  }

  function setUpBookmarkletHelp() {
    var help = document.querySelector("[data-bookmarklet-help]");
    if (!help) { return; }
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-bookmarklet]");
      if (!link) { return; }
      event.preventDefault();  // dragging still copies the link; a click here explains it
      help.hidden = false;
      help.focus();
    });
  }

  // One polite live region (base.html) tells screen readers what an AJAX action did: a like,
  // a follow, a comment. Emptied first, so the same words twice are announced twice.
  var announceTimer = null;
  window.bookmarksAnnounce = function (text) {
    var region = document.querySelector("[data-announcer]");
    if (!region) { return; }
    region.textContent = "";
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(function () { region.textContent = text; }, 60);
  };

  function start() {
    setUpMenu();
    setUpBookmarkletHelp();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
