/* Bookmarks bookmarklet: runs on someone else's web page, loaded by the "Bookmark it" launcher
 * (see images/bookmarklet.py). Shows the page's images in an overlay; picking one opens our
 * create form prefilled with its address, its own caption as the title (else the page's title),
 * its alt text and the page's address.
 *
 * Guest manners: we never touch the page's own nodes, globals or styles. jQuery is the page's
 * own (1.9 or newer) or ours, taken back with noConflict(true); the overlay lives in a shadow
 * root (the page's CSS cannot reach it, ours cannot leak out); every text goes in with .text().
 *
 * Its words come from our site, in the visitor's language: /images/bookmarklet/strings.js sets
 * guard.strings (this script's entries of the djangojs catalogue and the plural rule). The page's
 * own `gettext`, if it has one, is never called: ours below are local. Until the strings arrive,
 * or when they cannot (a CSP, the network, 1.5 s gone), the overlay speaks English.
 */
(function () {
  "use strict";

  var guard = window.__bookmarksBookmarklet || (window.__bookmarksBookmarklet = {});
  if (guard.failed) { return; } // the launcher gave up waiting and used its picker window
  if (guard.show) { guard.show(); return; }

  var script = document.currentScript;
  var here = script ? script.src : location.href;
  var JQUERY_URL = new URL("../vendor/jquery-3.7.1.min.js", here).href;
  var CREATE_URL = guard.create || new URL("/images/create/", here).href;
  var STRINGS_URL = new URL("/images/bookmarklet/strings.js", CREATE_URL).href;
  var STRINGS_TIMEOUT_MS = 1500;
  var ROOT_ID = "bm-bookmarklet-root";

  // gettext, ngettext and interpolate as Django's catalogue has them, on guard.strings only.
  function gettext(text) {
    var catalog = (guard.strings && guard.strings.catalog) || {};
    var found = catalog[text];
    return typeof found === "string" ? found : text;
  }
  function ngettext(singular, plural, count) {
    var strings = guard.strings || {};
    var found = strings.catalog && strings.catalog[singular];
    var index = strings.plural ? Number(strings.plural(count)) : (count === 1 ? 0 : 1);
    if (found && typeof found === "object" && typeof found[index] === "string" && found[index]) {
      return found[index];
    }
    return count === 1 ? singular : plural;
  }
  function interpolate(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) { return String(values[name]); });
  }

  // Our strings, loaded once per page; `callback` runs when they are in or given up on.
  function withStrings(callback) {
    if (guard.strings) { return callback(); }
    (guard.stringsWaiting = guard.stringsWaiting || []).push(callback);
    if (guard.stringsLoading) { return; }
    guard.stringsLoading = true;
    var tag = document.createElement("script"), timer;
    function settled() {
      if (!guard.stringsLoading) { return; }
      clearTimeout(timer);
      guard.stringsLoading = false;
      guard.strings = guard.strings || {};  // English from now on on this page
      var waiting = guard.stringsWaiting;
      guard.stringsWaiting = [];
      for (var i = 0; i < waiting.length; i++) { waiting[i](); }
    }
    tag.onload = tag.onerror = settled;
    timer = setTimeout(settled, STRINGS_TIMEOUT_MS);
    tag.src = STRINGS_URL;
    (document.head || document.documentElement).appendChild(tag);
  }

  /* bookmarks:rules:start
   * The rules for which images are offered, in one copy: images/bookmarklet.py copies this
   * function as is into the launcher, whose fallback (when this file cannot load) must choose
   * the same images, and `make extension` (extension/build.py) into the browser extension's
   * rules.js. Keep it self-contained, ES5, with no line comments. done(list) gets, in page order and
   * without duplicates, up to 200 {src, width, height, alt, caption}: http(s) JPEG/PNG/GIF/WebP
   * (by the URL's path) of at least 100x100 natural pixels. For each img the address is the
   * largest data-srcset candidate, else data-src (lazy loading), else the largest srcset
   * candidate, else src; its size is measured by loading it (the browser's cache usually
   * answers). alt is the img's alt text (up to 300 characters); caption is its own title for
   * it (up to 200): the figcaption of the figure around it, else its alt, else its title
   * attribute, else "" (the page's title is the caller's fallback). */
  function collectImages(doc, done) {
    var items = [], seen = {}, pending = 0, over = false, timer;
    function largest(set) {
      var best = "", max = 0, m, re = /([^\s,](?:\S*[^\s,])?)(\s+[^,]*)?/g;
      while ((m = re.exec(set || ""))) {
        if ((parseFloat(m[2]) || 1) > max) { max = parseFloat(m[2]) || 1; best = m[1]; }
      }
      return best;
    }
    function text(value, max) {
      return String(value || "").replace(/\s+/g, " ").trim().slice(0, max);
    }
    function captionOf(img) {
      var figure = img.closest ? img.closest("figure") : null;
      var caption = figure ? figure.querySelector("figcaption") : null;
      return text(caption && caption.textContent, 200) || text(img.alt, 200) ||
        text(img.getAttribute("title"), 200);
    }
    function finish() {
      if (over) { return; }
      over = true;
      clearTimeout(timer);
      done(items.filter(function (it) { return it.width >= 100 && it.height >= 100; }).slice(0, 200));
    }
    [].forEach.call(doc.images, function (img) {
      var a = function (name) { return img.getAttribute(name); };
      var url = largest(a("data-srcset")) || a("data-src") || largest(a("srcset")) || a("src"), u;
      try { u = new URL(url, doc.baseURI); } catch (e) { return; }
      if (!url || !/^https?:$/.test(u.protocol) || !/\.(jpe?g|png|gif|webp)$/i.test(u.pathname) ||
          u.href.length > 2000 || seen[u.href]) { return; }
      seen[u.href] = 1;
      var item = {src: u.href, width: 0, height: 0, alt: text(img.alt, 300), caption: captionOf(img)};
      var probe = new Image();
      items.push(item);
      pending++;
      probe.onload = probe.onerror = function () {
        item.width = probe.naturalWidth;
        item.height = probe.naturalHeight;
        if (!--pending) { finish(); }
      };
      probe.src = u.href;
    });
    if (pending) { timer = setTimeout(finish, 2500); } else { finish(); }
  }
  /* bookmarks:rules:end */

  var STYLE = [
    ":host{all:initial}",
    ".bm-backdrop{position:fixed;inset:0;box-sizing:border-box;display:flex;align-items:flex-start;",
    "justify-content:center;padding:4vh 12px;background:rgba(16,24,40,.62);",
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1f2430}",
    ".bm-panel{box-sizing:border-box;width:100%;max-width:880px;max-height:92vh;display:flex;",
    "flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;",
    "box-shadow:0 20px 50px rgba(16,24,40,.35);outline:none}",
    ".bm-head{display:flex;align-items:center;gap:12px;padding:14px 16px 14px 20px;border-bottom:1px solid #e4e7ec}",
    ".bm-title{flex:1;margin:0;font-size:17px;font-weight:700;line-height:1.3}",
    ".bm-brand{color:#b9334a}",
    ".bm-close{flex:none;width:36px;height:36px;border:1px solid #e4e7ec;border-radius:50%;background:#fff;",
    "color:#475467;font:22px/1 system-ui,sans-serif;cursor:pointer;padding:0}",
    ".bm-close:hover{background:#f6f7f9;color:#1f2430}",
    ".bm-status{margin:0;padding:28px 20px;text-align:center;color:#667085}",
    ".bm-status.bm-found{padding:12px 20px 0;text-align:left;font-size:14px}",
    ".bm-grid{list-style:none;margin:0;padding:16px 20px 20px;overflow:auto;display:grid;",
    "grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:14px}",
    ".bm-grid li{margin:0;padding:0}",
    ".bm-pick{box-sizing:border-box;display:flex;flex-direction:column;width:100%;padding:0;margin:0;",
    "border:2px solid #e4e7ec;border-radius:10px;background:#f6f7f9;cursor:pointer;overflow:hidden;",
    "font:inherit;color:inherit;text-align:left}",
    ".bm-pick:hover{border-color:#e0445a}",
    ".bm-pick:focus-visible,.bm-close:focus-visible{outline:3px solid #b9334a;outline-offset:2px;border-color:#b9334a}",
    ".bm-pick img{display:block;width:100%;height:130px;object-fit:contain;background:#eef0f3;border:0;margin:0}",
    ".bm-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
    ".bm-caption{display:block;padding:6px 10px 8px;font-size:13px;line-height:1.35;background:#fff}",
    ".bm-caption strong{display:block;font-weight:600;color:#1f2430}",
    ".bm-name{display:block;color:#667085;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    "@media (max-width:480px){.bm-backdrop{padding:8px}.bm-panel{max-height:calc(100vh - 16px)}",
    ".bm-grid{grid-template-columns:repeat(auto-fill,minmax(120px,1fr));padding:12px}.bm-pick img{height:100px}}"
  ].join("");

  // The form, prefilled: the image's address, its own title (the page's when it has none), its
  // alt text, and the page it is on (its source; left out when too long to keep).
  function createUrl(image) {
    var page = location.href.length <= 2000 && /^https?:/.test(location.protocol) ? location.href : "";
    return CREATE_URL + "?url=" + encodeURIComponent(image.src) +
      "&title=" + encodeURIComponent((image.caption || document.title).slice(0, 200)) +
      (image.alt ? "&alt=" + encodeURIComponent(image.alt) : "") +
      (page ? "&page=" + encodeURIComponent(page) : "");
  }

  function jQueryVersionOk(jq) {
    var parts = String(jq && jq.fn && jq.fn.jquery).split(".");
    var major = parseInt(parts[0], 10), minor = parseInt(parts[1], 10);
    return major > 1 || (major === 1 && minor >= 9);
  }

  // The page's jQuery when it has a recent one; else ours, loaded once and taken back off the
  // page's globals (noConflict(true) restores whatever `$` and `jQuery` were before).
  function withJQuery(callback) {
    if (guard.jQuery) { return callback(guard.jQuery); }
    if (jQueryVersionOk(window.jQuery)) { return callback(window.jQuery); }
    if (guard.jQueryLoading) { return; }
    guard.jQueryLoading = true;
    var tag = document.createElement("script");
    tag.src = JQUERY_URL;
    tag.onload = function () {
      guard.jQuery = window.jQuery.noConflict(true);
      guard.jQueryLoading = false;
      callback(guard.jQuery);
    };
    tag.onerror = function () {
      // Our script loaded but jQuery did not (a CSP listing the file, a flaky network): the
      // launcher's picker window does not need it.
      guard.jQueryLoading = false;
      if (guard.fallback) { guard.show = guard.fallback; guard.fallback(); }
    };
    (document.head || document.documentElement).appendChild(tag);
  }

  function hide() {
    var host = document.getElementById(ROOT_ID);
    if (host) { host.parentNode.removeChild(host); }
    document.removeEventListener("keydown", onKeydown, true);
    if (guard.returnFocus && guard.returnFocus.focus) { guard.returnFocus.focus(); }
    guard.returnFocus = null;
  }

  function onKeydown(event) {
    var host = document.getElementById(ROOT_ID);
    if (!host) { return; }
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      hide();
    } else if (event.key === "Tab") {
      // A modal dialog: the focus cycles through its buttons.
      var buttons = [].slice.call(host.shadowRoot.querySelectorAll("button"));
      var index = buttons.indexOf(host.shadowRoot.activeElement);
      var next = index + (event.shiftKey ? -1 : 1);
      if (index === -1) { next = event.shiftKey ? buttons.length - 1 : 0; }
      event.preventDefault();
      buttons[(next + buttons.length) % buttons.length].focus();
    }
  }

  function render($) {
    hide();
    guard.returnFocus = document.activeElement;
    var host = document.createElement("div");
    host.id = ROOT_ID;
    // Inline !important beats any page rule that could hide or move our host.
    host.style.cssText = "all:initial!important;display:block!important;position:fixed!important;" +
      "inset:0!important;z-index:2147483647!important;";
    var shadow = host.attachShadow({mode: "open"});
    if (window.CSSStyleSheet && "adoptedStyleSheets" in shadow) {
      // A constructed sheet is not subject to the page's style-src policy; a <style> is.
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      $("<style>").text(STYLE).appendTo(shadow);
    }
    var $panel = $("<div>", {"class": "bm-panel", role: "dialog", "aria-modal": "true",
      "aria-labelledby": "bm-title", tabindex: "-1"});
    var $head = $("<div>", {"class": "bm-head"}).appendTo($panel);
    $("<h2>", {"class": "bm-title", id: "bm-title"})
      .append($("<span>", {"class": "bm-brand"}).text("Bookmarks"))
      .append(document.createTextNode(" · " + gettext("Pick an image to bookmark")))
      .appendTo($head);
    $("<button>", {type: "button", "class": "bm-close", "aria-label": gettext("Close"),
      title: gettext("Close (Esc)")})
      .text("×").on("click", hide).appendTo($head);
    var $status = $("<p>", {"class": "bm-status", role: "status"}).text(gettext("Looking for images…")).appendTo($panel);
    var $backdrop = $("<div>", {"class": "bm-backdrop"}).append($panel).on("click", function (event) {
      if (event.target === this) { hide(); }
    });
    $backdrop.appendTo(shadow);
    document.body.appendChild(host);
    document.addEventListener("keydown", onKeydown, true);
    $panel[0].focus();

    collectImages(document, function (images) {
      if (!document.getElementById(ROOT_ID) || host !== document.getElementById(ROOT_ID)) { return; }
      if (!images.length) { $status.text(gettext("No images large enough on this page")); return; }
      $status.text(interpolate(ngettext("%(count)s image found. Pick it to bookmark it.",
        "%(count)s images found. Pick one to bookmark it.", images.length), {count: images.length}))
        .addClass("bm-found");
      var $grid = $("<ul>", {"class": "bm-grid"}).appendTo($panel);
      $.each(images, function (index, image) {
        var size = image.width + " × " + image.height;
        var name = new URL(image.src).pathname.split("/").pop() || "image";
        try { name = decodeURIComponent(name); } catch (e) { /* keep it encoded */ }
        $("<li>").append(
          $("<button>", {type: "button", "class": "bm-pick", "data-src": image.src})
            // Translators: a verb, read before the image's size and name: "Bookmark 640 × 480 cat.jpg".
            .append($("<span>", {"class": "bm-sr"}).text(gettext("Bookmark") + " "))
            .append($("<img>", {alt: "", src: image.src, loading: "lazy"}))
            .append($("<span>", {"class": "bm-caption"})
              .append($("<strong>").text(size))
              .append($("<span>", {"class": "bm-name"}).text(image.caption || name)))
            .on("click", function () {
              window.open(createUrl(image), "_blank", "noopener");
              hide();
            })
        ).appendTo($grid);
      });
    });
  }

  guard.show = function () {
    if (!document.body) { return; }
    withStrings(function () {});  // fetched while jQuery loads
    withJQuery(function ($) { withStrings(function () { render($); }); });
  };
  guard.show();
})();
