// The tablet's service worker, registered when a delegate downloads the session's documents
// for offline reading (pages/tablet/reader/offline.js puts them in the cache). It serves
// page images from that cache first (they never change: the address names the version, the
// width and the pixel ratio) and a document's details from the network, falling back to
// the copy kept when the network is gone. Nothing else is touched.
//
// A tablet is shared, so what it keeps is per user: one cache per user id
// (`council-user-<id>-v1`, named as in src/lib/userData.js; this file imports nothing). The
// page tells the worker who is logged in (`{type: 'council-user', user_id}` after login and
// on every load, `{type: 'council-logout'}` at logout) and deletes every user's cache when
// nobody is; the worker reads only the cache of the user it was told about, never another
// one, and never creates a cache (only the page fills them).
const USER_CACHE_PREFIX = 'council-user-';
const VERSION = 'v1';
const STATE = 'council-sw-state';
const STATE_URL = new URL('/sw-state/user', self.location.origin).href;
const LEGACY_CACHES = ['council-pages-v1'];
const PAGE_IMAGE = /^\/api\/documents\/\d+\/pages\/\d+\/image$/;
const DOCUMENT = /^\/api\/documents\/\d+$/;

/** Who is logged in: undefined until read from STATE (a worker is stopped when idle). */
let userId;

const cacheName = (id) => `${USER_CACHE_PREFIX}${id}-${VERSION}`;

async function knownUser() {
  if (userId === undefined) {
    try {
      const kept = await caches.match(STATE_URL, { cacheName: STATE });
      const id = kept ? (await kept.json()).user_id : null;
      if (userId === undefined) userId = Number.isInteger(id) ? id : null;
    } catch {
      if (userId === undefined) userId = null;
    }
  }
  return userId;
}

/** The logged-in user's cache, or null (nobody, or nothing kept for them). */
async function userCache() {
  const id = await knownUser();
  if (id === null) return null;
  const name = cacheName(id);
  // caches.open() would create it: a cache deleted at logout must stay deleted.
  return (await caches.has(name)) ? caches.open(name) : null;
}

async function remember(id) {
  userId = id;
  const cache = await caches.open(STATE);
  await cache.put(STATE_URL, new Response(JSON.stringify({ user_id: id }), { headers: { 'Content-Type': 'application/json' } }));
}

async function forget() {
  userId = null;
  await caches.delete(STATE);
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  // The first version kept one cache for everyone: whoever used it, it goes.
  event.waitUntil(Promise.all(LEGACY_CACHES.map((name) => caches.delete(name))).then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'council-user' && Number.isInteger(data.user_id)) event.waitUntil(remember(data.user_id));
  else if (data.type === 'council-logout') event.waitUntil(forget());
});

async function cacheFirst(request) {
  const cache = await userCache();
  const kept = cache && (await cache.match(request, { ignoreVary: true }));
  if (kept) return kept;
  return fetch(request);
}

async function networkFirst(request) {
  const cache = await userCache();
  try {
    const response = await fetch(request);
    if (response.ok && cache && (await cache.match(request, { ignoreVary: true }))) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (err) {
    const kept = cache && (await cache.match(request, { ignoreVary: true }));
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
