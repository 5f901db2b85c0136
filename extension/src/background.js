/* The extension's background: a service worker in Chromium, a background script in Firefox
 * (see extension/build.py). It alone holds the token and talks to the site's API:
 *   - the toolbar button injects the picker (rules.js + picker.js) into the current tab;
 *   - "Save to Bookmarks" on any image saves that image's own address (info.srcUrl);
 *   - the site's "Connect the extension" page hands it a token (connect.js).
 * BOOKMARKS_SITE comes from config.js, written by the build for one site.
 */
"use strict";

if (typeof BOOKMARKS_SITE === "undefined" && typeof importScripts === "function") {
  importScripts("config.js"); // Chromium's service worker; Firefox lists config.js first
}

var ext = globalThis.browser || globalThis.chrome;
var SITE = BOOKMARKS_SITE.replace(/\/+$/, "");
var MENU_ID = "bookmarks-save-image";
var CONNECT_URL = SITE + "/account/extension/connect/";
var TOKEN = /^bm_[\w-]{20,100}$/;

function stored() {
  return ext.storage.local.get(["token", "username"]);
}

// One call to our API with the token; resolves {ok, status, data} (never rejects).
function api(method, path, body) {
  return stored().then(function (auth) {
    if (!auth.token) { return {ok: false, status: 401, data: {detail: "Not connected"}}; }
    var options = {method: method, credentials: "omit", headers: {
      "Authorization": "Bearer " + auth.token, "Accept": "application/json"}};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(SITE + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) { ext.storage.local.remove(["token", "username"]); }
        return {ok: response.ok, status: response.status, data: data};
      });
    }, function () {
      return {ok: false, status: 0, data: {detail: "Bookmarks cannot be reached (" + SITE + ")."}};
    });
  });
}

function reason(result) {
  var data = result.data || {};
  if (result.status === 401) { return "Connect the extension to your account first."; }
  return data.detail || data.title || ("The site answered " + result.status + ".");
}

function saveImage(item, board) {
  var body = {url: item.url, title: (item.title || "").slice(0, 200) || "Untitled",
    page_url: item.page_url || "", alt_text: (item.alt_text || "").slice(0, 300)};
  if (board) { body.board = board; }
  return api("POST", "/api/v1/images/", body).then(function (result) {
    return {url: item.url, ok: result.ok, status: result.status,
      id: result.data && result.data.id, error: result.ok ? "" : reason(result)};
  });
}

// One after another: the site takes one bookmark at a time per person (a second one sent
// while the first is being taken is refused as busy).
function saveAll(items, board) {
  var results = [];
  return items.reduce(function (done, item) {
    return done.then(function () { return saveImage(item, board); }).then(function (result) {
      results.push(result);
    });
  }, Promise.resolve()).then(function () { return results; });
}

function connect(token) {
  return ext.storage.local.set({token: token}).then(function () {
    return api("GET", "/api/v1/me");
  }).then(function (result) {
    if (!result.ok) {
      return ext.storage.local.remove(["token", "username"]).then(function () {
        return {ok: false, error: reason(result)};
      });
    }
    var username = result.data.username || "";
    return ext.storage.local.set({username: username}).then(function () {
      return {ok: true, username: username};
    });
  });
}

// The picker asks for the person and their boards; boards are optional (an older site).
function whoAndBoards() {
  return stored().then(function (auth) {
    if (!auth.token) { return {connected: false, connect_url: CONNECT_URL}; }
    return api("GET", "/api/v1/boards/").then(function (result) {
      var items = result.ok ? (result.data.items || result.data.results || result.data) : null;
      if (result.status === 401) { return {connected: false, connect_url: CONNECT_URL}; }
      return {connected: true, username: auth.username,
        boards: Array.isArray(items) ? items.map(function (b) { return {id: b.id, name: b.name}; }) : null};
    });
  });
}

ext.runtime.onMessage.addListener(function (message, sender, reply) {
  var fromSite = sender.url && sender.url.indexOf(SITE + "/") === 0;
  var work = null;
  var fromOptions = !sender.tab && sender.id === ext.runtime.id;
  if (message && message.type === "bookmarks:connect" && fromSite) {
    work = TOKEN.test(message.token) ? connect(message.token) : Promise.resolve({ok: false, error: "No token."});
  } else if (message && message.type === "bookmarks:connect-pasted" && fromOptions) {
    work = TOKEN.test(message.token) ? connect(message.token) :
      Promise.resolve({ok: false, error: "A token starts with bm_; copy all of it."});
  } else if (message && message.type === "bookmarks:context") {
    work = whoAndBoards();
  } else if (message && message.type === "bookmarks:save" && Array.isArray(message.items)) {
    work = saveAll(message.items.slice(0, 200), message.board);
  } else if (message && message.type === "bookmarks:open-connect") {
    work = ext.tabs.create({url: CONNECT_URL}).then(function () { return {ok: true}; });
  }
  if (!work) { return false; }
  work.then(reply, function (error) { reply({ok: false, error: String(error)}); });
  return true; // the answer comes later
});

// The toolbar button: the picker, in the page's isolated world (its CSP does not apply).
function openPicker(tab) {
  return ext.scripting.executeScript({target: {tabId: tab.id}, files: ["rules.js", "picker.js"]});
}

function flash(text, color) {
  ext.action.setBadgeBackgroundColor({color: color});
  ext.action.setBadgeText({text: text});
  setTimeout(function () { ext.action.setBadgeText({text: ""}); }, 4000);
}

// Right-click an image → "Save to Bookmarks": the image's own address, the page as its source.
function saveFromMenu(info, tab) {
  if (info.menuItemId !== MENU_ID) { return Promise.resolve(null); }
  if (!/^https?:/.test(info.srcUrl || "")) {
    flash("!", "#b42318");
    return Promise.resolve({ok: false, error: "Only images with an http(s) address can be saved."});
  }
  var name = decodeURIComponent(new URL(info.srcUrl).pathname.split("/").pop() || "");
  var item = {url: info.srcUrl, title: (tab && tab.title) || name,
    page_url: /^https?:/.test(info.pageUrl || "") ? info.pageUrl : ""};
  return stored().then(function (auth) {
    if (!auth.token) {
      return ext.tabs.create({url: CONNECT_URL}).then(function () {
        return {ok: false, error: "Not connected"};
      });
    }
    return saveImage(item).then(function (result) {
      flash(result.ok ? "✓" : "!", result.ok ? "#067647" : "#b42318");
      return result;
    });
  });
}

ext.runtime.onInstalled.addListener(function () {
  ext.contextMenus.create({id: MENU_ID, title: "Save to Bookmarks", contexts: ["image"]});
});
ext.contextMenus.onClicked.addListener(saveFromMenu);
ext.action.onClicked.addListener(openPicker);

// For the tests (tests/e2e/test_extension.py): menus and the toolbar cannot be clicked there.
globalThis.bookmarksExtension = {openPicker: openPicker, saveFromMenu: saveFromMenu, site: SITE};
