/* Runs only on the site's "Connect the extension" page (the manifest's content_scripts match
 * nothing else). Tells the page the extension is here; when the page holds a new token (made
 * by the person's own POST, with our CSRF token), hands it to the background and takes it off
 * the page. Other sites never see the token: it is only ever in this page of our origin.
 */
(function () {
  "use strict";
  var ext = globalThis.browser || globalThis.chrome;
  var root = document.documentElement;

  // The page's script (static/js/extension-connect.js) watches these two attributes.
  function tell(state, message) {
    root.setAttribute("data-bookmarks-extension-message", message || "");
    root.setAttribute("data-bookmarks-extension", state);
  }

  var holder = document.querySelector("[data-extension-token]");
  if (!holder) { tell("present"); return; }
  var token = holder.getAttribute("data-extension-token");
  holder.removeAttribute("data-extension-token");
  tell("connecting");
  ext.runtime.sendMessage({type: "bookmarks:connect", token: token}).then(function (answer) {
    if (answer && answer.ok) { tell("connected", answer.username); }
    else { tell("failed", (answer && answer.error) || "The extension could not connect."); }
  }, function () { tell("failed", "The extension did not answer."); });
})();
