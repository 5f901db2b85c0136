/* The extension's options: which account it is connected to, connect or disconnect, or paste
 * a token made on the profile page. */
(function () {
  "use strict";
  var ext = globalThis.browser || globalThis.chrome;
  var SITE = BOOKMARKS_SITE.replace(/\/+$/, "");
  var state = document.getElementById("state");
  var site = document.getElementById("site");
  site.href = SITE + "/";
  site.textContent = SITE;

  function show() {
    ext.storage.local.get(["token", "username"]).then(function (auth) {
      state.className = auth.token ? "good" : "";
      state.textContent = auth.token ? "Connected as " + (auth.username || "you") + "." : "Not connected yet.";
      document.getElementById("disconnect").hidden = !auth.token;
    });
  }
  document.getElementById("connect").addEventListener("click", function () {
    // Firefox grants host permissions only when asked; Chromium grants them at install.
    var ask = ext.permissions && ext.permissions.request ?
      ext.permissions.request({origins: [SITE + "/*"]}).catch(function () { return true; }) : Promise.resolve(true);
    ask.then(function () { ext.runtime.sendMessage({type: "bookmarks:open-connect"}); });
  });
  document.getElementById("disconnect").addEventListener("click", function () {
    ext.storage.local.remove(["token", "username"]).then(show);
  });
  document.getElementById("paste").addEventListener("submit", function (event) {
    event.preventDefault();
    var token = document.getElementById("token").value.trim();
    ext.runtime.sendMessage({type: "bookmarks:connect-pasted", token: token}).then(function (answer) {
      if (answer && answer.ok) { document.getElementById("token").value = ""; show(); }
      else { state.className = "bad"; state.textContent = (answer && answer.error) || "That token was refused."; }
    });
  });
  show();
})();
