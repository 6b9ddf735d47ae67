// "Download for offline reading": the session's published documents (their details and
// every page at the widths this tablet shows them, landscape and portrait) go into the
// reader's own cache (lib/userData.js, one per user, deleted at logout), which
// public/sw.js serves from. Confidential documents are never kept.
import { apiUrl } from '../../../lib/operations.js';
import { announceUserToWorker, userCacheName } from '../../../lib/userData.js';
import { dprStep, pageImageUrl, THUMB_WIDTH, widthBucket } from './geometry.js';

export function offlineSupported() {
  return Boolean(globalThis.isSecureContext && globalThis.navigator?.serviceWorker && globalThis.caches);
}

/** The widths (buckets) a page is shown at on this screen, both ways round, and thumbnails. */
export function screenWidths() {
  const w = globalThis.innerWidth || 1280;
  const h = globalThis.innerHeight || 800;
  const fit = (x) => Math.max(200, Math.min(x - 32, 1100));
  return [...new Set([widthBucket(fit(w)), widthBucket(fit(h)), THUMB_WIDTH])];
}

export function offlineDocuments(documents) {
  return (documents || []).filter((d) => d.kind !== 'link' && d.status === 'ready' && !d.confidential && d.page_count > 0);
}

const documentUrl = (d) => apiUrl('getDocument', { document_id: d.id });

/** Every address to keep for `documents`. */
export function offlineUrls(documents, widths, dpr) {
  const urls = [];
  for (const d of offlineDocuments(documents)) {
    urls.push(documentUrl(d));
    for (let n = 1; n <= d.page_count; n += 1) {
      for (const width of widths) urls.push(pageImageUrl(d.id, n, { width, dpr: dprStep(dpr) }));
    }
  }
  return urls;
}

/**
 * Register the worker and tell it who reads, then fetch and keep every address in the
 * cache of `userId`; onProgress(done, total).
 */
export async function downloadForOffline(documents, userId, onProgress) {
  if (!Number.isInteger(userId)) throw new Error('downloadForOffline: no user');
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  await announceUserToWorker(userId);
  const cache = await caches.open(userCacheName(userId));
  const urls = offlineUrls(documents, screenWidths(), globalThis.devicePixelRatio || 1);
  const details = new Set(offlineDocuments(documents).map(documentUrl));
  let done = 0;
  let failed = 0;
  onProgress(done, urls.length);
  const queue = urls.slice();
  const worker = async () => {
    while (queue.length) {
      const url = queue.shift();
      try {
        if (!(await cache.match(url, { ignoreVary: true }))) {
          const isImage = !details.has(url);
          const response = await fetch(url, {
            credentials: 'same-origin',
            headers: { Accept: isImage ? 'image/webp' : 'application/json' },
          });
          if (!response.ok) throw new Error(String(response.status));
          await cache.put(url, response);
        }
      } catch {
        failed += 1;
      }
      done += 1;
      onProgress(done, urls.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return { total: urls.length, failed };
}
