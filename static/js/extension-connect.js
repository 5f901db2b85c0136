/* The "Connect the extension" page: says what the extension's content script (extension/src/
 * connect.js) reports through two attributes of <html>. */
(function () {
  "use strict";
  var root = document.documentElement;
  var status = document.querySelector("[data-connect-status]");
  var missing = document.querySelector("[data-connect-missing]");
  if (!status) { return; }
  var handing = !!document.querySelector("[data-extension-token]");
  var TEXT = {
    present: gettext("The extension is installed in this browser. Press Connect to sign it in."),
    connecting: gettext("Handing the token to the extension…"),
    connected: gettext("Connected. The extension saves to your account now; you can close this tab.")
  };

  function show() {
    var state = root.getAttribute("data-bookmarks-extension");
    var message = root.getAttribute("data-bookmarks-extension-message") || "";
    if (!state) { return; }
    missing.hidden = true;
    status.className = "connect-status" + (state === "connected" ? " good" : state === "failed" ? " bad" : "");
    if (state === "connected") {
      status.textContent = message ? interpolate(gettext("Connected as %(account)s. The extension saves to your account now; you can close this tab."), {account: message}, true) : TEXT.connected;
    } else {
      // The extension's own reason (its words, in English) goes into our sentence as it is.
      status.textContent = state === "failed" ?
        interpolate(gettext("The extension could not connect: %(reason)s"), {reason: message}, true) : TEXT[state];
    }
  }
  new MutationObserver(show).observe(root, {attributes: true, attributeFilter: ["data-bookmarks-extension"]});
  show();
  setTimeout(function () {
    if (root.getAttribute("data-bookmarks-extension")) { return; }
    status.className = "connect-status bad";
    status.textContent = handing ?
      gettext("The extension did not pick up the token: it is not installed in this browser. Revoke that token on your profile page if you like.") :
      gettext("The extension is not installed in this browser.");
    missing.hidden = false;
  }, 2500);
})();
