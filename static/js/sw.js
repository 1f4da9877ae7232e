// The desk's service worker: pages a grid worker has opened stay readable without a
// signal (network first, the last copy when offline); static files come from the cache.
// Writes are not handled here: offline.js keeps unsent forms and replays them.
const PAGES = "desk-pages-v1";
const STATIC = "desk-static-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(PAGES).then((cache) => cache.addAll(["/village/"]).catch(() => null)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(keys.filter((k) => ![PAGES, STATIC].includes(k)).map((k) => caches.delete(k)))
    ).then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        const copy = response.clone();
        caches.open(STATIC).then((cache) => cache.put(request, copy));
        return response;
      }))
    );
    return;
  }
  if (request.mode === "navigate" && !url.pathname.startsWith("/admin/")) {
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(PAGES).then((cache) => cache.put(request, copy));
        }
        return response;
      }).catch(() => caches.match(request).then((hit) => hit || caches.match("/village/")))
    );
  }
});
