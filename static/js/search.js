/* Bookmarks: the top bar's search field (every page; plain JS, no inline code).
   - Suggestions as you type: /search/suggest/?q= (debounced) fills a listbox under the field
     (ARIA combobox): ↑/↓ move, Enter opens the chosen one (or searches), Escape closes.
   - On phones the field is folded behind a search icon (a link to /search/ without JS). */
(function () {
  "use strict";
  var DELAY = 150;
  var GROUPS = [["people", gettext("People")], ["tags", gettext("Tags")], ["boards", gettext("Boards")]];

  function setUp() {
    var form = document.querySelector("[data-search]");
    if (!form) { return; }
    var input = form.querySelector("[data-search-input]");
    var list = form.querySelector("[data-suggestions]");
    var toggle = form.querySelector("[data-search-toggle]");
    var bar = form.closest(".topbar-inner");
    var timer = null;
    var latest = 0;
    var options = [];
    var active = -1;

    form.classList.add("has-js");
    if (toggle) {
      // Shown on phones only (CSS): with the script it opens the field in place.
      toggle.addEventListener("click", function (event) {
        event.preventDefault();
        setOpen(!form.classList.contains("search-open"));
      });
    }
    function setOpen(open) {
      form.classList.toggle("search-open", open);
      if (bar) { bar.classList.toggle("search-is-open", open); }
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { input.focus(); } else { close(); }
    }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function render(data) {
      list.innerHTML = "";
      options = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      GROUPS.forEach(function (group) {
        var items = data[group[0]] || [];
        if (!items.length) { return; }
        var heading = document.createElement("li");
        heading.className = "suggestion-group";
        heading.setAttribute("role", "presentation");
        heading.textContent = group[1];
        list.appendChild(heading);
        items.forEach(function (item) {
          var option = document.createElement("li");
          option.id = "suggestion-" + options.length;
          option.className = "suggestion";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.setAttribute("data-url", item.url);
          var label = document.createElement("span");
          label.className = "suggestion-label";
          label.textContent = item.label;
          option.appendChild(label);
          if (item.detail) {
            var detail = document.createElement("span");
            detail.className = "suggestion-detail";
            detail.textContent = item.detail;
            option.appendChild(detail);
          }
          option.addEventListener("mousedown", function (event) { event.preventDefault(); });
          option.addEventListener("click", function () { window.location.assign(item.url); });
          list.appendChild(option);
          options.push(option);
        });
      });
      var any = options.length > 0;
      list.hidden = !any;
      input.setAttribute("aria-expanded", any ? "true" : "false");
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      if (!text) { close(); return; }
      var mine = ++latest;
      var url = input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(text);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (mine !== latest || !data) { return; }  // an older answer, or a refusal
          if (input.value.trim() !== text) { return; }
          render(data);
        })
        .catch(function () { /* suggestions are a convenience: the search still works */ });
    }

    function move(step) {
      if (!options.length) { return; }
      if (active >= 0) { options[active].setAttribute("aria-selected", "false"); }
      // Cycle through the options and back to the field itself (-1).
      if (step > 0) {
        active = active + 1 >= options.length ? -1 : active + 1;
      } else {
        active = active - 1 < -1 ? options.length - 1 : active - 1;
      }
      if (active >= 0) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { fetchSuggestions(); } else { move(1); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        move(-1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.assign(options[active].getAttribute("data-url"));
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          event.stopPropagation();
          close();
        } else if (form.classList.contains("search-open")) {
          setOpen(false);
          toggle.focus();
        }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
    document.addEventListener("click", function (event) {
      if (form.classList.contains("search-open") && !form.contains(event.target)) { setOpen(false); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
