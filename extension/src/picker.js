/* The extension's picker, injected into the current tab by the toolbar button (after rules.js,
 * which defines collectImages: the bookmarklet's own rules, built from static/js/bookmarklet.js).
 * It runs in the extension's isolated world, so the page's Content-Security-Policy does not
 * stop it; it lives in a closed shadow root, so the page's CSS does not reach it; every text
 * goes in as text. The background saves the chosen images through the API.
 */
(function () {
  "use strict";

  var ext = globalThis.browser || globalThis.chrome;
  var ROOT_ID = "bm-extension-root";
  var old = document.getElementById(ROOT_ID);
  if (old) { old.remove(); }

  var STYLE = [
    ":host{all:initial}[hidden]{display:none!important}.grid:empty{display:none}",
    ".backdrop{position:fixed;inset:0;box-sizing:border-box;display:flex;align-items:flex-start;justify-content:center;",
    "padding:4vh 12px;background:rgba(16,24,40,.62);font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2430}",
    ".panel{box-sizing:border-box;width:100%;max-width:900px;max-height:92vh;display:flex;flex-direction:column;background:#fff;",
    "border-radius:14px;overflow:hidden;box-shadow:0 20px 50px rgba(16,24,40,.35);outline:none}",
    ".head{display:flex;align-items:center;gap:12px;padding:14px 16px 14px 20px;border-bottom:1px solid #e4e7ec}",
    ".title{flex:1;margin:0;font-size:17px;font-weight:700;line-height:1.3}.brand{color:#e0445a}",
    ".close{flex:none;width:36px;height:36px;border:1px solid #e4e7ec;border-radius:50%;background:#fff;color:#475467;",
    "font:22px/1 system-ui,sans-serif;cursor:pointer;padding:0}",
    ".bar{display:flex;flex-wrap:wrap;align-items:center;gap:10px 14px;padding:12px 20px;border-bottom:1px solid #e4e7ec;background:#f9fafb}",
    ".status{margin:0;flex:1 1 220px;color:#475467;font-size:14px}.status.bad{color:#b42318}.status.good{color:#067647}",
    ".bar label{font-size:14px;color:#475467;display:flex;align-items:center;gap:6px}",
    "select{font:inherit;font-size:14px;padding:6px 8px;border:1px solid #d0d5dd;border-radius:8px;background:#fff;max-width:200px}",
    ".btn{font:inherit;font-size:14px;font-weight:600;padding:8px 14px;border-radius:8px;border:1px solid #e0445a;background:#e0445a;color:#fff;cursor:pointer}",
    ".btn[disabled]{opacity:.5;cursor:default}.btn.quiet{background:#fff;color:#e0445a}",
    ".grid{list-style:none;margin:0;padding:16px 20px 20px;overflow:auto;display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:14px}",
    ".grid li{margin:0;padding:0}",
    ".pick{position:relative;box-sizing:border-box;display:flex;flex-direction:column;width:100%;padding:0;margin:0;border:2px solid #e4e7ec;",
    "border-radius:10px;background:#f6f7f9;cursor:pointer;overflow:hidden;font:inherit;color:inherit;text-align:left}",
    ".pick:hover{border-color:#f7a8b4}.pick[aria-pressed=true]{border-color:#e0445a;box-shadow:0 0 0 2px #e0445a}",
    ".pick:focus-visible,.close:focus-visible,.btn:focus-visible{outline:3px solid #f7a8b4;outline-offset:2px}",
    ".pick img{display:block;width:100%;height:130px;object-fit:contain;background:#eef0f3;border:0;margin:0}",
    ".tick{position:absolute;top:8px;right:8px;width:26px;height:26px;border-radius:50%;border:2px solid #fff;background:rgba(16,24,40,.45);",
    "color:#fff;font:700 15px/22px system-ui,sans-serif;text-align:center;box-sizing:border-box}",
    ".pick[aria-pressed=true] .tick{background:#e0445a}",
    ".caption{display:block;padding:6px 10px 8px;font-size:13px;line-height:1.35;background:#fff}",
    ".caption strong{display:block;font-weight:600}.name{display:block;color:#667085;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".result{display:block;font-size:12px;font-weight:600}.result.good{color:#067647}.result.bad{color:#b42318}",
    "@media (max-width:480px){.backdrop{padding:8px}.panel{max-height:calc(100vh - 16px)}",
    ".grid{grid-template-columns:repeat(auto-fill,minmax(120px,1fr));padding:12px}.pick img{height:100px}.bar{padding:10px 12px}}"
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var host = el("div", {id: ROOT_ID});
  host.style.cssText = "all:initial!important;display:block!important;position:fixed!important;inset:0!important;z-index:2147483647!important;";
  var shadow = host.attachShadow({mode: "closed"});
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(STYLE);
  shadow.adoptedStyleSheets = [sheet];
  // Closed: the page's scripts cannot read the person's board names out of it. The host says
  // only what state it is in (for the tests, which cannot see inside either).
  host.dataset.state = "looking";

  var backdrop = el("div", {"class": "backdrop"});
  var panel = el("div", {"class": "panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "t", tabindex: "-1"});
  var head = el("div", {"class": "head"});
  var title = el("h2", {"class": "title", id: "t"});
  title.appendChild(el("span", {"class": "brand"}, "Bookmarks"));
  title.appendChild(document.createTextNode(" · Choose images to save"));
  var close = el("button", {type: "button", "class": "close", "aria-label": "Close", title: "Close (Esc)"}, "×");
  head.appendChild(title);
  head.appendChild(close);
  var bar = el("div", {"class": "bar"});
  var status = el("p", {"class": "status", role: "status"}, "Looking for images…");
  var boardLabel = el("label", {}, "Board");
  var board = el("select", {"aria-label": "Board"});
  board.appendChild(el("option", {value: ""}, "— none —"));
  boardLabel.appendChild(board);
  boardLabel.hidden = true;
  var all = el("button", {type: "button", "class": "btn quiet"}, "Select all");
  var save = el("button", {type: "button", "class": "btn", disabled: ""}, "Save");
  all.hidden = save.hidden = true;
  bar.appendChild(status);
  bar.appendChild(boardLabel);
  bar.appendChild(all);
  bar.appendChild(save);
  var grid = el("ul", {"class": "grid"});
  panel.appendChild(head);
  panel.appendChild(bar);
  panel.appendChild(grid);
  backdrop.appendChild(panel);
  shadow.appendChild(backdrop);
  document.documentElement.appendChild(host);
  panel.focus();

  var picks = [];
  var saving = false;

  function hide() {
    host.remove();
    document.removeEventListener("keydown", onKey, true);
  }
  function onKey(event) {
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); hide(); }
  }
  document.addEventListener("keydown", onKey, true);
  close.addEventListener("click", hide);
  backdrop.addEventListener("click", function (event) { if (event.target === backdrop) { hide(); } });

  function say(text, kind) {
    status.textContent = text;
    status.className = "status" + (kind ? " " + kind : "");
  }
  function chosen() { return picks.filter(function (p) { return p.button.getAttribute("aria-pressed") === "true"; }); }
  function refresh() {
    var n = chosen().length;
    save.disabled = saving || !n;
    save.textContent = n === 1 ? "Save 1 image" : "Save " + n + " images";
    all.textContent = n === picks.length ? "Select none" : "Select all";
    host.dataset.selected = String(n);
  }

  all.addEventListener("click", function () {
    var on = chosen().length !== picks.length;
    picks.forEach(function (p) { p.button.setAttribute("aria-pressed", String(on)); });
    refresh();
  });

  var page = /^https?:$/.test(location.protocol) && location.href.length <= 2000 ? location.href : "";

  save.addEventListener("click", function () {
    var list = chosen();
    if (!list.length || saving) { return; }
    saving = true;
    refresh();
    say("Saving " + list.length + "…");
    var items = list.map(function (p) {
      return {url: p.image.src, title: (p.image.caption || document.title || "").slice(0, 200),
        alt_text: p.image.alt || "", page_url: page};
    });
    ext.runtime.sendMessage({type: "bookmarks:save", items: items, board: board.value ? Number(board.value) : null})
      .then(function (results) {
        var good = 0;
        results.forEach(function (result, index) {
          var mark = list[index].result;
          mark.textContent = result.ok ? "Saved" : result.error;
          mark.className = "result " + (result.ok ? "good" : "bad");
          if (result.ok) { good++; list[index].button.setAttribute("aria-pressed", "false"); }
        });
        saving = false;
        refresh();
        host.dataset.state = "saved";
        host.dataset.saved = String(good);
        if (good === results.length) {
          say(good === 1 ? "Saved 1 image to Bookmarks." : "Saved " + good + " images to Bookmarks.", "good");
        } else {
          say("Saved " + good + " of " + results.length + ". See the images marked below.", "bad");
        }
      }, function () {
        saving = false;
        refresh();
        say("The extension did not answer. Try again.", "bad");
      });
  });

  function notConnected() {
    host.dataset.state = "disconnected";
    say("Connect the extension to your Bookmarks account first.", "bad");
    var connect = el("button", {type: "button", "class": "btn"}, "Connect");
    connect.addEventListener("click", function () {
      ext.runtime.sendMessage({type: "bookmarks:open-connect"});
      hide();
    });
    bar.appendChild(connect);
  }

  function show(images) {
    if (!images.length) {
      host.dataset.state = "empty";
      say("No images large enough on this page");
      return;
    }
    host.dataset.state = "ready";
    host.dataset.found = String(images.length);
    say((images.length === 1 ? "1 image found." : images.length + " images found.") + " Choose the ones to save.");
    all.hidden = save.hidden = false;
    images.forEach(function (image) {
      var size = image.width + " × " + image.height;
      var name = new URL(image.src).pathname.split("/").pop() || "image";
      try { name = decodeURIComponent(name); } catch (e) { /* keep it encoded */ }
      var button = el("button", {type: "button", "class": "pick", "aria-pressed": "false", "data-src": image.src,
        "aria-label": "Choose " + name + " (" + size + ")"});
      button.appendChild(el("img", {alt: "", src: image.src}));
      button.appendChild(el("span", {"class": "tick", "aria-hidden": "true"}, "✓"));
      var caption = el("span", {"class": "caption"});
      caption.appendChild(el("strong", {}, size));
      caption.appendChild(el("span", {"class": "name"}, image.caption || name));
      var result = el("span", {"class": "result", role: "status"});
      caption.appendChild(result);
      button.appendChild(caption);
      button.addEventListener("click", function () {
        button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
        refresh();
      });
      var li = el("li");
      li.appendChild(button);
      grid.appendChild(li);
      picks.push({image: image, button: button, result: result});
    });
    refresh();
  }

  var context = ext.runtime.sendMessage({type: "bookmarks:context"});
  collectImages(document, function (images) {
    context.then(function (who) {
      if (!who || !who.connected) { show([]); notConnected(); return; }
      if (who.boards && who.boards.length) {
        who.boards.forEach(function (b) { board.appendChild(el("option", {value: String(b.id)}, b.name)); });
        boardLabel.hidden = false;
      }
      show(images);
    }, function () { show(images); });
  });
})();
