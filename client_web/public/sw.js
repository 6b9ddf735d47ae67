// The tablet's service worker, registered when a delegate downloads the session's documents
// for offline reading (pages/tablet/reader/offline.js puts them in the cache). It serves
// page images from that cache first (they never change: the address names the version, the
// width and the pixel ratio) and a document's details from the network, falling back to
// the copy kept when the network is gone. Nothing else is touched.
const PAGES = 'council-pages-v1';
const PAGE_IMAGE = /^\/api\/documents\/\d+\/pages\/\d+\/image$/;
const DOCUMENT = /^\/api\/documents\/\d+$/;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

async function cacheFirst(request) {
  const cache = await caches.open(PAGES);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  return fetch(request);
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok && (await cache.match(request, { ignoreVary: true }))) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (err) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PAGE_IMAGE.test(url.pathname)) event.respondWith(cacheFirst(request));
  else if (DOCUMENT.test(url.pathname)) event.respondWith(networkFirst(request));
});
