/* Progressive enhancement only: every page works without this file.
   Registers the service worker that keeps visited guide chapters readable offline. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* offline reading is optional */ });
  });
  var list = document.getElementById("offline-pages");
  if (list && "caches" in window) {
    caches.open("svp-pages-v1").then(function (cache) {
      return cache.keys();
    }).then(function (requests) {
      requests.forEach(function (request) {
        var url = new URL(request.url);
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = url.pathname;
        link.textContent = decodeURIComponent(url.pathname);
        item.appendChild(link);
        list.appendChild(item);
      });
    });
  }
})();
