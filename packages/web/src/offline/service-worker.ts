/**
 * The service worker (sw.js): precaches every file build.mjs ships, under a cache named after a
 * content hash of the build, and answers from that cache first, so the app starts and analyses
 * without a network once visited. A new build has a new name (and so a new sw.js): it installs
 * beside the old one, takes over at once, and deletes the caches of older builds.
 *
 * Taking over at once is safe because a page fetches all its code when it loads (the workers'
 * code is inside app.js): a page is never half old, half new.
 */

/** `pooled-` and the first hex digits of the SHA-256 of every precached file (build.mjs). */
declare const CACHE_NAME: string;
/** Every file in dist/ but sw.js, relative to it, and "./" (the start URL). */
declare const PRECACHE: string[];

/** Caches of this app start so; other caches of the same origin are left alone. */
const CACHE_PREFIX = "pooled-";

const sw = self as unknown as ServiceWorkerGlobalScope;

sw.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // "reload": the files of this build, never older copies from the HTTP cache.
      await cache.addAll(PRECACHE.map((path) => new Request(path, { cache: "reload" })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME)
          .map((name) => caches.delete(name)),
      );
      // Control the page that registered this worker, so its first visit already works offline.
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== sw.location.origin) return;
  event.respondWith(cacheFirst(request));
});

/** The precached copy, else the network. A page's query (?workers=3) does not change its file. */
async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
  return cached ?? fetch(request);
}
