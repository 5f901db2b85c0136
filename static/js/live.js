/* Live updates on every page of a logged-in person (plain JS, no jQuery needed).
   The unread badge and, on the dashboard, new feed items arrive over Server-Sent Events
   (the event process, bookmarks/events.py); the browser resumes a dropped stream itself
   (Last-Event-ID). Where the stream cannot connect (no EventSource, turned off, refused),
   the page polls /notifications/unread/ instead. */
(function () {
  "use strict";
  var badge = document.querySelector("[data-unread-badge]");
  if (!badge) { return; }
  var count = badge.querySelector("[data-unread-count]");
  var feed = document.querySelector("[data-live-feed]");
  var eventsUrl = badge.getAttribute("data-events-url");
  var unreadUrl = badge.getAttribute("data-unread-url");
  var pollMs = Math.max(1, parseInt(badge.getAttribute("data-poll-seconds"), 10) || 30) * 1000;
  var polling = null;

  function showUnread(n) {
    count.textContent = String(n);
    count.hidden = !n;
    var text = badge.querySelector("[data-unread-text]");
    if (text) { text.textContent = interpolate(ngettext("Notifications, %(count)s unread", "Notifications, %(count)s unread", n), {count: n}, true); }
    badge.setAttribute("data-unread", String(n));
  }

  function fetchUnread() {
    fetch(unreadUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && typeof data.unread === "number") { showUnread(data.unread); } })
      .catch(function () {});
  }

  function fetchFeed() {
    if (!feed) { return; }
    var url = window.location.pathname + "?page=1&actions_only=1";
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      var holder = document.createElement("ul");
      holder.innerHTML = html;
      var items = holder.querySelectorAll("li[data-action-id]");
      for (var i = items.length - 1; i >= 0; i--) {
        var id = items[i].getAttribute("data-action-id");
        if (!feed.querySelector('li[data-action-id="' + id + '"]')) {
          items[i].classList.add("feed-item-new");
          feed.insertBefore(items[i], feed.firstChild);
        }
      }
    }).catch(function () {});
  }

  function startPolling() {
    if (polling) { return; }
    document.documentElement.setAttribute("data-live", "polling");
    polling = window.setInterval(function () { fetchUnread(); fetchFeed(); }, pollMs);
  }

  if (!eventsUrl || !("EventSource" in window)) { startPolling(); return; }
  var url = eventsUrl;
  if (feed) { url += (url.indexOf("?") < 0 ? "?" : "&") + "feed=" + encodeURIComponent(feed.getAttribute("data-live-feed")); }
  var opened = false;
  var source = new EventSource(url, { withCredentials: true });
  source.addEventListener("open", function () {
    opened = true;
    document.documentElement.setAttribute("data-live", "sse");
    fetchUnread(); // what happened between this page's render and the stream's start
  });
  source.addEventListener("notification", function (event) {
    try { showUnread(JSON.parse(event.data).unread); } catch (e) { fetchUnread(); }
  });
  source.addEventListener("feed", fetchFeed);
  source.addEventListener("error", function () {
    // Closed for good (refused, e.g. 401, or never reachable): poll instead. A dropped open
    // stream is reconnected by the browser, which sends Last-Event-ID.
    if (source.readyState === EventSource.CLOSED || !opened) {
      source.close();
      startPolling();
    }
  });
})();
