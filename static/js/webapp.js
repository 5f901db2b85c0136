/* The web app's service worker (/sw.js: the offline page; see shares/views.py). Registered
 * from every page so that a phone can install the site and list it in its share sheet. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) { return; }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {
      /* No service worker (private mode, a blocked script): the site works the same. */
    });
  });
})();
