// What this device keeps of the person logged in, and its removal. A tablet is shared: the
// next person must find nothing of the previous one. The Cache Storage that public/sw.js
// reads (pages and documents kept for offline reading) has one cache per user, named by
// their id; the worker is told who is logged in and serves a user only from that user's
// cache. At logout, and when the server says the session is gone, every user's cache is
// deleted. (public/sw.js imports nothing: it repeats the names below.)

export const USER_CACHE_PREFIX = 'council-user-';
const VERSION = 'v1';
/** The worker's note of who is logged in (so a restarted worker still knows). */
export const WORKER_STATE_CACHE = 'council-sw-state';
/** The cache of the first version of sw.js, shared by every user: never read, deleted. */
export const LEGACY_CACHES = ['council-pages-v1'];

/** The Cache Storage name of one user's data. */
export function userCacheName(userId) {
  return `${USER_CACHE_PREFIX}${Number(userId)}-${VERSION}`;
}

/** Is `name` a cache holding someone's data (any user's, this version or another)? */
export function isUserDataCache(name) {
  return name.startsWith(USER_CACHE_PREFIX) || name === WORKER_STATE_CACHE || LEGACY_CACHES.includes(name);
}

/** The caches to delete when `userId` is logged in (null: nobody): everyone else's. */
export function cachesToDelete(names, userId = null) {
  const keep = userId == null ? null : userCacheName(userId);
  return names.filter((name) => isUserDataCache(name) && name !== keep && !(keep && name === WORKER_STATE_CACHE));
}

function cacheStorage() {
  // Cache Storage and service workers exist in secure contexts only (HTTPS, localhost).
  return globalThis.isSecureContext && globalThis.caches ? globalThis.caches : null;
}

async function tellWorker(message) {
  const container = globalThis.navigator?.serviceWorker;
  if (!container) return;
  try {
    // Only a worker already registered (for offline reading) is told; none is registered here.
    const registration = await container.getRegistration('/');
    const workers = new Set([registration?.active, registration?.waiting, registration?.installing, container.controller]);
    for (const worker of workers) worker?.postMessage(message);
  } catch {
    // No worker, or it cannot be reached: the caches below are what counts.
  }
}

async function deleteCaches(userId) {
  const storage = cacheStorage();
  if (!storage) return;
  try {
    const names = await storage.keys();
    await Promise.all(cachesToDelete(names, userId).map((name) => storage.delete(name)));
  } catch {
    // Storage unavailable (private mode, quota): nothing was kept either.
  }
}

/** `userId` is logged in on this device: other users' caches go, the worker is told. */
export async function adoptUser(userId) {
  await deleteCaches(userId);
  await tellWorker({ type: 'council-user', user_id: Number(userId) });
}

/** Nobody is logged in any more (logout, or the session is gone): every user's data goes. */
export async function forgetUserData() {
  await tellWorker({ type: 'council-logout' });
  await deleteCaches(null);
}

/** Tell the worker who is logged in after it was registered (offline.js registers it). */
export function announceUserToWorker(userId) {
  return tellWorker({ type: 'council-user', user_id: Number(userId) });
}
