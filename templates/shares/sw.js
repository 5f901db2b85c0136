{% load static %}/* Bookmarks' service worker (served at /sw.js by shares.views.service_worker).
 *
 * It keeps the offline page and the few static files it needs, and nothing else: pages are
 * personal (logged-in) and never stored. A page that cannot be loaded shows the offline page.
 * The share target's POST goes to the network as it is (the server stages it, then asks for a
 * confirmation with a CSRF token).
 */
"use strict";

var CACHE = "bookmarks-offline-{{ version }}";
var OFFLINE_URL = "{{ offline_url }}";
var ASSETS = [
  OFFLINE_URL,
  "{% static 'css/site.css' %}",
  "{% static 'img/favicon.svg' %}"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // Fetched without cookies: the stored copy is the one anybody gets.
    return cache.addAll(ASSETS.map(function (url) { return new Request(url, {credentials: "omit"}); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("bookmarks-offline-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE_URL); });
    }));
    return;
  }
  var url = new URL(request.url);
  if (url.origin === self.location.origin && ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(url.pathname).then(function (hit) { return hit || fetch(request); });
    }));
  }
});
