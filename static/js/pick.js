/* Bookmarks picker window (/images/pick/): the bookmarklet's launcher opens it when a page's
 * Content-Security-Policy refuses our script, and posts it the page's images.
 *
 * The message comes from a page we do not control, so it is checked before use: only from the
 * window that opened us, only in the expected shape, only http(s) addresses. Everything is
 * built with createElement and textContent; nothing received is ever parsed as HTML.
 */
(function () {
  "use strict";

  // Our own page (base.html loads the catalogue first); English should it be missing.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) { return String(values[name]); });
  };

  var MAX_IMAGES = 200;
  var MAX_URL = 2000;
  var HELP_AFTER_MS = 4000;

  var root = document.querySelector("[data-picker]");
  if (!root) { return; }
  var status = root.querySelector("[data-picker-status]");
  var help = root.querySelector("[data-picker-help]");
  var grid = root.querySelector("[data-picker-grid]");
  var createUrl = root.getAttribute("data-create-url");
  var received = false;

  function isSize(value) {
    return typeof value === "number" && isFinite(value) && value >= 0 && value <= 1e6;
  }

  function isOptionalText(value) {
    return value === undefined || (typeof value === "string" && value.length <= 1000);
  }

  function isWebAddress(value) {
    if (typeof value !== "string" || value.length > MAX_URL || !/^https?:\/\//i.test(value)) {
      return false;
    }
    try {
      var url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch (e) {
      return false;
    }
  }

  // The candidates in a clean copy, or null when the message is not ours or not well formed.
  function readCandidates(data) {
    if (!data || typeof data !== "object" || data.type !== "bookmarks:candidates") { return null; }
    if (typeof data.title !== "string" || !Array.isArray(data.images)) { return null; }
    if (data.images.length > MAX_IMAGES) { return null; }
    var images = [];
    for (var i = 0; i < data.images.length; i++) {
      var image = data.images[i];
      if (!image || typeof image !== "object" || !isWebAddress(image.src) ||
          !isSize(image.width) || !isSize(image.height) ||
          !isOptionalText(image.alt) || !isOptionalText(image.caption)) {
        return null;
      }
      images.push({src: image.src, width: image.width, height: image.height,
        alt: (image.alt || "").slice(0, 300), caption: (image.caption || "").slice(0, 200)});
    }
    // Launchers dragged before captions and the page address were sent have neither; an
    // address we would not keep (too long, not http) is left out.
    return {title: data.title.slice(0, 200), page: isWebAddress(data.page) ? data.page : "",
      images: images};
  }

  // The form, prefilled as the in-page overlay does it (static/js/bookmarklet.js, createUrl).
  function choose(image, candidates) {
    window.location.assign(createUrl + "?url=" + encodeURIComponent(image.src) +
      "&title=" + encodeURIComponent(image.caption || candidates.title) +
      (image.alt ? "&alt=" + encodeURIComponent(image.alt) : "") +
      (candidates.page ? "&page=" + encodeURIComponent(candidates.page) : ""));
  }

  function show(candidates) {
    help.hidden = true;
    if (!candidates.images.length) {
      status.textContent = gettext("No images large enough on this page");
      return;
    }
    status.textContent = candidates.title ?
      interpolate(gettext("Images on “%(title)s”. Pick one to bookmark it."), {title: candidates.title}, true) :
      gettext("Pick an image to bookmark it.");
    candidates.images.forEach(function (image) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "picker-item";
      var name = image.src.split(/[?#]/)[0].split("/").pop() || "image";
      try { name = decodeURIComponent(name); } catch (e) { /* keep it encoded */ }
      var says = document.createElement("span");  // read first: "Bookmark 640 × 480 name.jpg"
      says.className = "sr-only";
      // Translators: a verb, read before the image's size and name: "Bookmark 640 × 480 cat.jpg".
      says.textContent = gettext("Bookmark") + " ";
      button.appendChild(says);
      var img = document.createElement("img");
      img.alt = "";
      img.referrerPolicy = "no-referrer";
      img.loading = "lazy";
      img.src = image.src;
      var caption = document.createElement("span");
      caption.className = "picker-caption";
      var size = document.createElement("strong");
      size.textContent = image.width + " × " + image.height;
      var filename = document.createElement("span");
      filename.className = "picker-name";
      filename.textContent = name;
      var address = document.createElement("span");
      address.className = "picker-url";
      address.textContent = image.src;
      address.setAttribute("aria-hidden", "true");  // the name says enough; the title has it all
      button.title = image.src;
      caption.appendChild(size);
      caption.appendChild(filename);
      caption.appendChild(address);
      button.appendChild(img);
      button.appendChild(caption);
      button.addEventListener("click", function () { choose(image, candidates); });
      item.appendChild(button);
      grid.appendChild(item);
    });
    var first = grid.querySelector("button");
    if (first) { first.focus(); }
  }

  window.addEventListener("message", function (event) {
    if (received || !window.opener || event.source !== window.opener) { return; }
    var candidates = readCandidates(event.data);
    if (!candidates) { return; }
    received = true;
    show(candidates);
  });

  window.setTimeout(function () {
    if (!received) {
      status.textContent = gettext("No images arrived from a page.");
      help.hidden = false;
    }
  }, HELP_AFTER_MS);

  // Tell the launcher we are listening (it also re-sends a few times, in case this is missed).
  // The message carries nothing, so any origin may read it.
  if (window.opener) {
    window.opener.postMessage({type: "bookmarks:ready"}, "*");
  }
})();
