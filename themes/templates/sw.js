/* Service worker: guide chapters (and the other public pages) a visitor has opened stay readable
   offline. Network first for pages (fresh when there is signal), cache fallback, then the offline
   page; cache first for our static files. No third-party requests. */
"use strict";
/* Rendered by village.views.service_worker with the fingerprinted static URLs. */
var STATIC_CACHE = "svp-static-{{ version }}";
var PAGE_CACHE = "svp-pages-v1";
var MAX_PAGES = 60;
/* Pages with personal data (a shop's orders, a buyer's cart, checkout and orders, the commune office's entries)
   are never stored. */
var PRIVATE = /^\/(vi|en)\/(my\/|market\/(cart|checkout|my-orders)\/|indicators\/office\/)/;
var PRECACHE = {{ precache|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) { return cache.addAll(PRECACHE); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== STATIC_CACHE && name !== PAGE_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function trim(cache) {
  return cache.keys().then(function (keys) {
    if (keys.length > MAX_PAGES) return cache.delete(keys[0]).then(function () { return trim(cache); });
  });
}

function isPage(request, url) {
  return request.mode === "navigate" && url.origin === self.location.origin &&
    !url.pathname.startsWith("/admin") && !url.pathname.startsWith("/django-admin") &&
    !url.pathname.startsWith("/api") && !/\/search\//.test(url.pathname) &&
    !PRIVATE.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (!isPage(request, url)) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(PAGE_CACHE).then(function (cache) { return cache.put(request, copy).then(function () { return trim(cache); }); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) {
        if (hit) return hit;
        var language = url.pathname.startsWith("/en/") ? "en" : "vi";
        return caches.match("/" + language + "/offline/");
      });
    })
  );
});
